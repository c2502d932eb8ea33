"""PII redaction vectors: what must go, and what must stay (ids, dates, prices, versions)."""

import pytest

from core.privacy.checks import iban_valid, luhn_valid
from core.privacy.redaction import REDACTED, Redactor

R = Redactor()


@pytest.mark.parametrize("value", [
    "jane.doe@example.com", "write to Jane.Doe+shop@mail.example.co.uk please",
    "4111 1111 1111 1111", "4111-1111-1111-1111", "5500005555555559", "378282246310005", "6011111111111117",
    "+49 30 1234567", "+1 (555) 123-4567", "0049 170 1234567", "030 1234567", "0151-2345678", "(555) 123-4567",
    "555.123.4567", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "FR1420041010050500013M02606",
    "123-45-6789",
])
def test_pii_is_redacted(value):
    redacted = R.text(value)
    assert REDACTED in redacted
    assert not any(part in redacted for part in ("@example", "1111 1111", "1234567", "3704", "WEST", "45-6789"))


@pytest.mark.parametrize("value", [
    "pro", "order 123456789", "1732550000000", "4111111111111112", "2026-11-25", "2026-11-25 10:30",
    "01.02.2026 10:30", "0b5e3c1e-8a5c-4d7e-9f43-1234567890ab", "v1.2.3", "131.0.6367.82", "price 19.99",
    "DE12 ABCD", "SKU-48213", "1,299.00", "@handle", "size 42",
])
def test_look_alikes_are_kept(value):
    assert R.text(value) == value


def test_checksums():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert iban_valid("DE89 3704 0044 0532 0130 00") and not iban_valid("DE89 3704 0044 0532 0130 01")
    assert not iban_valid("DE89")


@pytest.mark.parametrize(("key", "sensitive"), [
    ("password", True), ("user_password", True), ("accessToken", True), ("X-Api-Key", True), ("sessionId", True),
    ("email", True), ("cc_number", True), ("plan", False), ("success", False), ("hotel", False),
    ("passport_country", False), ("utm_source", False),
])
def test_sensitive_keys_are_matched_by_words(key, sensitive):
    assert R.sensitive_key(key) is sensitive


def test_props_are_redacted_by_key_and_by_value():
    assert R.props({"password": "hunter2", "plan": "pro", "note": "call +49 30 1234567"}) == {
        "password": REDACTED, "plan": "pro", "note": f"call {REDACTED}"}


def test_configured_keys_replace_the_defaults():
    custom = Redactor("voucher")
    assert custom.props({"voucher": "X-1", "password": "kept"}) == {"voucher": REDACTED, "password": "kept"}


@pytest.mark.parametrize(("url", "expected"), [
    ("https://shop.example/p?email=jane%40doe.org&q=shoes&token=abc#top",
     "https://shop.example/p?email=[redacted]&q=shoes&token=[redacted]#top"),
    ("https://shop.example/thanks?phone=%2B4930123456&ref=news", "https://shop.example/thanks?phone=[redacted]&ref=news"),
    ("https://shop.example/u/jane@doe.org/orders", "https://shop.example/u/[redacted]/orders"),
    ("https://shop.example/pay#card=4111111111111111", "https://shop.example/pay#card=[redacted]"),
    ("https://user:secret@shop.example/", "https://shop.example/"),
    ("https://shop.example/search?q=red+shoes&page=2", "https://shop.example/search?q=red+shoes&page=2"),
    ("", ""),
])
def test_urls_lose_pii_and_keep_everything_else_byte_for_byte(url, expected):
    assert R.url(url) == expected
