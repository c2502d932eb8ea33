"""Share tokens and keys never reach a log line, whichever logger writes it."""

import io
import logging
import logging.config

import pytest

from bootstrap.log_secrets import SecretsFilter, install, mask, uvicorn_log_config

TOKEN = "st_Qx3vB8kLmN0pRsTuVwXyZa12"


@pytest.mark.parametrize(("line", "expected"), [
    (f'127.0.0.1:5 - "WebSocket /events/ws?site_id=site_1&token={TOKEN}&backlog=1" [accepted]',
     '127.0.0.1:5 - "WebSocket /events/ws?site_id=site_1&token=[redacted]&backlog=1" [accepted]'),
    ("GET /presence?Token=abc&x=1", "GET /presence?Token=[redacted]&x=1"),
    ("api_key=sk_live123456789 share_token=zzz", "api_key=[redacted] share_token=[redacted]"),
    (f"refused {TOKEN} and sk_abcdefghijkl", "refused [redacted] and [redacted]"),
    ("GET /collect/p.gif?site_id=site_1&url=https://a.example/", "GET /collect/p.gif?site_id=site_1&url=https://a.example/"),
    ("monkey=1 tokens are fine as words", "monkey=1 tokens are fine as words"),
])
def test_mask(line, expected):
    assert mask(line) == expected


def test_the_filter_masks_the_formatted_message_of_a_record_with_args():
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
                               ("127.0.0.1:5", f"/events/ws?token={TOKEN}"), None)
    assert SecretsFilter().filter(record) and TOKEN not in record.getMessage()
    assert record.getMessage() == '127.0.0.1:5 - "WebSocket /events/ws?token=[redacted]" [accepted]'


@pytest.fixture
def uvicorn_loggers():
    """dictConfig below reconfigures uvicorn's loggers: put them back for the tests that follow."""
    names = ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level, logging.getLogger(n).propagate)
             for n in names}
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.level, logger.propagate = handlers, level, propagate


def test_uvicorns_handlers_and_the_root_handlers_mask(monkeypatch, uvicorn_loggers):
    stream = io.StringIO()
    config = uvicorn_log_config()
    config["handlers"]["default"]["stream"] = stream
    config["handlers"]["access"]["stream"] = stream
    logging.config.dictConfig(config)
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    monkeypatch.setattr(root, "handlers", [handler])
    install()
    logging.getLogger("uvicorn.error").warning('"WebSocket %s"', f"/ws?token={TOKEN}")
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET",  # its 5 args
                                             f"/presence?token={TOKEN}", "1.1", 200)
    logging.getLogger("tracking.anything").warning("saw %s", TOKEN)  # propagates to the root handler
    out = stream.getvalue()
    assert TOKEN not in out and out.count("[redacted]") == 3, out
