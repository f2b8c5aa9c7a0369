"""A counter ("lane") as the soak drives it: its own proxy, httpx client, journal file and
SaleService, a seeded cashier who rings up charges, top-ups and refunds, presses Retry or Check
on whatever is unsettled, and now and then a crash (the in-memory state dropped, the same
journal file reopened, `recover()`)."""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter as Tally
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from pos_app.core.api import MpsClient, RetryPolicy
from pos_app.core.sale.journal import Journal
from pos_app.core.sale.service import SaleRefused, SaleService, Till
from tests.pos.api_shop import Operator, service_rpc
from tests.secrets_seen import remember

from .proxy import Exchange, FaultProxy, Plan

# Per RPC exchange. Auth requests always pass (a refresh is not what is under test here).
FAULT_WEIGHTS = {"pass": 70, "drop_request": 6, "drop_response": 8, "late": 4, "cut": 6,
                 "bad_gateway": 2, "gateway_timeout": 2}
REFUSE_CHANCE = 0.05  # after an exchange, the port refuses for 50–400 ms
READ_TIMEOUT = 0.75  # seconds: what a "late" exchange makes the client wait for


def fault_plan(rng: random.Random):
    faults, weights = zip(*FAULT_WEIGHTS.items(), strict=False)

    def decide(exchange: Exchange) -> Plan:
        if not exchange.path.startswith("/rest/"):
            return Plan()
        fault = rng.choices(faults, weights)[0]
        refuse = rng.uniform(0.05, 0.4) if rng.random() < REFUSE_CHANCE else 0.0
        return Plan(fault, refuse)

    return decide


@dataclass
class Card:
    """A member card shared by every lane. A single-use card's member shows a fresh code for
    each sale (which replaces any code another lane still holds); a multi-use card shows one."""

    gateway: object
    card_id: str
    single_use: bool
    _code: str | None = None

    def code(self) -> str:
        if self.single_use or self._code is None:
            rows = service_rpc(self.gateway, "rotate_card_qr", {
                "p_card_id": self.card_id, "p_ttl_seconds": 3600, "p_single_use": self.single_use})
            self._code = remember(rows[0]["qr_plain"])
        return self._code


def new_card(gateway, balance: str, single_use: bool, outside_keys: set[str]) -> Card:
    member = service_rpc(gateway, "create_member_profile", {"p_name": "Soak member"})
    card_id = service_rpc(gateway, "list_member_cards", {"p_member_id": member})[0]["card_id"]
    key = f"soak-seed-{uuid.uuid4()}"
    service_rpc(gateway, "recharge_card", {"p_card_id": card_id, "p_amount": balance, "p_idempotency_key": key})
    outside_keys.add(key)
    return Card(gateway, card_id, single_use)


@dataclass
class Payments:
    """Payments rung up by any lane, for the managers' refunds: (tx id, amount paid)."""

    items: list[tuple[str, Decimal]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: dict) -> None:
        with self.lock:
            self.items.append((str(result["tx_id"]), Decimal(str(result["paid_amount"]))))

    def pick(self, rng: random.Random) -> tuple[str, Decimal] | None:
        with self.lock:
            return rng.choice(self.items) if self.items else None


class Lane:
    def __init__(self, name: str, gateway, merchant: str, who: Operator, journal_path: Path, seed: int) -> None:
        self.name = name
        self.who = who
        self.path = journal_path
        self.rng = random.Random(f"{seed}:{name}:cashier")
        parts = urlsplit(gateway.url)
        self.proxy = FaultProxy((parts.hostname, parts.port))
        self.http = httpx.Client(timeout=httpx.Timeout(5.0, read=READ_TIMEOUT))
        retry = RetryPolicy(max_retries=2, initial_delay=0.02, max_delay=0.1,
                            random=random.Random(f"{seed}:{name}:jitter").random)
        self.client = MpsClient(self.http, self.proxy.url, gateway.anon_key, merchant, retry=retry)
        self.client.sign_in(who.email, who.password)  # on a healthy network: faults start after
        self.proxy.decide = fault_plan(random.Random(f"{seed}:{name}:network"))
        self.counter = Till(merchant_code=merchant, terminal=name, operator=who.email)
        self.journal = Journal(journal_path)
        self.sales = SaleService(self.client, self.journal, self.counter)
        self.tally: Tally[str] = Tally()

    # -- the cashier -----------------------------------------------------------------------

    def work(self, new_attempts: int, cards: list[Card], payments: Payments, refunds: bool) -> None:
        """Start `new_attempts` attempts, settling whatever is unsettled in between."""
        started = 0
        for _ in range(new_attempts * 8):  # bounded: a lane that cannot settle stops, the end settles it
            if started >= new_attempts:
                return
            unsettled = self.sales.unsettled()
            # A crash is likelier with a sale unsettled: that is when losing memory matters.
            if self.rng.random() < (0.12 if unsettled else 0.02):
                self.crash()
            elif unsettled:
                self._settle(unsettled[0].key, payments)
            else:
                self._start(cards, payments, refunds)
                started += 1

    def _start(self, cards: list[Card], payments: Payments, refunds: bool) -> None:
        roll = self.rng.random()
        paid = payments.pick(self.rng) if refunds and roll < 0.2 else None
        if paid is not None:
            tx_id, amount = paid
            # Sometimes more than is left: refund_exceeds_paid is a refusal path too.
            value = Decimal(self.rng.randint(1, int(amount * 60) + 1)) / 100
            prepared = self.sales.prepare_refund(tx_id, value, "soak")
        elif roll < 0.35:
            prepared = self.sales.prepare_topup(Decimal(self.rng.randint(100, 5000)) / 100,
                                                self.rng.choice(cards).code())
        else:
            prepared = self.sales.prepare_charge(Decimal(self.rng.randint(1, 3000)) / 100,
                                                 self.rng.choice(cards).code())
        self._note(prepared.kind, self.sales.run(prepared), payments)

    def _settle(self, key: str, payments: Payments) -> None:
        kind = self.journal.get(key).kind
        try:
            if self.sales.can_retry(key) and self.rng.random() < 0.75:
                self._note(f"{kind} retry", self.sales.retry(key), payments)
            else:
                self._note(f"{kind} check", self.sales.check(key), payments)
        except SaleRefused as e:  # never expected on a lane's single worker: a bug to see
            raise AssertionError(f"{self.name}: {e}") from e

    def _note(self, what: str, outcome, payments: Payments) -> None:
        self.tally[f"{what} {outcome.state}" + (f" ({outcome.error})" if outcome.state == "failed" else "")] += 1
        if outcome.state == "done" and outcome.attempt.kind == "charge":
            payments.add(outcome.result)

    def crash(self) -> None:
        """The counter dies between calls: its codes in memory are gone; the journal stays."""
        self.tally["crash"] += 1
        self.journal.close()
        self.journal = Journal(self.path)
        self.sales = SaleService(self.client, self.journal, self.counter)
        for outcome in self.sales.recover():
            self.tally[f"{outcome.attempt.kind} recover {outcome.state}"] += 1

    # -- the end ---------------------------------------------------------------------------

    def settle_all(self, rounds: int = 5) -> list[str]:
        """On a healthy network, recover until nothing is unfinished; what is still unsettled."""
        self.proxy.heal()
        for _ in range(rounds):
            if not self.sales.unsettled():
                break
            for outcome in self.sales.recover():
                self.tally[f"{outcome.attempt.kind} final recover {outcome.state}"] += 1
        return [f"{self.name}: {a.kind} {a.key} still {a.state}" for a in self.sales.unsettled()]

    def close(self) -> None:
        self.proxy.close()  # waits for late requests still on their way to the server
        self.journal.close()
        self.http.close()
