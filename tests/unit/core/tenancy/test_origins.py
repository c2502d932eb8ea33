"""Which browser origins may send events for a site."""

import pytest

from core.tenancy.origins import default_origins, origin_allowed

DEFAULTS = default_origins("example.com")


def test_default_origins_cover_apex_and_subdomains_over_both_schemes():
    assert sorted(DEFAULTS) == sorted([
        "https://example.com", "http://example.com", "https://*.example.com", "http://*.example.com",
    ])


@pytest.mark.parametrize("origin", [
    "https://example.com",
    "http://example.com",
    "https://www.example.com",
    "https://shop.eu.example.com",
    "HTTPS://WWW.EXAMPLE.COM",
])
def test_site_and_its_subdomains_are_allowed_by_default(origin):
    assert origin_allowed(origin, DEFAULTS)


@pytest.mark.parametrize("origin", [
    "https://evil-example.com",  # suffix match without the dot would let this in
    "https://notexample.com",
    "https://example.com.evil.org",
    "https://example.org",
    "https://com",
])
def test_lookalike_hosts_are_refused(origin):
    assert not origin_allowed(origin, DEFAULTS)


def test_wildcard_alone_does_not_match_the_apex():
    assert origin_allowed("https://a.example.com", ["https://*.example.com"])
    assert not origin_allowed("https://example.com", ["https://*.example.com"])


def test_exact_entry_matches_the_apex_but_not_subdomains():
    assert origin_allowed("https://example.com", ["https://example.com"])
    assert not origin_allowed("https://www.example.com", ["https://example.com"])


def test_scheme_must_match():
    assert not origin_allowed("http://example.com", ["https://example.com"])
    assert not origin_allowed("http://www.example.com", ["https://*.example.com"])
    assert not origin_allowed("ftp://example.com", DEFAULTS)


def test_ports_must_match_exactly():
    assert not origin_allowed("https://example.com:8443", ["https://example.com"])
    assert origin_allowed("https://example.com:8443", ["https://example.com:8443"])
    assert not origin_allowed("https://example.com:9000", ["https://example.com:8443"])
    assert origin_allowed("http://localhost:3000", ["http://localhost:3000"])


def test_wildcard_with_port():
    assert origin_allowed("https://app.example.com:8443", ["https://*.example.com:8443"])
    assert not origin_allowed("https://app.example.com", ["https://*.example.com:8443"])


@pytest.mark.parametrize("origin", ["", "null", "example.com", "https://", "//example.com", "not a url"])
def test_garbage_origins_are_refused(origin):
    assert not origin_allowed(origin, DEFAULTS)


def test_empty_allow_list_refuses_everything():
    assert not origin_allowed("https://example.com", [])


@pytest.mark.parametrize("origin", ["https://example.com:99999", "https://example.com:abc", "https://[::1"])
def test_unparsable_origins_are_refused_not_raised(origin):
    # The Origin header is attacker-controlled: a bad port or broken IPv6 host must mean "no", never a 500.
    assert origin_allowed(origin, DEFAULTS) is False
