"""Meta's normalisation rules, field by field, on the inputs shops actually send."""

import hashlib

import pytest

from tracking.meta_capi.service import normalize as n


def h(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@pytest.mark.parametrize(("raw", "expected"), [
    ("Jane.Doe@Example.com", "jane.doe@example.com"),
    ("  JANE@EXAMPLE.COM  ", "jane@example.com"),
    ("jane @ example.com", "jane@example.com"),
    ("\tJane+Shop@Example.CO.UK\n", "jane+shop@example.co.uk"),
    ("Ünïcode@Exämple.de", "ünïcode@exämple.de"),
])
def test_email(raw, expected):
    assert n.email(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("+1 (650) 555-1212", "16505551212"),
    ("+49 30 1234567", "49301234567"),
    ("0049 30 1234567", "49301234567"),
    ("001-650-555-1212", "16505551212"),
    ("(650) 555 1212", "6505551212"),
    ("+44 (0) 20 7946 0958", "442079460958"),
    ("  +33.1.23.45.67.89 ", "33123456789"),
    ("tel:+1-650-555-1212", "16505551212"),
])
def test_phone(raw, expected):
    assert n.phone(raw) == expected


def test_phone_national_number_takes_a_known_country_code():
    assert n.phone("030 1234567", default_country_code="49") == "49301234567"
    assert n.phone("030 1234567") == "0301234567"


@pytest.mark.parametrize(("raw", "expected"), [
    ("Jane", "jane"),
    ("  JOHN ", "john"),
    ("O'Brien", "obrien"),
    ("Mary-Jane", "maryjane"),
    ("José", "josé"),
    ("Jose\u0301", "josé"),  # decomposed accent is composed (NFC) so both spellings hash alike
    ("Zoë, Jr.", "zoëjr"),
    ("Müller-Lüdenscheidt", "müllerlüdenscheidt"),
    ("Van der Berg", "vanderberg"),
    ("Ægir!", "ægir"),
])
def test_names(raw, expected):
    assert n.name(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("San Francisco", "sanfrancisco"),
    ("  Menlo-Park ", "menlopark"),
    ("St. Louis", "stlouis"),
    ("München", "münchen"),
    ("Frankfurt am Main", "frankfurtammain"),
])
def test_city(raw, expected):
    assert n.city(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("California", "ca"),
    ("CA", "ca"),
    ("  new york ", "ny"),
    ("New-York", "ny"),
    ("District of Columbia", "dc"),
    ("west virginia", "wv"),
    ("Bavaria", "bavaria"),
    ("B.C.", "bc"),
])
def test_state(raw, expected):
    assert n.state(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("94035-1234", "94035"),
    ("94035 1234", "94035"),
    ("940351234", "94035"),
    ("94035", "94035"),
    (" 10115 ", "10115"),
    ("SW1A 1AA", "sw1a1aa"),
    ("K1A-0B1", "k1a0b1"),
    ("1010", "1010"),
])
def test_zip(raw, expected):
    assert n.zip_code(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("United States", "us"),
    ("united states of america", "us"),
    ("USA", "us"),
    ("US", "us"),
    ("us", "us"),
    ("United Kingdom", "gb"),
    ("Deutschland", "de"),
    ("Germany", "de"),
    (" DE ", "de"),
    ("Österreich", "at"),
    ("The Netherlands", "nl"),
    ("Atlantis", ""),
])
def test_country(raw, expected):
    assert n.country(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("1990-02-14", "19900214"),
    ("19900214", "19900214"),
    ("1990/02/14", "19900214"),
    ("14.02.1990", "19900214"),
    ("02/14/1990", "19900214"),
    ("14-02-1990", "19900214"),
    ("14 February 1990", "19900214"),
    ("February 14, 1990", "19900214"),
    ("Feb 14 1990", "19900214"),
    ("  14  Feb  1990 ", "19900214"),
    ("1990-02-30", ""),
    ("yesterday", ""),
])
def test_date_of_birth(raw, expected):
    assert n.date_of_birth(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("F", "f"), ("female", "f"), (" Female ", "f"), ("woman", "f"), ("weiblich", "f"),
    ("M", "m"), ("Male", "m"), ("man", "m"), ("männlich", "m"),
    ("diverse", ""), ("", ""),
])
def test_gender(raw, expected):
    assert n.gender(raw) == expected


def test_user_data_hashes_normalised_values_and_sends_ip_ua_fbc_fbp_raw():
    user = {"email": " Jane.Doe@Example.com ", "phone": "+1 (650) 555-1212", "first_name": "José",
            "last_name": "O'Brien", "gender": "Female", "date_of_birth": "02/14/1990", "city": "San Francisco",
            "state": "California", "zip": "94035-1234", "country": "United States", "external_id": " Cust-42 ",
            "fbc": "fb.1.1554763741205.AbCdEf", "fbp": "fb.1.1558571054389.1098115397"}
    data = n.user_data(user, ip="203.0.113.9", user_agent="Mozilla/5.0")
    assert data == {
        "em": [h("jane.doe@example.com")], "ph": [h("16505551212")], "fn": [h("josé")], "ln": [h("obrien")],
        "ge": [h("f")], "db": [h("19900214")], "ct": [h("sanfrancisco")], "st": [h("ca")], "zp": [h("94035")],
        "country": [h("us")], "external_id": [h("cust-42")],
        "fbc": "fb.1.1554763741205.AbCdEf", "fbp": "fb.1.1558571054389.1098115397",
        "client_ip_address": "203.0.113.9", "client_user_agent": "Mozilla/5.0"}


def test_already_hashed_values_pass_through_lower_cased():
    digest = h("jane@example.com")
    assert n.user_data({"email": digest.upper(), "phone": digest}) == {"em": [digest], "ph": [digest]}


def test_values_that_normalise_to_nothing_and_unknown_keys_are_left_out():
    assert n.user_data({"email": "   ", "gender": "other", "country": "Atlantis", "date_of_birth": "soon",
                        "shoe_size": "42", "fbc": " "}) == {}


def test_names_hash_the_utf8_bytes():
    assert n.hashed("Zoë", n.name) == hashlib.sha256("zoë".encode()).hexdigest()
