"""Closing the counter after a session ends the process cleanly, every time: the real `mps-pos`
started, signed in, a sale (and for a manager a refund), the window closed, exit status 0.
It used to die in one of two closes with `Fatal Python error: bool_dealloc`, exit 250 (issue 7,
item 4: the Qt binding lost a reference to True per signal emitted; test_qt_references.py).
The reliability suite runs the same session 100 times (tests/reliability/test_close_loop.py)."""

from .pos_process import check, configure, run_pos

RUNS = 10
LONG_SHIFT = 150  # sales in one session: more Python signals than True and None had references


def test_closing_after_a_sale_and_a_refund_exits_cleanly_every_time(shop, tmp_path):
    folders = configure(shop, tmp_path)
    for n in range(RUNS):
        manager = n % 2 == 1
        run = run_pos(shop, shop.manager if manager else shop.cashier, folders, refund="0.40" if manager else "")
        check(run, refunded=manager)


def test_closing_after_a_long_shift_exits_cleanly(shop, tmp_path):
    # A shift of sales in one process: with PySide6 6.12.0 every sale cost references to True and
    # None, and the process died mid-shift ("none_dealloc") or on closing ("bool_dealloc").
    run = run_pos(shop, shop.manager, configure(shop, tmp_path), sales=LONG_SHIFT, amount="0.50", refund="0.20")
    check(run, refunded=True, sales=LONG_SHIFT)
