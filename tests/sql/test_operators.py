"""Operators and binding passwords (contract §9): remove_merchant_user and
set_card_binding_password."""

from decimal import Decimal

from ..secrets_seen import remember
from .conftest import acting
from .harness import SERVICE
from .rpc import charge


def remove(db, shop, user_id, op=None):
    with acting(db, (op or shop.owner).caller):
        return db.call("remove_merchant_user", p_merchant_code=shop.code, p_user_id=user_id)


def test_an_owner_removes_an_operator_whose_next_call_is_forbidden_whatever_token_it_holds(db, world):
    shop = world.merchant()
    alice = world.member(balance="50")
    charge(db, shop, world.qr(alice.card_id), "5", key="before")
    got = remove(db, shop, shop.cashier.user_id)
    assert got == {"merchant_code": shop.code, "user_id": str(shop.cashier.user_id),
                   "previous_role": "cashier", "removed": True}
    # Same user, same claims as the token it signed in with: every call reads merchant_users.
    for call in (lambda: charge(db, shop, world.qr(alice.card_id), "5", key="after"),
                 lambda: db.call("merchant_session_info", p_merchant_code=shop.code)):
        with acting(db, shop.cashier.caller), db.raises("42501", "forbidden"):
            call()
    with acting(db, shop.cashier.caller):
        assert db.q("select id from app.transactions") == []  # RLS reads follow too
    assert world.balance(alice.card_id) == Decimal("45.00")
    with db.superuser():
        assert db.one("select details->>'previous_role' from audit.event_log where action = 'merchant_user.remove'"
                      " and merchant_id = %s", (shop.id,)) == "cashier"


def test_only_an_owner_or_the_platform_removes_operators(db, world):
    shop = world.merchant()
    for op in (shop.manager, shop.cashier, world.user()):
        with db.raises("42501", "forbidden"):
            remove(db, shop, shop.cashier.user_id, op=op)
    db.as_anon()
    with db.raises("42501"):
        db.call("remove_merchant_user", p_merchant_code=shop.code, p_user_id=shop.cashier.user_id)
    with world.as_service():
        assert db.call("remove_merchant_user", p_merchant_code=shop.code,
                       p_user_id=shop.manager.user_id)["previous_role"] == "manager"


def test_the_last_owner_cannot_be_removed_but_one_of_two_can(db, world):
    shop = world.merchant()
    with db.raises("MP013", "invalid_argument"):
        remove(db, shop, shop.owner.user_id)
    with world.as_service():
        with db.raises("MP013", "invalid_argument"):
            db.call("remove_merchant_user", p_merchant_code=shop.code, p_user_id=shop.owner.user_id)
        db.call("add_merchant_user", p_merchant_code=shop.code, p_user_id=shop.manager.user_id, p_role="owner")
    assert remove(db, shop, shop.owner.user_id)["previous_role"] == "owner"  # an owner may leave
    with db.raises("MP013", "invalid_argument"):
        remove(db, shop, shop.manager.user_id, op=shop.manager)


def test_removing_someone_who_is_not_an_operator_is_not_found(db, world):
    shop, other = world.merchant(), world.merchant()
    with db.raises("MP012", "not_found"):
        remove(db, shop, other.cashier.user_id)
    with db.raises("MP012", "not_found"):
        remove(db, shop, None)


def set_password(db, card_id, old, new):
    with acting(db, SERVICE):
        return db.call("set_card_binding_password", p_card_id=card_id, p_old_password=old, p_new_password=new)


def hash_of(db, card_id):
    with db.superuser():
        return db.one("select binding_password_hash from app.cards where id = %s", (card_id,))


def test_setting_a_first_binding_password_and_then_changing_it_needs_the_old_one(db, world):
    alice = world.member()
    first, second = remember("first-secret-1"), remember("second-secret-2")
    assert set_password(db, alice.card_id, None, first)["had_password"] is False
    h1 = hash_of(db, alice.card_id)
    assert h1.startswith("$2") and first not in h1
    for wrong in (None, "", "not-it-at-all"):
        with db.raises("MP011", "binding_password_invalid"):
            set_password(db, alice.card_id, wrong, second)
    assert hash_of(db, alice.card_id) == h1
    assert set_password(db, alice.card_id, first, second)["had_password"] is True
    # The new one now guards the owner binding; the old one no longer does.
    bob = world.member(name="Bob")
    with world.as_service():
        with db.raises("MP011", "binding_password_invalid"):
            db.call("bind_card_member", p_card_id=alice.card_id, p_member_id=bob.id, p_role="owner",
                    p_binding_password=first)
        db.call("bind_card_member", p_card_id=alice.card_id, p_member_id=bob.id, p_role="owner",
                p_binding_password=second)
    with db.superuser():
        rows = db.q("select details::text as d from audit.event_log where action = 'card.set_binding_password'"
                    " and card_id = %s", (alice.card_id,))
    assert len(rows) == 2 and all(first not in r["d"] and second not in r["d"] for r in rows)


def test_a_card_without_a_password_takes_no_old_one_and_bad_input_is_refused(db, world):
    alice = world.member()
    with db.raises("MP011", "binding_password_invalid"):
        set_password(db, alice.card_id, "guess-guess", remember("fresh-pass-1"))
    for bad in (None, "short", "x" * 73):
        with db.raises("MP013", "invalid_argument"):
            set_password(db, alice.card_id, None, bad)
    with db.raises("MP012", "not_found"):
        set_password(db, "00000000-0000-0000-0000-000000000000", None, "long-enough")
    assert hash_of(db, alice.card_id) is None


def test_only_the_platform_sets_binding_passwords(db, world):
    shop = world.merchant()
    alice = world.member()
    with acting(db, shop.owner.caller), db.raises("42501"):
        db.call("set_card_binding_password", p_card_id=alice.card_id, p_old_password=None,
                p_new_password="owner-try-1")
    assert hash_of(db, alice.card_id) is None
