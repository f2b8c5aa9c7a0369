"""The QR decoder on the hard frames a counter's webcam gives (bench/qr_frames.py, fixed seeds):
each condition is read, frames without a code read as nothing, zbar takes over when zxing-cpp
is missing, and a stream decoder skips unchanged frames without reporting a code that has gone."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp

from bench import qr_frames
from pos_app.core.scanning import qr_decode
from pos_app.core.scanning.qr_decode import StreamDecoder, decode_codes


def _zxing_full(image) -> list[str]:
    """The anchor: zxing-cpp on the whole frame with its defaults (all of its own retries)."""
    return [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.parametrize("size", qr_frames.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("condition", [c for c in qr_frames.CONDITIONS if c != "empty"])
def test_each_hard_condition_reads_wherever_zxing_on_the_full_frame_does(condition, size):
    rng = np.random.default_rng([7, size[0], qr_frames.CONDITIONS.index(condition)])
    frames = [qr_frames.frame(rng, size, condition) for _ in range(3)]
    ours = [decode_codes(f.image) == [f.token] for f in frames]
    theirs = [_zxing_full(f.image) == [f.token] for f in frames]
    assert sum(theirs) >= 2  # the frames are hard, not hopeless
    assert all(o or not t for o, t in zip(ours, theirs, strict=False)), (ours, theirs)


def test_frames_without_a_code_read_as_nothing():
    rng = np.random.default_rng(11)
    frames = [qr_frames.frame(rng, size, "empty").image for size in qr_frames.SIZES for _ in range(6)]
    frames.append(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8))  # pure noise
    frames.append(np.zeros((720, 1280, 3), np.uint8))  # lens cap on
    frames.append(np.full((480, 640), 255, np.uint8))  # a white wall, grey
    for f in frames:
        assert decode_codes(f) == []


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown QR engine"):
        decode_codes(np.zeros((10, 10), np.uint8), engine="tesseract")


def test_zbar_takes_over_when_zxing_is_not_installed(monkeypatch):
    rng = np.random.default_rng(3)
    frame = qr_frames.frame(rng, (640, 480), "near")
    monkeypatch.setattr(qr_decode, "zxingcpp", None)
    assert qr_decode.default_engine() == "zbar"
    assert decode_codes(frame.image) == [frame.token]
    assert StreamDecoder()(frame.image) == [frame.token]
    with pytest.raises(RuntimeError, match="zxing-cpp is not installed"):
        decode_codes(frame.image, engine="zxing")


def test_zbar_can_be_asked_for_by_name():
    frame = qr_frames.frame(np.random.default_rng(4), (640, 480), "near")
    assert decode_codes(frame.image, engine="zbar") == [frame.token]


def test_the_stream_decoder_reads_a_whole_clip_without_a_stale_or_false_read():
    frames = qr_frames.stream(5, (640, 480), 60)
    decoder = StreamDecoder()
    token = next(f.token for f in frames if f.token)
    results = [decoder(f.image) for f in frames]
    assert all(r in ([], [token]) for r in results)  # never another text
    assert not any(r for f, r in zip(frames, results, strict=False) if f.condition == "away")  # gone is gone
    in_view = [f for f in frames if f.condition == "in view"]
    read = sum(r == [token] for f, r in zip(frames, results, strict=False) if f.condition == "in view")
    assert read >= sum(_zxing_full(f.image) == [token] for f in in_view) > 0
    assert decoder.reused > 0  # the counter alone between customers is not decoded again and again


def test_an_unchanged_frame_is_answered_without_decoding_and_a_changed_one_is_decoded():
    rng = np.random.default_rng(8)
    with_code = qr_frames.frame(rng, (640, 480), "near")
    decoder = StreamDecoder(reuse_limit=3)
    assert decoder(with_code.image) == [with_code.token]
    noisy = np.clip(with_code.image.astype(np.int16) + rng.integers(-3, 4, with_code.image.shape), 0, 255)
    assert decoder(noisy.astype(np.uint8)) == [with_code.token]
    assert (decoder.decoded, decoder.reused) == (1, 1)
    gone = qr_frames.frame(rng, (640, 480), "empty")
    assert decoder(gone.image) == []  # a new picture: decoded, and the code is no longer reported
    assert decoder.decoded == 2
    for _ in range(3):
        decoder(gone.image)
    decoder(gone.image)  # after reuse_limit answers from the last result, a fresh decode
    assert decoder.decoded == 3


def test_the_stream_decoder_finds_the_code_again_after_it_moved():
    rng = np.random.default_rng(9)
    first = qr_frames.frame(rng, (1280, 720), "near")
    decoder = StreamDecoder()
    assert decoder(first.image) == [first.token]
    moved = np.roll(first.image, (40, -60), axis=(0, 1))  # the hand moved the phone
    assert decoder(moved) == [first.token]
    elsewhere = qr_frames.frame(rng, (1280, 720), "far")  # a different member, far from the last box
    assert decoder(elsewhere.image) == [elsewhere.token]
