"""The at-rest cipher and the classification of Graph API answers (no IO)."""

import pytest
from cryptography.exceptions import InvalidTag

from tracking.meta_capi.service.cipher import Cipher
from tracking.meta_capi.service.graph import classify


def test_cipher_round_trips_with_fresh_nonces_and_rejects_another_key():
    cipher = Cipher("server-secret")
    a, b = cipher.encrypt(b"EAAB-token"), cipher.encrypt(b"EAAB-token")
    assert a != b and b"EAAB" not in a.encode()
    assert cipher.decrypt(a) == b"EAAB-token"
    with pytest.raises(InvalidTag):
        Cipher("another-secret").decrypt(a)


def err(code, **extra) -> dict:
    return {"error": {"message": "m", "code": code, "fbtrace_id": "T", **extra}}


@pytest.mark.parametrize(("status", "body", "kind"), [
    (200, {"events_received": 3, "fbtrace_id": "X"}, "delivered"),
    (500, {}, "retry"), (502, {"oops": 1}, "retry"), (400, err(17), "retry"), (400, err(80001), "retry"),
    (400, err(80999), "retry"), (400, err(81000), "failed"), (400, err(100, is_transient=True), "retry"),
    (400, err(190), "token"), (400, err(102), "token"), (400, err(100), "failed"), (400, err(803), "failed"),
    (400, err(100, error_data={"event_index": 4}), "bad_event"), (403, {}, "failed"),
])
def test_classify(status, body, kind):
    assert classify(status, body).kind == kind


@pytest.mark.parametrize(("message", "index"), [
    ("Invalid parameter data[7]", 7), ("The event at index 12 is invalid", 12), ("index: 3", 3),
])
def test_code_100_index_from_the_message(message, index):
    outcome = classify(400, err(100, error_user_msg=message))
    assert (outcome.kind, outcome.index, outcome.message) == ("bad_event", index, message)
