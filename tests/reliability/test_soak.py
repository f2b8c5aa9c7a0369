"""The soak: several counters at once, each through its own faulty proxy, on shared cards,
with Retry, Check and crashes; then, on a healthy network, every journal is settled and must
agree with the database to the cent (see `ledger.problems`)."""

from __future__ import annotations

import threading
import time
from collections import Counter as Tally
from decimal import Decimal

from tests.pos.api_shop import new_operator

from .conftest import scale
from .lanes import Card, Lane, Payments, new_card
from .ledger import problems, read_journals

LANES = 4  # two cashiers, two managers (only managers refund)
ATTEMPTS_PER_LANE = 70  # new attempts each; retries, checks and recoveries come on top
INITIAL = "500.00"


def test_soak_counters_on_a_faulty_network_lose_nothing_and_take_nothing_twice(shop, tmp_path, seed):
    gateway = shop.gateway
    outside: set[str] = set()
    cards: list[Card] = [new_card(gateway, INITIAL, single_use=True, outside_keys=outside) for _ in range(3)]
    cards.append(new_card(gateway, INITIAL, single_use=False, outside_keys=outside))  # shown at every lane
    initial = {c.card_id: Decimal(INITIAL) for c in cards}
    staff = [shop.cashier, new_operator(gateway, shop.code, "cashier"), shop.manager,
             new_operator(gateway, shop.code, "manager")]
    lanes = [Lane(f"lane-{i}", gateway, shop.code, who, tmp_path / f"lane-{i}.sqlite3", seed)
             for i, who in enumerate(staff[:LANES])]
    payments = Payments()
    failures: list[BaseException] = []
    started = time.monotonic()

    def drive(lane: Lane) -> None:
        try:
            lane.work(ATTEMPTS_PER_LANE * scale(), cards, payments, refunds=lane.who in (shop.manager, staff[3]))
        except BaseException as e:  # noqa: BLE001 - re-raised in the test's thread below
            failures.append(e)

    threads = [threading.Thread(target=drive, args=(lane,), name=lane.name) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600 * scale())
    try:
        assert not any(t.is_alive() for t in threads), f"a lane hung (seed {seed})"
        if failures:
            raise AssertionError(f"a lane failed (seed {seed})") from failures[0]
        stuck = [s for lane in lanes for s in lane.settle_all()]
    finally:
        for lane in lanes:
            lane.close()
    tally = sum((lane.tally for lane in lanes), Tally())
    faults = Tally(plan.fault for lane in lanes for _, plan in lane.proxy.log)
    refused = sum(1 for lane in lanes for _, plan in lane.proxy.log if plan.refuse_for)
    print(f"soak: {time.monotonic() - started:.1f}s, outcomes {dict(sorted(tally.items()))}")
    print(f"soak: exchanges by fault {dict(faults)}, port refusing after {refused}")
    rows = read_journals([lane.path for lane in lanes])
    found = stuck + problems(gateway.dsn, rows, initial, outside)
    assert found == [], f"seed {seed}: " + "\n".join(found)
    # The run must have exercised what it claims to: faults hit, and each kind of attempt ended
    # done at least once (else a quiet run could pass without testing the promise).
    assert faults["drop_response"] and faults["late"] and faults["cut"] and tally["crash"], (seed, faults, tally)
    done_kinds = {r.kind for r in rows if r.state == "done"}
    assert done_kinds == {"charge", "topup", "refund"}, (seed, done_kinds)
    assert len(rows) >= LANES * ATTEMPTS_PER_LANE * scale(), (seed, len(rows))
