"""What an installer may be built with: refused inputs name the flag and what to do instead."""

from __future__ import annotations

import time

import pytest

from tools.installer.inputs import InputError, check, check_key, check_merchant, check_terminal, check_url

from .keys import key, unsigned


def test_the_anon_key_and_an_https_url_are_accepted():
    anon = key("anon")
    got = check("https://abcd.supabase.co/", anon, "SHOP001", "Till 2")
    assert got.defaults() == {"supabase_url": "https://abcd.supabase.co", "api_key": anon,
                              "merchant_code": "SHOP001", "terminal_name": "Till 2"}


def test_a_service_role_key_is_refused_and_the_message_says_why():
    with pytest.raises(InputError) as e:
        check("https://abcd.supabase.co", key("service_role"), "SHOP001")
    assert "service_role" in str(e.value) and "anon" in str(e.value)


@pytest.mark.parametrize("bad", [
    "sb_secret_abcdefghijklmnop",            # a new-style secret key
    "not-a-jwt",                             # one part
    "a.b",                                   # two parts
    "a..c",                                  # an empty part
    "aaaa.%%%%.cccc",                        # claims not base64
    unsigned({"role": "authenticated"}),     # a user's token
    unsigned({"ref": "x"}),                  # no role at all
    unsigned({"role": "anon", "exp": 1}),    # expired
])
def test_anything_but_a_live_anon_jwt_is_refused(bad):
    with pytest.raises(InputError, match="--anon-key"):
        check_key(bad)


def test_an_anon_key_without_expiry_or_expiring_later_is_fine():
    assert check_key(unsigned({"role": "anon"}))
    assert check_key(unsigned({"role": "anon", "exp": time.time() + 3600}))


@pytest.mark.parametrize("url", [
    "http://abcd.supabase.co",               # plain http to a real host
    "http://192.168.1.10:54321",             # a LAN address is not loopback
    "ftp://abcd.supabase.co",
    "abcd.supabase.co",                      # no scheme
    "https://",                              # no host
    "https://user:pw@abcd.supabase.co",      # credentials in the URL
    "https://abcd.supabase.co/?x=1",
    "",
])
def test_bad_urls_are_refused(url):
    with pytest.raises(InputError, match="--url"):
        check_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:54321", "http://localhost:8000", "http://[::1]:54321",
                                 "http://127.5.6.7", "https://abcd.supabase.co"])
def test_https_or_loopback_http_is_accepted(url):
    assert check_url(url) == url


@pytest.mark.parametrize("code", ["A", "x" * 33, "SHOP 1", "shop/1", "店铺", "", "SHOP1\n"])
def test_merchant_codes_outside_the_backends_rule_are_refused(code):
    with pytest.raises(InputError, match="--merchant"):
        check_merchant(code)


@pytest.mark.parametrize("code", ["AB", "x" * 32, "shop_1-A"])
def test_merchant_codes_the_backend_accepts_pass(code):
    assert check_merchant(code) == code


@pytest.mark.parametrize("name", ["", "   ", "x" * 65, "Till\t2"])
def test_bad_terminal_names_are_refused(name):
    with pytest.raises(InputError, match="--terminal-name"):
        check_terminal(name)
