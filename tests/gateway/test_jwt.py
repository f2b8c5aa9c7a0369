"""PostgREST's JWT checks, in its order, with its messages and its 30 s skew (no server needed)."""

from __future__ import annotations

import base64
import json

import pytest

from mps_dev.gateway import jwt

SECRET = "s" * 40
NOW = 1_700_000_000


def check(claims, **kw):
    return jwt.verify_for_postgrest(jwt.sign(claims, SECRET), SECRET, now=NOW, **kw)


def failure(claims) -> tuple[str, str]:
    with pytest.raises(jwt.JwtFailure) as e:
        check(claims)
    return e.value.code, e.value.message


def test_valid_token_gives_its_claims():
    assert check({"role": "authenticated", "exp": NOW + 10})["role"] == "authenticated"


@pytest.mark.parametrize("exp,ok", [(NOW - 30, True), (NOW - 31, False)])
def test_exp_with_30s_skew(exp, ok):
    if ok:
        check({"exp": exp})
    else:
        assert failure({"exp": exp}) == ("PGRST303", "JWT expired")


@pytest.mark.parametrize("claim,message", [("nbf", "JWT not yet valid"), ("iat", "JWT issued at future")])
def test_future_claims_with_30s_skew(claim, message):
    check({claim: NOW + 30})
    assert failure({claim: NOW + 31}) == ("PGRST303", message)


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
def test_time_claims_must_be_numbers(claim):
    assert failure({claim: "soon"}) == ("PGRST303", f"The JWT '{claim}' claim must be a number")


def test_exp_is_checked_before_nbf():
    assert failure({"exp": NOW - 100, "nbf": NOW + 100})[1] == "JWT expired"


def test_aud_must_be_string_or_string_array():
    check({"aud": ["authenticated"]})
    assert failure({"aud": 5}) == ("PGRST303", "The JWT 'aud' claim must be a string or an array of strings")


def test_other_algorithms_find_no_key():
    h = base64.urlsafe_b64encode(json.dumps({"alg": "RS256"}).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.JwtFailure) as e:
        jwt.verify_for_postgrest(f"{h}.e30.c2ln", SECRET, now=NOW)
    assert (e.value.code, e.value.message) == ("PGRST301", "No suitable key or wrong key type")


def test_role_defaults_to_anon_and_non_strings_are_json():
    assert jwt.role_of({}, "anon") == "anon"
    assert jwt.role_of({"role": ["a"]}, "anon") == '["a"]'


def test_api_keys_carry_their_role_and_no_sub():
    key = jwt.mint_api_key("anon", SECRET, now=NOW)
    claims = jwt.verify_for_postgrest(key, SECRET, now=NOW)
    assert claims["role"] == "anon" and "sub" not in claims and claims["exp"] > NOW + 365 * 24 * 3600
