"""QR decoding of camera frames: pyzbar and zxing-cpp on the full frame (the anchors a developer
would pick) against the app's pipeline, on the same generated frames, in the same loop.

Stills (bench/qr_frames.py: near, far, perspective, glare, motion, JPEG, low light, moiré, empty,
equally often, fixed seed) at 640x480 and 1280x720 go through `decode_codes`, the stateless entry
point; the 300-frame stream (a member raising, holding, moving and lowering the phone) goes
through `StreamDecoder`, as the scan loop runs it. Each frame is decoded by the three in turn, so
the machine's other load falls on all three alike.

zxing-cpp's anchor is `read_barcodes(frame, formats=QRCode)` with its defaults (inversion, its
downscaling pyramid and rotation on): the call its README shows.
"""

from __future__ import annotations

import time

import zxingcpp

from pos_app.core.scanning.qr_decode import StreamDecoder, decode_codes, to_grey

from . import qr_frames
from .table import Table, pct

SEED = 20261201


def _zxing_full(frame) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode)]


def _zbar_full(frame) -> list[str]:
    return decode_codes(frame, retries=False, engine="zbar")


def _score(frames, results):
    """(decoded %, false reads): a frame counts as decoded when its token, and nothing else, is
    read (an empty frame when nothing is); any text that is not the frame's token is a false read."""
    ok = false = 0
    for f, r in zip(frames, results, strict=False):
        false += any(t != f.token for t in r)
        ok += r == ([f.token] if f.token else [])
    return 100.0 * ok / len(frames), false


def _run_all(frames, decoders, passes: int = 2):
    """Each frame through each decoder, `passes` times; a frame's time is its fastest pass (a
    pass preempted by other work on a shared machine says nothing of the decoder). A decoder
    given as a factory (`StreamDecoder`) gets a fresh instance each pass, so a stream's state
    is rebuilt in every pass, in frame order."""
    times = {name: [float("inf")] * len(frames) for name in decoders}
    results = {name: [None] * len(frames) for name in decoders}
    for p in range(passes):
        fns = {name: (fn() if isinstance(fn, type) else fn) for name, fn in decoders.items()}
        for i, f in enumerate(frames):
            for name, fn in fns.items():
                t = time.perf_counter()
                r = fn(f.image)
                times[name][i] = min(times[name][i], (time.perf_counter() - t) * 1e3)
                if p == 0:
                    results[name][i] = r
        last = fns
    return times, results, last


def stills(table: Table, size: tuple[int, int], per_condition: int) -> None:
    frames = qr_frames.stills(SEED + size[0], size, per_condition)
    for f in frames[:3]:  # warm both libraries up (first-call allocations) off the clock
        _zxing_full(f.image), decode_codes(f.image), _zbar_full(f.image)
    times, results, _ = _run_all(frames, {"pyzbar": _zbar_full, "zxing": _zxing_full, "app": decode_codes})
    tag = f"QR {size[0]}x{size[1]} stills ({len(frames)})"
    cmd = "make bench (bench/qr_decode.py)"
    med = {k: pct(v, 50) for k, v in times.items()}
    p95 = {k: pct(v, 95) for k, v in times.items()}
    score = {k: _score(frames, v) for k, v in results.items()}
    table.add(f"{tag}: pyzbar full frame, median", med["pyzbar"], "ms", "zxing-cpp median", med["zxing"],
              command=cmd, note=f"decoded {score['pyzbar'][0]:.1f} %, p95 {p95['pyzbar']:.1f} ms")
    table.add(f"{tag}: zxing-cpp full frame, median", med["zxing"], "ms", command=cmd,
              note=f"decoded {score['zxing'][0]:.1f} %, p95 {p95['zxing']:.1f} ms")
    table.add(f"{tag}: app pipeline, median", med["app"], "ms", "zxing-cpp median", med["zxing"],
              "ratio <= 0.8", cmd)
    table.add(f"{tag}: app pipeline, p95", p95["app"], "ms", "zxing-cpp p95", p95["zxing"],
              "value <= 10" if size[0] >= 1280 else "", cmd)
    table.add(f"{tag}: app pipeline, decoded", score["app"][0], "%", "zxing-cpp decoded", score["zxing"][0],
              "value >= 99", cmd, note=f"pyzbar {score['pyzbar'][0]:.1f} %")
    table.add(f"{tag}: app pipeline, false reads", score["app"][1], "frames", goal="value == 0", command=cmd,
              note=f"zxing-cpp {score['zxing'][1]}, pyzbar {score['pyzbar'][1]}")
    missed = sorted({f.condition for f, r in zip(frames, results["app"], strict=False)
                     if r != ([f.token] if f.token else [])})
    if missed:
        table.rows[-2].note = "missed: " + ", ".join(missed)


def stream(table: Table, frames_n: int, size: tuple[int, int] = (1280, 720)) -> None:
    frames = qr_frames.stream(SEED, size, frames_n)
    _zxing_full(frames[0].image), to_grey(frames[0].image)
    times, results, last = _run_all(frames, {"zxing": _zxing_full, "app": StreamDecoder})
    app = last["app"]
    in_view = [i for i, f in enumerate(frames) if f.condition == "in view"]
    away = [i for i, f in enumerate(frames) if f.condition == "away"]
    token = next(f.token for f in frames if f.token)

    def read_pct(name):
        return 100.0 * sum(results[name][i] == [token] for i in in_view) / max(1, len(in_view))

    false = sum(any(t != token for t in r) for r in results["app"])
    stale = sum(bool(results["app"][i]) for i in away)
    tag = f"QR stream {size[0]}x{size[1]} ({len(frames)} frames, 30 fps)"
    cmd = "make bench (bench/qr_decode.py)"
    table.add(f"{tag}: app mean per frame", sum(times["app"]) / len(frames), "ms", "zxing-cpp mean",
              sum(times["zxing"]) / len(frames), "ratio <= 0.8", cmd,
              note=f"{app.reused} of {len(frames)} frames unchanged, not decoded")
    table.add(f"{tag}: app p95 per frame", pct(times["app"], 95), "ms", "zxing-cpp p95",
              pct(times["zxing"], 95), "value <= 10", cmd)
    table.add(f"{tag}: frames in view read", read_pct("app"), "%", "zxing-cpp", read_pct("zxing"),
              "ratio >= 0.99", cmd, note=f"{len(in_view)} frames with the code in view")
    table.add(f"{tag}: false or stale reads", false + stale, "frames", goal="value == 0", command=cmd,
              note="a stale read: the code reported on a frame after the phone has gone")


def run(table: Table, per_condition: int = 25, stream_frames: int = 300) -> None:
    for size in qr_frames.SIZES:
        stills(table, size, per_condition)
    stream(table, stream_frames)
