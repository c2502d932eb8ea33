"""PII redaction at the edge: what a visitor typed must not reach the buffer, a store or a log.

Applied to the page URL and the referrer (query values, fragment, and e-mail addresses anywhere),
the event name, every prop key and value, the user id, and every string of a module's payload
(`data`). Pieces of text are replaced by `[redacted]` when they are an e-mail address, a
Luhn-valid card number, a phone number, an IBAN (mod-97 checked) or a US social security number,
and whole values are redacted when their key names a secret (`password`, `token`, ... see
`UT_PII_KEYS`). Query keys are kept, so reports still show which parameters a page had.

Payload strings are different: they are mostly identifiers a module deduplicates or groups by
(the ecommerce ledger counts a purchase once per `order_id`, products group by `item_id`, vitals
keep the latest value per `metric_id`), and the edge cannot know which field is which without every
module having to declare it. Turning two different PII-looking order ids into the same
`[redacted]` would merge two orders, so a payload string holding PII is replaced as a whole by a
keyed pseudonym, `[redacted:<12 hex>]`: the first 48 bits of an HMAC-SHA256 under a key derived from
`UT_SECRET_KEY`, over the site id and the value. Distinct values stay distinct (a collision needs
millions of PII-looking ids in one site), retries of one value stay equal, nothing raw is stored,
and without the server secret nobody can test a guessed e-mail against it; the site id in the
message keeps one value from linking across sites. It is not used outside payloads, where
distinctness buys nothing and a stable pseudonym of an e-mail in a prop would become the
persistent visitor identifier this service refuses to store. Rotating `UT_SECRET_KEY` changes every
pseudonym (a purchase retried across a rotation would count twice).
"""

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

from core.config.settings import DEFAULT_PII_KEYS as DEFAULT_KEYS
from core.config.settings import DEV_SECRET_KEY
from core.privacy.checks import iban_valid, luhn_valid

REDACTED = "[redacted]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# 13-19 digits, optionally grouped by spaces or dashes; first digit 2-6 (every card network),
# which also spares millisecond timestamps (they start with 1 until 2033).
_CARD = re.compile(r"(?<![\d\w])[2-6]\d{3}(?:[ \-]?\d){9,15}(?![\d\w])")
# International (+ or 00 prefix), national with a trunk 0 ("030 1234567", "0151-2345678"),
# and North American ("(555) 123-4567", "555.123.4567"). Plain digit runs without a 0 or + in
# front are left alone: they are far more often ids than phone numbers.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[1-9](?:[ \-.()/]{0,2}\d){7,14}"
    r"|0\d{1,5}(?:[ /\-]?\d{3,10})(?:[ \-]\d{2,8}){0,3}"
    r"|\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4})(?![\w])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_SSN = re.compile(r"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _phone(match: re.Match) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return REDACTED if 9 <= digits <= 15 else match.group(0)


def _card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return REDACTED if 13 <= len(digits) <= 19 and luhn_valid(digits) else match.group(0)


def _iban(match: re.Match) -> str:
    return REDACTED if iban_valid(match.group(0)) else match.group(0)


class Redactor:
    def __init__(self, sensitive_keys: Iterable[str] | str = DEFAULT_KEYS, secret_key: str = DEV_SECRET_KEY) -> None:
        if isinstance(sensitive_keys, str):
            sensitive_keys = sensitive_keys.split(",")
        # A key of its own, so a pseudonym reveals nothing about signatures made with the secret.
        self._pseudonym_key = hmac.new(secret_key.encode(), b"utrack redaction pseudonym v1", hashlib.sha256).digest()
        self._keys = frozenset(k.strip().lower().replace("-", "_") for k in sensitive_keys if k.strip())
        self.sensitive_key = lru_cache(maxsize=4096)(self._sensitive_key)  # the same keys come again and again

    def _sensitive_key(self, key: str) -> bool:
        """`password`, `user_password`, `accessToken`, `X-Api-Key`... but not `success` for `cc`."""
        normalized = key.strip().lower().replace("-", "_")
        if normalized in self._keys or normalized.replace("_", "") in self._keys:
            return True
        words = [w.lower() for w in _WORDS.findall(key)]
        pairs = {f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)}
        return any(w in self._keys for w in words) or bool(pairs & self._keys)

    def text(self, value: str) -> str:
        """The value with every recognised piece of PII replaced; unchanged when there is none."""
        if not value:
            return value
        if "@" in value:
            value = _EMAIL.sub(REDACTED, value)
        if sum(ch.isdigit() for ch in value) < 9:
            return value  # the fast path: every number we redact has at least 9 digits
        value = _IBAN.sub(_iban, value)
        value = _CARD.sub(_card, value)
        value = _SSN.sub(REDACTED, value)
        return _PHONE.sub(_phone, value)

    def props(self, props: Mapping[str, str]) -> dict[str, str]:
        """Keys are free text too (`{"jane@example.com": "1"}`): checked like values."""
        return {self.text(k): REDACTED if self.sensitive_key(k) else self.text(v) for k, v in props.items()}

    def pseudonym(self, value: str, scope: str = "") -> str:
        """The value when it holds no PII, else `[redacted:<12 hex>]`, the same for the same value and
        scope (see the module docstring). Always 23 characters, so it fits every bounded id field."""
        if self.text(value) == value:
            return value
        digest = hmac.new(self._pseudonym_key, f"{scope}\0{value}".encode(), hashlib.sha256).hexdigest()
        return f"[redacted:{digest[:12]}]"

    def payload(self, value: Any, scope: str = "") -> Any:
        """A module's payload with every string value pseudonymised and every key checked, however
        deep; numbers, booleans and None are kept."""
        if isinstance(value, str):
            return self.pseudonym(value, scope)
        if isinstance(value, Mapping):
            return {self.text(k) if isinstance(k, str) else k: self.payload(v, scope) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.payload(v, scope) for v in value]
        return value

    def url(self, url: str) -> str:
        """Query values and the fragment are checked; e-mail addresses anywhere in the URL go too."""
        if not url:
            return url
        try:
            parts = urlsplit(url)
        except ValueError:
            return self.text(url)
        query = self._query(parts.query)
        fragment = self.text(parts.fragment)
        path = _EMAIL.sub(REDACTED, parts.path) if "@" in parts.path else parts.path
        netloc = parts.netloc.rsplit("@", 1)[-1]  # credentials in a URL are never kept
        if (query, fragment, path, netloc) == (parts.query, parts.fragment, parts.path, parts.netloc):
            return url
        return urlunsplit((parts.scheme, netloc, path, query, fragment))

    def _query(self, query: str) -> str:
        """The query string, re-encoded only when a value had to be redacted. Each value is checked
        with `+` read as a space and as a plus, since both spellings reach us (`+49 30 ...`)."""
        if not query:
            return query
        pairs = parse_qsl(query, keep_blank_values=True)
        raw = [unquote(part.partition("=")[2]) for part in query.split("&") if part]
        cleaned = [(k, REDACTED if self.sensitive_key(k) else self._value(v, plain))
                   for (k, v), plain in zip(pairs, raw + [""] * (len(pairs) - len(raw)), strict=False)]
        if cleaned == pairs:
            return query
        return "&".join(f"{quote(k, safe='')}={quote(v, safe='[]')}" for k, v in cleaned)

    def _value(self, value: str, with_plus: str) -> str:
        redacted = self.text(with_plus)
        return redacted if redacted != with_plus else self.text(value)
