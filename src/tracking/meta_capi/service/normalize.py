"""Meta's customer-information rules: normalise each `user` field, then SHA-256 it.

Meta matches hashes, so `Jane@X.com ` and `jane@x.com` must hash alike, and alike with what Meta's
own libraries send: where the `facebook-business` SDK and Meta's parameter builder give the same
answer for an input, we give it too; where they differ, Meta's written rules ("Customer Information
Parameters", developers.facebook.com) decide. Five kinds of input on which both libraries agree
but contradict a written rule or example are the exceptions; README.md (Meta Conversions API) has the
table, field by field, and the unit tests hold every row. A value that is already a SHA-256 hex
digest passes through (lower-cased). A value that normalises to nothing (an e-mail that is not
one, a date that is no date) is left out, never sent as the hash of "" or of garbage, and
`user_data` names it so the caller can count it. `fbc`/`fbp` are sent raw (Meta's rule).
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

from tracking.meta_capi.service.places import COUNTRY_NAMES, US_STATES

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# local@domain: dot-separated atoms of letters (any script), digits and RFC 5322's specials; a
# domain of two or more labels. No spaces, no second "@", no empty atom (`a..b@`, `.a@`).
_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_LABEL}")
_DOB_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y.%m.%d",
                "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b %d %Y")
# Meta takes the initial, f or m; both libraries take f and m, the parameter builder also English words.
_GENDERS = {"f": "f", "female": "f", "woman": "f", "m": "m", "male": "m", "man": "m"}


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def email(value: str) -> str:
    """Trim and lower-case, nothing more (Meta's rule); "" unless the result is an e-mail address."""
    text = value.strip().lower()
    return text if _EMAIL.fullmatch(text) else ""


def phone(value: str) -> str:
    """Meta: "remove symbols, letters, and any leading zeros": `+1 (650) 555-1212` -> 16505551212,
    `0049 30 1234567` -> 49301234567, `030 1234567` -> 301234567. Meta wants the country code in
    the number; a national number stays without one (nothing here knows the visitor's country)."""
    return re.sub(r"[^0-9]", "", value).lstrip("0")


def _clean(value: str, *, keep_symbols: bool) -> str:
    """NFC, lower-case; letters, marks and digits of any script stay; punctuation, spaces and
    controls go, and so do symbols: ASCII ones always (as both libraries), the others unless kept
    (names keep them, as both libraries do; city's rule says "no special characters")."""
    def kept(ch: str) -> bool:
        kind = unicodedata.category(ch)
        if kind[0] in "PZ" or kind == "Cc" or ch.isspace():
            return False
        return kind[0] != "S" or (keep_symbols and not ch.isascii())

    return "".join(ch for ch in unicodedata.normalize("NFC", value).lower() if kept(ch))


def name(value: str) -> str:
    """Lower-case, no punctuation or spaces, accents kept and composed (NFC, as in Meta's example
    hash for "Valéry"): `O'Brien-Smith` -> obriensmith."""
    return _clean(value, keep_symbols=True)


def city(value: str) -> str:
    """As a name, without special characters; a "city" without a letter is none."""
    key = _clean(value, keep_symbols=False)
    return key if any(ch.isalpha() for ch in key) else ""


def _letters(value: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFC", value).lower() if ch.isalpha())


def state(value: str) -> str:
    """US state names -> their 2-letter code; elsewhere lower-case letters only (Meta)."""
    key = _letters(value)
    return US_STATES.get(key, key)


def zip_code(value: str) -> str:
    """Lower-case, no spaces; a dash ends the code (both libraries: `94035-1234` -> 94035); a US
    ZIP+4 written without its dash keeps its first 5 digits (Meta). Under 2 characters: none."""
    text = re.sub(r"\s", "", value.lower()).split("-", 1)[0]
    if len(text) == 9 and text.isascii() and text.isdigit():
        return text[:5]
    return text if len(text) >= 2 else ""


def country(value: str) -> str:
    """ISO 3166-1 alpha-2, lower-case: a 2-letter code as given, a known name or alpha-3 code mapped."""
    key = _letters(value)
    if len(key) == 2 and key.isascii():
        return key
    return COUNTRY_NAMES.get(key, "")


def date_of_birth(value: str) -> str:
    """`YYYYMMDD` from common spellings; a date that does not exist or is outside 1900 to this year
    (Meta's range) is none."""
    text = " ".join(value.strip().split())
    for fmt in _DOB_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return parsed.strftime("%Y%m%d") if 1900 <= parsed.year <= date.today().year else ""
    return ""


def gender(value: str) -> str:
    return _GENDERS.get(value.strip().lower(), "")


def external_id(value: str) -> str:
    """Lower-case, no whitespace (the parameter builder's rule, so the Pixel's ids hash alike)."""
    return "".join(value.lower().split())


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


def user_data(user: dict[str, str], *, ip: str = "", user_agent: str = "") -> tuple[dict, list[str]]:
    """Meta's `user_data` from our raw `user` object and the visitor's live ip/UA (sent unhashed),
    and the Meta keys of the values that were given but left out as invalid (`["em"]` for
    `email: "jane.example.com"`). Blank values are simply absent, not invalid."""
    out: dict = {}
    left_out: list[str] = []
    for key, value in user.items():
        if key in HASHED and isinstance(value, str):
            meta_key, normaliser = HASHED[key]
            digest = hashed(value, normaliser)
            if digest:
                out[meta_key] = [digest]
            elif value.strip():
                left_out.append(meta_key)
        elif key in RAW and isinstance(value, str) and value.strip():
            out[RAW[key]] = value.strip()
    if ip:
        out["client_ip_address"] = ip
    if user_agent:
        out["client_user_agent"] = user_agent
    return out, left_out
