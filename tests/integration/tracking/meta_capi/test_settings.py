"""Pixel settings update only what they are given; invalid user values are left out and counted."""

import time
import uuid

import pytest

from core.ingest.context import RequestContext
from tests.integration.tracking.meta_capi.conftest import TOKEN
from tracking.meta_capi.schemas import DEFAULT_GRAPH_VERSION, DEFAULT_MAPPING
from tracking.meta_capi.service.normalize import sha256
from tracking.meta_capi.service.settings import PixelIdRequired

CUSTOM = {"purchase": "Purchase", "wishlist": "AddToWishlist"}


def full(capi):
    return capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN, enabled=True,
                             test_event_code="TEST1", graph_version="v22.0", event_mapping=CUSTOM, ldu=True,
                             ldu_country=1, ldu_state=1000)


@pytest.mark.parametrize("change", [
    {"test_event_code": "TEST2"}, {"event_mapping": {"sign_up": "Lead"}}, {"graph_version": "v23.0"},
    {"ldu": False}, {"ldu_country": 0, "ldu_state": 0}, {"pixel_id": "987654321"}, {"enabled": False},
    {"access_token": TOKEN + "-new"}, {},
])
def test_a_partial_set_changes_what_it_is_given_and_keeps_every_other_setting(capi, change):
    before = full(capi)
    after = capi.settings.set(capi.site_id, **change)
    stored = capi.settings.show(capi.site_id)
    assert stored == after
    expected = {**{k: getattr(before, k) for k in ("pixel_id", "enabled", "test_event_code", "graph_version",
                                                     "event_mapping", "ldu", "ldu_country", "ldu_state")},
                **{k: v for k, v in change.items() if k != "access_token"}}
    assert {k: getattr(stored, k) for k in expected} == expected
    assert stored.has_access_token and stored.access_token_last4 == (TOKEN + "-new" if change.get(
        "access_token") else TOKEN)[-4:]
    assert capi.settings.token(capi.site_id) == change.get("access_token", TOKEN)


def test_an_empty_test_event_code_is_a_change_not_a_gap(capi):
    full(capi)
    assert capi.settings.set(capi.site_id, test_event_code="").test_event_code == ""


def test_a_new_pixel_needs_a_pixel_id_and_starts_from_the_defaults(capi):
    with pytest.raises(PixelIdRequired):
        capi.settings.set(capi.site_id, test_event_code="TEST1")
    assert capi.settings.show(capi.site_id) is None
    config = capi.settings.set(capi.site_id, pixel_id="123456789")
    assert (config.enabled, config.test_event_code, config.graph_version, config.event_mapping, config.ldu,
            config.ldu_country, config.ldu_state) == (True, "", DEFAULT_GRAPH_VERSION, DEFAULT_MAPPING, False, 0, 0)
    assert not config.has_access_token and not config.active


def test_invalid_user_values_are_left_out_of_the_event_and_counted_in_the_deliveries(capi, graph):
    capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN)
    now = int(time.time() * 1000)
    users = [{"email": "jane.example.com", "phone": "+49 30 1234567"},  # no @domain: left out
             {"email": "jane @ example.com", "gender": "diverse"},  # inner space: not an e-mail either
             {"email": "   ", "phone": "030 1234567"}]  # blank: absent, not invalid
    records = [{"site_id": capi.site_id, "event_id": str(uuid.uuid4()), "name": "purchase", "ts_ms": now,
                "url": "", "props": {}} for _ in users]
    private = [{"user": u, "ip": "", "user_agent": "", "marketing": True} for u in users]
    capi.sink.accept(records, private, RequestContext("", "", now))
    capi.sender.drain_once()
    by_id = {e["event_id"]: e["user_data"] for e in graph.events()}
    assert [by_id[r["event_id"]] for r in records] == [
        {"ph": [sha256("49301234567")]}, {}, {"ph": [sha256("301234567")]}]
    status = capi.report.status(capi.site_id)
    assert status["user_data_left_out"] == {"em": 2, "ge": 1}
    assert status["counts"] == {"delivered": 3}
