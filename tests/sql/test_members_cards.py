"""Members, their default card, more cards, and the card summary the member app shows."""

import uuid
from decimal import Decimal

from .conftest import acting
from .harness import money


def test_create_member_issues_a_default_card_owned_by_the_member(db, world):
    with world.as_service():
        mid = db.call("create_member_profile", p_name="Alice", p_phone="13800000000",
                      p_email="alice@example.com", p_binding_user_org="wechat",
                      p_binding_org_id="wx_openid_1", p_default_card_type="prepaid")
        cards = [r["list_member_cards"] for r in db.rows("list_member_cards", p_member_id=mid)]
    assert len(cards) == 1
    card = cards[0]
    assert card["card_type"] == "prepaid" and card["status"] == "active"
    assert card["binding_role"] == "owner" and card["owner_member_id"] == str(mid)
    assert money(card["balance"]) == Decimal("0.00") and card["points"] == 0 and card["level_code"] == "base"
    with db.superuser():
        assert db.one("select provider || ':' || external_id from app.member_external_identities"
                      " where member_id = %s", (mid,)) == "wechat:wx_openid_1"


def test_create_member_validation(db, world):
    with world.as_service():
        db.call("create_member_profile", p_name="Bob", p_phone="13900000000",
                p_binding_user_org="alipay", p_binding_org_id="ali-1")
        bad = [
            dict(p_name=""), dict(p_name="x" * 201), dict(p_name="C", p_phone="not a phone"),
            dict(p_name="C", p_email="nope"), dict(p_name="C", p_default_card_type="gold"),
            dict(p_name="C", p_binding_user_org="wechat"),
            dict(p_name="C", p_phone="13900000000"),                              # phone taken
            dict(p_name="C", p_binding_user_org="alipay", p_binding_org_id="ali-1"),  # identity taken
        ]
        for kwargs in bad:
            with db.raises("MP013", "invalid_argument"):
                db.call("create_member_profile", **kwargs)
    with db.superuser():
        assert db.one("select count(*) from app.member_profiles where name = 'C'") == 0


def test_issue_more_cards_and_summarise_them(db, world):
    alice = world.member(balance="12.50")
    with world.as_service():
        corp = db.call("issue_card", p_member_id=alice.id, p_card_type="corporate", p_binding_password="s3cret-pass")
        summary = db.call("get_card_summary", p_card_id=corp)
        assert summary["card_type"] == "corporate" and summary["owner_member_id"] == str(alice.id)
        first = db.call("get_card_summary", p_card_id=alice.card_id)
        assert money(first["balance"]) == Decimal("12.50")
        assert len(db.rows("list_member_cards", p_member_id=alice.id)) == 2
        with db.raises("MP012", "not_found"):
            db.call("get_card_summary", p_card_id=uuid.uuid4())
        with db.raises("MP012", "not_found"):
            db.rows("list_member_cards", p_member_id=uuid.uuid4())
        with db.raises("MP012", "not_found"):
            db.call("issue_card", p_member_id=uuid.uuid4())
        with db.raises("MP013", "invalid_argument"):
            db.call("issue_card", p_member_id=alice.id, p_card_type="platinum")
        with db.raises("MP013", "invalid_argument"):
            db.call("issue_card", p_member_id=alice.id, p_binding_password="short")
    with db.superuser():
        h = db.one("select binding_password_hash from app.cards where id = %s", (corp,))
    assert h.startswith("$2") and "s3cret-pass" not in h and h.split("$")[2] == "10"  # cost 10


def test_member_and_card_rpcs_are_for_the_platform_only(db, world):
    shop = world.merchant()
    alice = world.member()
    with acting(db, shop.owner.caller):
        for fn, kwargs in (("create_member_profile", dict(p_name="x")),
                           ("get_card_summary", dict(p_card_id=alice.card_id)),
                           ("issue_card", dict(p_member_id=alice.id))):
            with db.raises("42501"):
                db.call(fn, **kwargs)
