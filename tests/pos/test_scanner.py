"""The keyboard-wedge scanner detector, driven by injected timestamps (no clock, no sleep)."""

from __future__ import annotations

from pos_app.core.scanning.scanner import KeystrokeScannerDetector, Released, Scanned, ScannerTiming

TOKEN = "MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.q8Zx-3kLm_0PaVb7RtYw2nHs5JcD9eFg"
SCANNER_GAP = 0.004  # a typical scanner types a key every few milliseconds
PERSON_GAP = 0.180


def type_keys(det, text, start, gap):
    """Feed `text` one key every `gap` seconds from `start`; return outcomes and the next time."""
    out, t = [], start
    for ch in text:
        out += det.feed(ch, t)
        t += gap
    return out, t


def drain(det):
    """What a single-shot timer at the detector's deadline would collect."""
    out = []
    while det.deadline is not None:
        out += det.poll(det.deadline + 0.001)
    return out


def typed(outcomes):
    return "".join(k.text for o in outcomes if isinstance(o, Released) for k in o.keystrokes)


def scans(outcomes):
    return [o.code for o in outcomes if isinstance(o, Scanned)]


def test_a_fast_burst_ending_in_enter_is_one_scan_and_none_of_it_is_released():
    det = KeystrokeScannerDetector()
    out, t = type_keys(det, TOKEN + "\r", 10.0, SCANNER_GAP)
    out += drain(det)
    assert scans(out) == [TOKEN]
    assert typed(out) == ""
    (scan,) = out
    assert len(scan.keystrokes) == len(TOKEN) + 1 and scan.keystrokes[-1].text == "\r"
    assert scan.terminated


def test_qr_token_characters_dot_underscore_and_dash_survive_the_scan():
    det = KeystrokeScannerDetector()
    code = "MPSQR1.abc_DEF-123.x_y-z.Q"
    out, _ = type_keys(det, code + "\n", 0.0, SCANNER_GAP)
    assert scans(out) == [code]


def test_tab_and_lf_terminate_a_scan_too():
    for end in ("\t", "\n"):
        det = KeystrokeScannerDetector()
        out, _ = type_keys(det, TOKEN + end, 0.0, SCANNER_GAP)
        assert scans(out) == [TOKEN]


def test_a_person_typing_digits_then_enter_is_not_a_scan_and_every_key_is_delivered():
    det = KeystrokeScannerDetector()
    out = []
    t = 5.0
    for ch in "1234567890.50\r":
        out += det.poll(t)  # the UI's timer fires between a person's keys
        out += det.feed(ch, t)
        t += PERSON_GAP
    out += drain(det)
    assert scans(out) == []
    assert typed(out) == "1234567890.50\r"


def test_a_persons_key_is_held_only_until_max_gap_passes():
    det = KeystrokeScannerDetector(ScannerTiming(max_gap=0.040))
    assert det.feed("7", 1.000) == []
    assert det.deadline == 1.040
    assert det.poll(1.030) == []
    out = det.poll(1.041)
    assert typed(out) == "7"
    assert det.deadline is None


def test_a_burst_interrupted_by_a_slow_gap_is_a_person_and_is_released():
    det = KeystrokeScannerDetector()
    out, t = type_keys(det, "12345", 0.0, SCANNER_GAP)  # fast, but shorter than a scan
    more, _ = type_keys(det, "678\r", t + PERSON_GAP, PERSON_GAP)
    out += more + drain(det)
    assert scans(out) == []
    assert typed(out) == "12345678\r"


def test_a_short_fast_burst_with_enter_is_released_not_scanned():
    # A quick person can roll two or three keys and Enter together; that is not a code.
    det = KeystrokeScannerDetector()
    out, _ = type_keys(det, "50\r", 0.0, 0.010)
    assert scans(out) == []
    assert typed(out) == "50\r"


def test_two_scans_back_to_back_come_out_as_two_codes():
    det = KeystrokeScannerDetector()
    second = "MPSTX1.0b8c2f4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e"
    out, t = type_keys(det, TOKEN + "\r", 0.0, SCANNER_GAP)
    more, _ = type_keys(det, second + "\r", t, SCANNER_GAP)  # no pause between them at all
    out += more + drain(det)
    assert scans(out) == [TOKEN, second]
    assert typed(out) == ""


def test_a_scanner_without_terminator_ends_its_scan_by_timeout():
    timing = ScannerTiming(end_timeout=0.150)
    det = KeystrokeScannerDetector(timing)
    out, t = type_keys(det, TOKEN, 0.0, SCANNER_GAP)
    last = t - SCANNER_GAP
    assert det.deadline == last + 0.150
    assert det.poll(last + 0.100) == []  # a pause shorter than the timeout does not end it
    out += det.poll(last + 0.151)
    assert scans(out) == [TOKEN]
    assert not out[-1].terminated
    assert typed(out) == ""


def test_an_unterminated_scan_is_ended_by_the_next_late_key_too():
    det = KeystrokeScannerDetector()
    out, t = type_keys(det, TOKEN, 0.0, SCANNER_GAP)
    out += det.feed("5", t + 1.0)  # no timer fired; the person's next key settles the scan
    out += drain(det)
    assert scans(out) == [TOKEN]
    assert typed(out) == "5"


def test_a_held_down_key_auto_repeating_at_scanner_pace_is_a_person():
    det = KeystrokeScannerDetector()
    out, _ = type_keys(det, "0" * 20 + "\r", 0.0, 0.030)
    out += drain(det)
    assert scans(out) == []
    assert typed(out) == "0" * 20 + "\r"


def test_an_editing_key_releases_what_is_held_before_itself():
    det = KeystrokeScannerDetector()
    out = det.feed("9", 0.0) + det.feed("", 0.010)  # Backspace right after a digit
    assert [k.text for o in out for k in o.keystrokes] == ["9", ""]
    assert det.deadline is None


def test_released_keystrokes_carry_the_ui_event_back_untouched():
    det = KeystrokeScannerDetector()
    marker = object()
    det.feed("3", 0.0, event=marker)
    (released,) = drain(det)
    assert released.keystrokes[0].event is marker


def test_thresholds_are_configurable():
    strict = KeystrokeScannerDetector(ScannerTiming(max_gap=0.002, min_length=8))
    out, _ = type_keys(strict, TOKEN + "\r", 0.0, SCANNER_GAP)  # too slow for this setting
    out += drain(strict)
    assert scans(out) == [] and typed(out) == TOKEN + "\r"

    short = KeystrokeScannerDetector(ScannerTiming(min_length=3))
    out, _ = type_keys(short, "A-9\r", 0.0, SCANNER_GAP)
    assert scans(out) == ["A-9"]


def test_flush_releases_held_keys_as_typed():
    det = KeystrokeScannerDetector()
    det.feed("4", 0.0)
    det.feed("2", 0.005)
    assert typed(det.flush()) == "42"
    assert det.flush() == []


def test_a_scan_never_shows_its_code_in_a_repr():
    det = KeystrokeScannerDetector()
    out, _ = type_keys(det, TOKEN + "\r", 0.0, SCANNER_GAP)
    assert "q8Zx" not in repr(out)
