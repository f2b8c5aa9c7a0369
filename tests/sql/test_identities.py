"""External identities (WeChat, Alipay, Line, ...): unique per provider, and lookup by identity."""

import uuid

from .conftest import acting


def bind(db, world, member_id, provider, external_id):
    with world.as_service():
        return db.call("bind_external_identity", p_member_id=member_id, p_provider=provider,
                       p_external_id=external_id)


def find(db, world, provider, external_id):
    with world.as_service():
        return db.call("find_member_by_identity", p_provider=provider, p_external_id=external_id)


def test_bind_then_find(db, world):
    alice = world.member(name="Alice")
    res = bind(db, world, alice.id, "wechat", "wx_openid_alice")
    assert (res["member_id"], res["provider"], res["external_id"]) == (str(alice.id), "wechat", "wx_openid_alice")
    got = find(db, world, "wechat", "wx_openid_alice")
    assert (got["member_id"], got["name"], got["level_code"]) == (str(alice.id), "Alice", "base")


def test_an_identity_belongs_to_one_member_per_provider(db, world):
    alice, bob = world.member(name="Alice"), world.member(name="Bob")
    first = bind(db, world, alice.id, "wechat", "wx_1")
    assert bind(db, world, alice.id, "wechat", "wx_1")["identity_id"] == first["identity_id"]  # idempotent
    with db.raises("MP013", "invalid_argument"):
        bind(db, world, bob.id, "wechat", "wx_1")
    with db.raises("MP013", "invalid_argument"):
        bind(db, world, bob.id, " WeChat ", "wx_1")  # the provider is normalised before comparing
    # The same id at another provider is another identity.
    assert bind(db, world, bob.id, "alipay", "wx_1")["member_id"] == str(bob.id)
    assert find(db, world, "wechat", "wx_1")["member_id"] == str(alice.id)
    assert find(db, world, "ALIPAY", "wx_1")["member_id"] == str(bob.id)
    # One member may hold several providers.
    bind(db, world, alice.id, "line", "U123")
    assert find(db, world, "line", "U123")["member_id"] == str(alice.id)


def test_create_member_profile_binds_its_identity_the_same_way(db, world):
    alice = world.member(name="Alice", p_binding_user_org="wechat", p_binding_org_id="wx_created")
    assert find(db, world, "wechat", "wx_created")["member_id"] == str(alice.id)
    bob = world.member(name="Bob")
    with db.raises("MP013", "invalid_argument"):
        bind(db, world, bob.id, "wechat", "wx_created")
    with world.as_service(), db.raises("MP013", "invalid_argument"):
        db.call("create_member_profile", p_name="Eve", p_binding_user_org="wechat", p_binding_org_id="wx_created")


def test_unknown_identity_is_null_not_an_error(db, world):
    world.member(name="Alice", p_binding_user_org="wechat", p_binding_org_id="wx_a")
    assert find(db, world, "wechat", "wx_unknown") is None
    assert find(db, world, "alipay", "wx_a") is None


def test_invalid_input(db, world):
    alice = world.member()
    for provider, ext in (("", "x"), ("we chat", "x"), ("1wechat", "x"), ("wechat", ""), ("wechat", "x" * 257),
                          (None, "x"), ("wechat", None)):
        with db.raises("MP013", "invalid_argument"):
            bind(db, world, alice.id, provider, ext)
    with db.raises("MP012", "not_found"):
        bind(db, world, uuid.uuid4(), "wechat", "wx_ghost")
    with db.raises("MP013", "invalid_argument"):
        find(db, world, None, "x")


def test_binding_is_audited_without_the_external_id(db, world):
    alice = world.member()
    bind(db, world, alice.id, "wechat", "wx_secretish_openid")
    with db.superuser():
        row = db.q("select details from audit.event_log where action = 'member.bind_identity'"
                   " and entity_id = %s", (str(alice.id),))[0]
        assert row["details"] == {"provider": "wechat"}
        assert db.one("select count(*) from audit.event_log where details::text like '%%wx_secretish_openid%%'") == 0


def test_only_the_platform(db, world):
    shop = world.merchant()
    alice = world.member()
    with acting(db, shop.owner.caller):
        with db.raises("42501"):
            db.call("bind_external_identity", p_member_id=alice.id, p_provider="wechat", p_external_id="x")
        with db.raises("42501"):
            db.call("find_member_by_identity", p_provider="wechat", p_external_id="x")
