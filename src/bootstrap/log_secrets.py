"""No token or key in a log line: a filter on every handler the service logs through.

uvicorn writes the request target of each WebSocket handshake (`"WebSocket /events/ws?site_id=…&token=st_…"`)
to its error logger at INFO, even with the access log off, and a browser's WebSocket or EventSource
can only authenticate by the query string. Rather than hoping every line is written carefully, the
formatted message of every record is masked before a handler emits it: the values of query or
`key=value` pairs whose key names a credential, and anything shaped like one of our keys or tokens.
"""

import copy
import logging
import re

MASK = "[redacted]"
# token=, share_token=, api_key=, key=, secret=, password=, access_token=, signature= ... (any case)
_PAIR = re.compile(r"(?i)\b((?:[a-z]+_)*(?:token|key|apikey|secret|password|passwd|signature|sig))=([^&\s\"'#]+)")
# Our credentials by their prefixes (secret key, public key, share token), wherever they appear.
_SHAPED = re.compile(r"\b(sk|st)_[A-Za-z0-9_\-]{8,}")


def mask(text: str) -> str:
    if "=" in text:
        text = _PAIR.sub(lambda m: f"{m.group(1)}={MASK}", text)
    return _SHAPED.sub(MASK, text) if "_" in text else text


class SecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the arguments one by one first: some formatters read them (uvicorn's access
        formatter unpacks its five); then, if the message still shows a secret (`"token=%s"` with
        the token as its argument), the message itself."""
        if isinstance(record.args, tuple):
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's to report, not ours
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install(*loggers: str) -> None:
    """Put the filter on every handler of the root logger and of the named loggers (a filter on a
    handler also sees the records propagated from child loggers, which a logger's own filter misses)."""
    flt = SecretsFilter()
    for name in ("", *loggers):
        for handler in logging.getLogger(name or None).handlers:
            if not any(isinstance(f, SecretsFilter) for f in handler.filters):
                handler.addFilter(flt)


def uvicorn_log_config() -> dict:
    """uvicorn's own logging configuration with the filter on each of its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {**config.get("filters", {}), "secrets": {"()": SecretsFilter}}
    for handler in config["handlers"].values():
        handler["filters"] = [*handler.get("filters", []), "secrets"]
    return config
