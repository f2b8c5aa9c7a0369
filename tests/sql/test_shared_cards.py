"""Shared cards (contract §7): roles, the password-guarded owner binding, and who manages whom."""

import uuid
from decimal import Decimal

import pytest

from .conftest import acting
from .harness import money
from .rpc import charge

PASSWORD = "tiger-lily-42"


@pytest.fixture
def card(db, world):
    """A prepaid card owned by Alice, guarded by PASSWORD, with 100.00 on it."""
    alice = world.member(name="Alice")
    with world.as_service():
        card_id = db.call("issue_card", p_member_id=alice.id, p_card_type="prepaid", p_binding_password=PASSWORD)
        db.call("recharge_card", p_card_id=card_id, p_amount=Decimal("100"), p_idempotency_key="load")
    return alice.id, card_id


def bind(db, world, card_id, member_id, role, **kw):
    with world.as_service():
        return db.call("bind_card_member", p_card_id=card_id, p_member_id=member_id, p_role=role, **kw)


def unbind(db, world, card_id, member_id, **kw):
    with world.as_service():
        return db.call("unbind_card_member", p_card_id=card_id, p_member_id=member_id, **kw)


def roles(db, card_id):
    with db.superuser():
        return {r["member_id"]: r["role"] for r in db.q(
            "select member_id, role::text from app.card_bindings where card_id = %s", (card_id,))}


def rotate_as(db, world, card_id, member_id):
    with world.as_service():
        return db.rows("rotate_card_qr", p_card_id=card_id, p_member_id=member_id)[0]["qr_plain"]


def test_holders_with_each_role_and_only_viewers_cannot_pay(db, world, card):
    owner, card_id = card
    shop = world.merchant()
    adm, mem, view = (world.member(name=n).id for n in ("Ann", "Max", "Vic"))
    bind(db, world, card_id, adm, "admin")
    bind(db, world, card_id, mem, "member")
    res = bind(db, world, card_id, view, "viewer")
    assert (res["role"], res["previous_role"], res["owner_member_id"]) == ("viewer", None, str(owner))
    assert roles(db, card_id) == {owner: "owner", adm: "admin", mem: "member", view: "viewer"}

    for payer in (owner, adm, mem):
        charge(db, shop, rotate_as(db, world, card_id, payer), "1.00", key=f"k-{payer}")
    with db.raises("42501"):
        rotate_as(db, world, card_id, view)
    with db.raises("42501"):
        rotate_as(db, world, card_id, world.member(name="Stranger").id)
    assert world.balance(card_id) == Decimal("97.00")
    with world.as_service():
        listed = db.rows("list_member_cards", p_member_id=view)
    mine = [r["list_member_cards"] for r in listed if r["list_member_cards"]["card_id"] == str(card_id)]
    assert [c["binding_role"] for c in mine] == ["viewer"]


def test_the_owner_binding_needs_the_right_password(db, world, card):
    owner, card_id = card
    bob = world.member(name="Bob").id
    for wrong in ("tiger-lily-43", "", None):
        with db.raises("MP011", "binding_password_invalid"):
            bind(db, world, card_id, bob, "owner", p_binding_password=wrong)
    assert roles(db, card_id) == {owner: "owner"}


def test_a_card_without_a_binding_password_cannot_change_owner(db, world):
    alice, bob = world.member(), world.member(name="Bob")
    with db.raises("MP011", "binding_password_invalid"):
        bind(db, world, alice.card_id, bob.id, "owner", p_binding_password="anything")


def test_transfer_makes_the_previous_owner_an_admin_and_moves_points_and_level(db, world, card):
    owner, card_id = card
    shop = world.merchant()
    bob = world.member(name="Bob").id
    bind(db, world, card_id, bob, "viewer")
    world.set_points(bob, 20000)  # platinum: 10 % off
    res = bind(db, world, card_id, bob, "owner", p_binding_password=PASSWORD)
    assert (res["previous_role"], res["previous_owner_member_id"]) == ("viewer", str(owner))
    assert roles(db, card_id) == {bob: "owner", owner: "admin"}
    with world.as_service():
        assert db.call("get_card_summary", p_card_id=card_id)["owner_member_id"] == str(bob)
    pay = charge(db, shop, world.qr(card_id), "10.00")
    assert pay["member_id"] == str(bob) and money(pay["discount_amount"]) == Decimal("1.00")
    # Binding the owner again is a no-op that still needs the password.
    again = bind(db, world, card_id, bob, "owner", p_binding_password=PASSWORD)
    assert again["previous_owner_member_id"] is None and roles(db, card_id)[bob] == "owner"


def test_a_transfer_can_replace_the_password(db, world, card):
    owner, card_id = card
    bob = world.member(name="Bob").id
    bind(db, world, card_id, bob, "owner", p_binding_password=PASSWORD, p_new_binding_password="new-secret-9")
    with db.raises("MP011", "binding_password_invalid"):
        bind(db, world, card_id, owner, "owner", p_binding_password=PASSWORD)
    bind(db, world, card_id, owner, "owner", p_binding_password="new-secret-9")
    assert roles(db, card_id) == {owner: "owner", bob: "admin"}
    with db.superuser():
        assert db.one("select binding_password_hash like '$2a$10$%%' from app.cards where id = %s", (card_id,))
    with db.raises("MP013", "invalid_argument"):  # only with an owner change
        bind(db, world, card_id, bob, "member", p_new_binding_password="new-secret-10")


def test_the_owner_cannot_be_unbound_or_demoted(db, world, card):
    owner, card_id = card
    with db.raises("MP013", "invalid_argument"):
        unbind(db, world, card_id, owner)
    with db.raises("MP013", "invalid_argument"):
        bind(db, world, card_id, owner, "admin")
    assert roles(db, card_id) == {owner: "owner"}


def test_admins_manage_every_binding_but_the_owners(db, world, card):
    owner, card_id = card
    adm, mem, other = (world.member(name=n).id for n in ("Ann", "Max", "Oli"))
    bind(db, world, card_id, adm, "admin")
    bind(db, world, card_id, mem, "member", p_acting_member_id=adm)
    bind(db, world, card_id, other, "viewer", p_acting_member_id=adm)
    bind(db, world, card_id, other, "admin", p_acting_member_id=adm)
    unbind(db, world, card_id, other, p_acting_member_id=adm)
    with db.raises("42501"):  # even with the right password
        bind(db, world, card_id, adm, "owner", p_binding_password=PASSWORD, p_acting_member_id=adm)
    with db.raises("42501"):
        bind(db, world, card_id, owner, "viewer", p_acting_member_id=adm)
    # The owner may remove an admin.
    unbind(db, world, card_id, adm, p_acting_member_id=owner)
    assert roles(db, card_id) == {owner: "owner", mem: "member"}


def test_members_and_viewers_manage_nothing_but_may_leave(db, world, card):
    owner, card_id = card
    mem, view, new = (world.member(name=n).id for n in ("Max", "Vic", "New"))
    bind(db, world, card_id, mem, "member")
    bind(db, world, card_id, view, "viewer")
    for actor in (mem, view, new):
        with db.raises("42501"):
            bind(db, world, card_id, new, "viewer", p_acting_member_id=actor)
    with db.raises("42501"):
        unbind(db, world, card_id, view, p_acting_member_id=mem)
    left = unbind(db, world, card_id, view, p_acting_member_id=view)
    assert left["removed_role"] == "viewer"
    assert roles(db, card_id) == {owner: "owner", mem: "member"}


def test_losing_the_right_to_pay_ends_the_live_code(db, world, card):
    owner, card_id = card
    shop = world.merchant()
    mem, mem2 = world.member(name="Max").id, world.member(name="Mia").id
    bind(db, world, card_id, mem, "member")
    bind(db, world, card_id, mem2, "member")
    qr = world.qr(card_id, single_use=False)
    assert bind(db, world, card_id, mem, "viewer")["qr_revoked"] is True
    with db.raises("MP005", "qr_not_active"):
        charge(db, shop, qr, "1.00", key="a")
    qr = world.qr(card_id, single_use=False)
    assert unbind(db, world, card_id, mem2)["qr_revoked"] is True
    with db.raises("MP005", "qr_not_active"):
        charge(db, shop, qr, "1.00", key="b")
    # Removing a viewer (who never had the code) leaves the live code alone.
    qr = world.qr(card_id, single_use=False)
    assert unbind(db, world, card_id, mem)["qr_revoked"] is False
    charge(db, shop, qr, "1.00", key="c")


def test_invalid_roles_and_unknown_ids(db, world, card):
    owner, card_id = card
    bob = world.member(name="Bob").id
    for bad in ("superuser", "", None, "OWNER"):
        with db.raises("MP013", "invalid_argument"):
            bind(db, world, card_id, bob, bad)
    with db.raises("MP012", "not_found"):
        bind(db, world, uuid.uuid4(), bob, "member")
    with db.raises("MP012", "not_found"):
        bind(db, world, card_id, uuid.uuid4(), "member")
    with db.raises("MP012", "not_found"):
        unbind(db, world, card_id, bob)  # not bound
    with db.superuser():
        db.q("update app.cards set status = 'closed' where id = %s", (card_id,))
    with db.raises("MP009", "card_inactive"):
        bind(db, world, card_id, bob, "member")


def test_bindings_are_audited_and_no_password_reaches_the_log(db, world, card):
    owner, card_id = card
    bob = world.member(name="Bob").id
    with db.raises("MP011"):
        bind(db, world, card_id, bob, "owner", p_binding_password="wrong-guess-1")
    bind(db, world, card_id, bob, "member")
    bind(db, world, card_id, bob, "owner", p_binding_password=PASSWORD, p_new_binding_password="next-secret-7")
    unbind(db, world, card_id, owner)
    with db.superuser():
        actions = [r["action"] for r in db.q(
            "select action from audit.event_log where card_id = %s and action like 'card.%%' order by id",
            (card_id,))]
        assert actions == ["card.issue", "card.bind", "card.bind", "card.unbind"]
        for secret in (PASSWORD, "wrong-guess-1", "next-secret-7"):
            assert db.one("select count(*) from audit.event_log where details::text like %s",
                          (f"%{secret}%",)) == 0


def test_only_the_platform_manages_bindings(db, world, card):
    owner, card_id = card
    shop = world.merchant()
    bob = world.member(name="Bob").id
    with acting(db, shop.owner.caller):
        with db.raises("42501"):
            db.call("bind_card_member", p_card_id=card_id, p_member_id=bob, p_role="member")
        with db.raises("42501"):
            db.call("unbind_card_member", p_card_id=card_id, p_member_id=owner)
