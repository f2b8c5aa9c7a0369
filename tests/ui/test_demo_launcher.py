"""`mps-dev demo` opens the cashier on the demo shop: the settings it writes, the environment and
commands it starts, what it says without a display; and the member's QR window it opens."""

import io
from datetime import UTC, datetime, timedelta

import numpy as np
from PySide6.QtGui import QGuiApplication

from mps_demo import launcher as demo_pos
from mps_dev.project import Project
from pos_app.core import settings as pos_settings
from pos_app.core.scanning.qr_decode import decode_codes
from pos_app.ui.member_qr_window import MemberQrWindow, qr_image, renew_in_ms

from .helpers import WAIT

PROJECT = Project(jwt_secret="s", anon_key="anon.demo.key", service_role_key="service.demo.key", api_port=55555)


def test_the_demo_settings_point_the_pos_at_the_local_demo_shop(tmp_path):
    paths = demo_pos.demo_dirs(tmp_path)
    pos_settings.save(demo_pos.demo_settings(PROJECT), paths)
    loaded = pos_settings.load(paths, defaults={})
    assert (loaded.supabase_url, loaded.api_key, loaded.merchant_code) == ("http://127.0.0.1:55555", "anon.demo.key",
                                                                          "SHOP001")
    assert loaded.is_configured and loaded.terminal_name == "DEMO-1"
    assert "service.demo.key" not in paths.settings_file.read_text()  # the POS never gets the service key
    env = demo_pos.pos_environment(paths, {"PATH": "/bin"})
    assert pos_settings.Paths.default(env) == paths and env["PATH"] == "/bin"


def test_a_display_is_a_display_server_or_a_chosen_qt_platform():
    assert not demo_pos.display_available({})
    assert not demo_pos.display_available({"DISPLAY": ""})
    assert demo_pos.display_available({"DISPLAY": ":99"})
    assert demo_pos.display_available({"WAYLAND_DISPLAY": "wayland-0"})
    assert demo_pos.display_available({"QT_QPA_PLATFORM": "offscreen"})


class FakeProcess:
    def __init__(self, args, env):
        self.args, self.env, self.terminated = args, env, False

    def wait(self):
        return 0

    def terminate(self):
        self.terminated = True


def test_with_a_display_it_opens_the_cashier_with_the_demo_email_and_the_members_qr(tmp_path):
    started = []

    def popen(args, env):
        started.append(FakeProcess(args, env))
        return started[-1]

    out = io.StringIO()
    assert demo_pos.open_counter(PROJECT, tmp_path, out, environ={"DISPLAY": ":99"}, popen=popen,
                                 window_problem=lambda env: None) == 0
    member, pos = started
    assert member.args[-5:] == ["-m", "mps_demo.member_qr_window", "--data-dir", str(tmp_path), "+8613800000001"]
    assert member.terminated
    assert pos.args[-3:] == ["pos_app.app", "--email", "cashier@shop001.demo"]
    assert pos.env[pos_settings.CONFIG_DIR_ENV] == str(tmp_path / "pos-demo" / "config")
    assert "cashier@shop001.demo" in out.getvalue()


def test_without_a_display_it_says_what_to_do_and_starts_nothing(tmp_path):
    out = io.StringIO()
    assert demo_pos.open_counter(PROJECT, tmp_path, out, environ={}, popen=None) == 0
    assert "No display here" in out.getvalue() and "mps-pos --email cashier@shop001.demo" in out.getvalue()
    assert (tmp_path / "pos-demo" / "config" / "settings.json").is_file()


def test_the_qr_image_reads_back_as_the_code(qtbot):
    image = qr_image("MPSQR1.demo-lookup.demo-secret", 400).convertToFormat(qr_image("x", 10).Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(height, image.bytesPerLine())[:, :width]
    assert decode_codes(pixels.copy()) == ["MPSQR1.demo-lookup.demo-secret"]
    assert width >= 300


def test_a_code_is_renewed_ahead_of_its_expiry_never_in_a_spin():
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert renew_in_ms(now + timedelta(seconds=300), now) == 285_000
    assert renew_in_ms(now + timedelta(seconds=5), now) == 1000


def test_the_window_shows_a_code_and_renews_it(qtbot):
    served = []

    def rotate():
        served.append(f"MPSQR1.code{len(served)}.secret")
        return served[-1], datetime.now(UTC) + timedelta(seconds=1)  # renewed after 1 s (the floor)

    window = MemberQrWindow(rotate, "Member +8613800000001", size=200)
    qtbot.addWidget(window)
    window.renew()
    qtbot.waitUntil(lambda: window.codes_shown == 2, timeout=WAIT)
    assert len(served) == 2 and not window.qr.pixmap().isNull() and "valid until" in window.caption.text()
    window.copy.click()  # for pasting into the cashier's payment-code field
    assert QGuiApplication.clipboard().text() == served[-1]


def test_the_demo_remembers_the_language_chosen_in_its_last_run(tmp_path):
    from dataclasses import replace

    paths = demo_pos.demo_dirs(tmp_path)
    out = io.StringIO()
    demo_pos.open_counter(PROJECT, tmp_path, out, environ={})  # the first run writes the settings
    chosen = replace(pos_settings.load(paths, defaults={}), language="zh_CN")  # F12 in the window saves this
    pos_settings.save(chosen, paths)
    moved = Project(jwt_secret="s", anon_key="anon.other.key", service_role_key="service.demo.key", api_port=55556)
    demo_pos.open_counter(moved, tmp_path, out, environ={})
    again = pos_settings.load(paths, defaults={})
    assert again.language == "zh_CN"
    assert (again.supabase_url, again.api_key) == ("http://127.0.0.1:55556", "anon.other.key")  # the stack's own
