"""A small stand-in for the backend behind `SaleApi`: cards with balances behind payment codes,
an idempotency registry with voids (as `merchant_resolve_attempt` keeps them), and scripted
faults for the next calls.

Scripted faults (`fail_next(...)`, used in order, one per call):
- `"unreachable"`: nothing reaches the server.
- `"lost_request"`: the connection drops before the server sees the request (OutcomeUnknown).
- `"lost_answer"`: the server commits, then the answer is lost (OutcomeUnknown).
- `"forbidden"`, `"jwt"` (401), `"rate_limited"` (429), `"signed_out"` (NotSignedIn).
- any contract error name (`"qr_expired"`...): the server refuses with it.
- a callable: called with (fn, key) before the server acts (to crash or block a test's process).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pos_app.core.api.errors import ApiError, NotSignedIn, OutcomeUnknown, Unreachable

CODES = {"invalid_amount": "MP001", "insufficient_balance": "MP002", "qr_invalid": "MP003",
         "qr_expired": "MP004", "qr_not_active": "MP005", "idempotency_conflict": "MP006",
         "refund_exceeds_paid": "MP007", "tx_not_refundable": "MP008", "card_inactive": "MP009",
         "merchant_inactive": "MP010", "not_found": "MP012", "invalid_argument": "MP013"}


def business(name: str) -> ApiError:
    return ApiError(400, CODES[name], f"{name}: refused by the fake server")


def _now() -> str:
    # The server's answers carry their commit time (timestamptz), which a receipt prints.
    return datetime.now(UTC).isoformat()


def new_code() -> str:
    return f"MPSQR1.{uuid.uuid4().hex[:24]}.{uuid.uuid4().hex}"


class FakeApi:
    def __init__(self) -> None:
        self.balances: dict[str, Decimal] = {}  # card last4 -> balance
        self.cards: dict[str, str] = {}  # payment code -> card last4
        self.spent: set[str] = set()
        self.registry: dict[str, tuple[tuple, dict[str, Any]]] = {}  # key -> (fingerprint, result)
        self.voided: set[str] = set()
        self.payments: dict[str, dict[str, Any]] = {}  # tx_id -> {"paid", "refunded", "card"}
        self.calls: list[tuple[str, str, str | None]] = []  # (fn, key, payment code)
        self.movements: list[tuple[str, Decimal, str | None]] = []  # cash movements applied
        self.rates: dict[str, Decimal] = {}  # card last4 -> the member level's discount rate (0 if absent)
        self._faults: list[Any] = []

    # -- set-up ----------------------------------------------------------------------------

    def card(self, balance: str, last4: str | None = None) -> str:
        """A card with `balance`; returns a fresh single-use payment code for it."""
        last4 = last4 or f"{len(self.balances) + 1:04d}"
        self.balances[last4] = Decimal(balance)
        return self.code_for(last4)

    def code_for(self, last4: str) -> str:
        code = new_code()
        self.cards[code] = last4
        return code

    def fail_next(self, *faults: Any) -> None:
        self._faults.extend(faults)

    # -- SaleApi ---------------------------------------------------------------------------

    def charge_by_qr(self, qr: str, amount: Decimal, key: str, tag: dict | None = None, *,
                     shift_id: str | None = None) -> dict[str, Any]:
        self.calls.append(("charge", key, qr))
        return self._money(key, lambda: self._charge(qr, amount, key))

    def recharge_by_qr(self, qr: str, amount: Decimal, key: str, *, shift_id: str | None = None) -> dict[str, Any]:
        self.calls.append(("topup", key, qr))
        return self._money(key, lambda: self._topup(qr, amount, key))

    def refund(self, tx_id: str, amount: Decimal, key: str, reason: str | None = None, *,
               shift_id: str | None = None) -> dict[str, Any]:
        self.calls.append(("refund", key, None))
        return self._money(key, lambda: self._refund(tx_id, amount, key))

    def cash_movement(self, shift_id: str, kind: str, amount: Decimal, key: str, reason: str | None = None,
                      tag: dict | None = None, *, terminal_code: str | None = None) -> dict[str, Any]:
        self.calls.append(("cash", key, None))
        return self._money(key, lambda: self._cash(shift_id, kind, amount, key, reason))

    def preview_qr(self, qr: str):
        """Who is paying (`merchant_preview_qr`): spends nothing; a used code is refused as a
        charge would refuse it. Raises like a charge (`fail_next` applies)."""
        from pos_app.core.api.shifts import Preview

        self.calls.append(("preview", "", qr))
        fault = self._faults.pop(0) if self._faults else None
        self._before(fault, "preview", "")
        last4 = self._card(qr)
        if qr in self.spent:
            raise business("qr_not_active")
        rate = self.rates.get(last4, Decimal("0"))
        return Preview.from_json({
            "card_last4": last4, "card_type": "prepaid", "member_display": "A**",
            "level_code": "gold" if rate else "base", "level_name": "Gold" if rate else "Base",
            "discount_rate": rate, "balance": self.balances[last4], "points": 5000 if rate else 0,
            "currency": "CNY", "qr_single_use": True, "qr_expires_at": "2030-01-31T08:05:00+00:00"})

    def resolve_attempt(self, key: str) -> dict[str, Any]:
        self.calls.append(("resolve", key, None))
        fault = self._faults.pop(0) if self._faults else None
        self._before(fault, "resolve", key)
        if key in self.registry:
            fp, result = self.registry[key]
            return {"outcome": "succeeded", "operation": fp[0], "idempotency_key": key,
                    "result": {**result, "replayed": True}, "replayed": True}
        replayed = key in self.voided
        self.voided.add(key)
        return {"outcome": "voided", "idempotency_key": key, "voided_at": "2030-01-31T08:00:00Z", "replayed": replayed}

    # -- the server ------------------------------------------------------------------------

    def _before(self, fault: Any, fn: str, key: str) -> None:
        if fault is None or fault == "lost_answer":
            return
        if callable(fault):
            fault(fn, key)
        elif fault == "unreachable":
            raise Unreachable("ConnectError to the fake")
        elif fault == "lost_request":
            raise OutcomeUnknown("ReadError before the server saw it")
        elif fault == "forbidden":
            raise ApiError(403, "42501", "forbidden: needs the manager role")
        elif fault == "jwt":
            raise ApiError(401, "PGRST301", "JWT expired")
        elif fault == "rate_limited":
            raise ApiError(429, None, "too many requests")
        elif fault == "signed_out":
            raise NotSignedIn()
        else:
            raise business(fault)

    def _money(self, key: str, apply) -> dict[str, Any]:
        fault = self._faults.pop(0) if self._faults else None
        self._before(fault, "money", key)
        result = apply()
        if fault == "lost_answer":
            raise OutcomeUnknown("ReadTimeout after the server committed")
        return result

    def _registered(self, key: str, fingerprint: tuple) -> dict[str, Any] | None:
        if key in self.voided:
            raise business("idempotency_conflict")
        if key in self.registry:
            fp, result = self.registry[key]
            if fp != fingerprint:
                raise business("idempotency_conflict")
            return {**result, "replayed": True}
        return None

    def _card(self, qr: str) -> str:
        if qr not in self.cards:
            raise business("qr_invalid")
        return self.cards[qr]

    def _charge(self, qr: str, amount: Decimal, key: str) -> dict[str, Any]:
        last4 = self._card(qr)
        replay = self._registered(key, ("charge", last4, amount))
        if replay is not None:
            return replay
        if qr in self.spent:
            raise business("qr_not_active")
        discount = (amount * self.rates.get(last4, Decimal("0"))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        due = amount - discount
        if self.balances[last4] < due:
            raise business("insufficient_balance")
        self.balances[last4] -= due
        self.spent.add(qr)
        tx_id = str(uuid.uuid4())
        self.payments[tx_id] = {"paid": due, "refunded": Decimal("0"), "card": last4}
        result = {"tx_id": tx_id, "kind": "payment", "card_last4": last4, "raw_amount": amount,
                  "discount_amount": discount if discount else Decimal("0.00"), "paid_amount": due,
                  "balance_after": self.balances[last4], "points_earned": int(due), "created_at": _now(),
                  "replayed": False}
        self.registry[key] = (("charge", last4, amount), result)
        return result

    def _topup(self, qr: str, amount: Decimal, key: str) -> dict[str, Any]:
        last4 = self._card(qr)
        replay = self._registered(key, ("recharge", last4, amount))
        if replay is not None:
            return replay
        if qr in self.spent:
            raise business("qr_not_active")
        self.balances[last4] += amount
        self.spent.add(qr)
        result = {"tx_id": str(uuid.uuid4()), "kind": "recharge", "card_last4": last4, "amount": amount,
                  "balance_after": self.balances[last4], "created_at": _now(), "replayed": False}
        self.registry[key] = (("recharge", last4, amount), result)
        return result

    def _cash(self, shift_id: str, kind: str, amount: Decimal, key: str, reason: str | None) -> dict[str, Any]:
        replay = self._registered(key, ("cash_movement", shift_id, kind, amount))
        if replay is not None:
            return replay
        self.movements.append((kind, amount, reason))
        result = {"movement_id": str(uuid.uuid4()), "shift_id": shift_id, "kind": kind, "amount": amount,
                  "reason": reason, "operator_user_id": None, "created_at": _now(), "terminal_code": "T1",
                  "replayed": False}
        self.registry[key] = (("cash_movement", shift_id, kind, amount), result)
        return result

    def _refund(self, tx_id: str, amount: Decimal, key: str) -> dict[str, Any]:
        replay = self._registered(key, ("refund", tx_id, amount))
        if replay is not None:
            return replay
        payment = self.payments.get(tx_id)
        if payment is None:
            raise business("not_found")
        if payment["refunded"] + amount > payment["paid"]:
            raise business("refund_exceeds_paid")
        payment["refunded"] += amount
        self.balances[payment["card"]] += amount
        result = {"refund_tx_id": str(uuid.uuid4()), "original_tx_id": tx_id, "card_last4": payment["card"],
                  "refund_amount": amount, "refundable_remaining": payment["paid"] - payment["refunded"],
                  "balance_after": self.balances[payment["card"]], "created_at": _now(), "replayed": False}
        self.registry[key] = (("refund", tx_id, amount), result)
        return result
