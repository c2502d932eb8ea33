"""Meta's customer-information rules: normalise each `user` field, then SHA-256 it.

Meta matches hashes, so `Jane@X.com ` and `jane@x.com` must hash alike: every rule below is
from Meta's "Customer Information Parameters" page. A value that is already a SHA-256 hex digest
passes through (lower-cased), so callers may hash themselves. A value that normalises to nothing
is left out rather than sent as the hash of "". `fbc`/`fbp` are sent raw (Meta's rule).
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from tracking.meta_capi.service.places import COUNTRY_NAMES, US_STATES

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DOB_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y.%m.%d",
                "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b %d %Y")
_GENDERS = {"f": "f", "female": "f", "woman": "f", "w": "f", "weiblich": "f", "femme": "f",
            "m": "m", "male": "m", "man": "m", "männlich": "m", "maennlich": "m", "homme": "m"}


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def email(value: str) -> str:
    return "".join(value.split()).lower()


def phone(value: str, default_country_code: str = "") -> str:
    """Digits only, with the country code: `+1 (650) 555-1212` -> 16505551212, `0049...` -> 49...

    A national number (leading single 0) only gets a country code if the caller knows one."""
    text = value.strip().removeprefix("tel:")
    if text.startswith("+"):  # `+44 (0) 20...`: the bracketed trunk 0 is not dialled internationally
        text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0") and default_country_code:
        return default_country_code + digits[1:]
    return digits


def name(value: str) -> str:
    """Lower-case, no punctuation or spaces, accents kept (UTF-8): `O'Brien-Smith` -> obriensmith."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFC", value).lower())


def city(value: str) -> str:
    return name(value)


def state(value: str) -> str:
    key = name(value)
    return US_STATES.get(key, key)  # outside the US: lower-case, no punctuation (Meta)


def zip_code(value: str) -> str:
    """No spaces or dash, lower-case; a US ZIP+4 (`94035-1234`) keeps its first 5 digits."""
    text = value.strip().lower()
    if re.fullmatch(r"\d{5}(-?\s*\d{4})", text):
        return text[:5]
    return re.sub(r"[\s\-]", "", text)


def country(value: str) -> str:
    key = name(value)
    if len(key) == 2 and key.isascii():
        return key
    return COUNTRY_NAMES.get(key, "")


def date_of_birth(value: str) -> str:
    text = " ".join(value.strip().split())
    for fmt in _DOB_FORMATS:
        try:
            return datetime.strptime(text, fmt).strftime("%Y%m%d")
        except ValueError:
            continue
    return ""


def gender(value: str) -> str:
    return _GENDERS.get(value.strip().lower(), "")


def external_id(value: str) -> str:
    return value.strip().lower()


# Our `user` key -> (Meta's user_data key, normaliser).
HASHED: dict[str, tuple[str, Callable[[str], str]]] = {
    "email": ("em", email), "phone": ("ph", phone), "first_name": ("fn", name), "last_name": ("ln", name),
    "gender": ("ge", gender), "date_of_birth": ("db", date_of_birth), "city": ("ct", city),
    "state": ("st", state), "zip": ("zp", zip_code), "country": ("country", country),
    "external_id": ("external_id", external_id),
}
RAW = {"fbc": "fbc", "fbp": "fbp"}


def hashed(value: str, normaliser: Callable[[str], str]) -> str:
    """The SHA-256 of the normalised value; an existing SHA-256 hex passes through; "" when empty."""
    stripped = value.strip().lower()
    if _SHA256.match(stripped):
        return stripped
    normalised = normaliser(value)
    return sha256(normalised) if normalised else ""


def user_data(user: dict[str, str], *, ip: str = "", user_agent: str = "") -> dict:
    """Meta's `user_data` from our raw `user` object and the visitor's live ip/UA (sent unhashed)."""
    out: dict = {}
    for key, value in user.items():
        if key in HASHED and isinstance(value, str):
            meta_key, normaliser = HASHED[key]
            digest = hashed(value, normaliser)
            if digest:
                out[meta_key] = [digest]
        elif key in RAW and isinstance(value, str) and value.strip():
            out[RAW[key]] = value.strip()
    if ip:
        out["client_ip_address"] = ip
    if user_agent:
        out["client_user_agent"] = user_agent
    return out
