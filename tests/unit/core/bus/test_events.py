"""Frozen events and their buffer records."""

import dataclasses

import pytest

from core.bus.events import EventTracked, PageViewed, TrackedEvent, event_from_record

RECORD = {"site_id": "s1", "event_id": "e1", "type": "pageview", "name": "pageview", "ts_ms": 10,
          "received_ms": 20, "visitor_id": 7, "url": "https://example.com/a", "pathname": "/a"}


def test_pageview_record_becomes_page_viewed():
    event = event_from_record(RECORD)
    assert type(event) is PageViewed
    assert (event.site_id, event.event_id, event.visitor_id, event.pathname) == ("s1", "e1", 7, "/a")


def test_other_types_become_event_tracked():
    event = event_from_record({**RECORD, "type": "event", "name": "signup"})
    assert type(event) is EventTracked
    assert event.name == "signup"


def test_unknown_keys_are_ignored():
    event = event_from_record({**RECORD, "from_a_newer_version": 1, "ip": "1.2.3.4"})
    assert not hasattr(event, "from_a_newer_version")
    assert event.to_record().keys() == {f.name for f in dataclasses.fields(TrackedEvent)}


def test_props_are_mapped_to_sorted_string_pairs_and_back():
    event = event_from_record({**RECORD, "props": {"plan": "pro", "amount": 12, "a": True}})
    assert event.props == (("a", "True"), ("amount", "12"), ("plan", "pro"))
    assert event.to_record()["props"] == {"a": "True", "amount": "12", "plan": "pro"}


def test_missing_props_become_empty():
    assert event_from_record(RECORD).props == ()
    assert event_from_record({**RECORD, "props": None}).props == ()


def test_round_trip_through_a_record():
    event = event_from_record({**RECORD, "props": {"k": "v"}, "country": "FR"})
    assert event_from_record(event.to_record()) == event


def test_events_are_frozen():
    event = event_from_record(RECORD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.site_id = "other"  # type: ignore[misc]
