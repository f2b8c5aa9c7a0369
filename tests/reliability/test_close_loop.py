"""The counter closes cleanly after a session, a hundred times over (MPS_SOAK_SCALE multiplies
it): the real `mps-pos`, signed in, a sale (a manager's runs refund part of it), the window
closed, exit status 0 every time. `make test` has a ten-run version in tests/ui."""

import pytest

from tests.ui.pos_process import check, configure, run_pos

from .conftest import scale

RUNS = 100

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


def test_a_hundred_sessions_each_close_with_exit_status_0(shop, tmp_path):
    folders = configure(shop, tmp_path)
    codes = []
    for n in range(RUNS * scale()):
        manager = n % 2 == 1
        shop.top_up("1.00")  # the card starts with 100.00: enough for any scale
        run = run_pos(shop, shop.manager if manager else shop.cashier, folders, refund="0.10" if manager else "")
        codes.append(run.code)
        check(run, refunded=manager)
    print(f"close loop: {len(codes)} runs, exit statuses {sorted(set(codes))}")
