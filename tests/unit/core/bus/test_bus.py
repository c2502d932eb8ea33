"""The in-process bus: typed batches, failing subscribers retried, then isolated and dead-lettered."""

import pytest

from core.bus.bus import EventBus
from core.bus.events import EventTracked, PageViewed, TrackedEvent


def make(cls: type[TrackedEvent], n: int, **overrides) -> TrackedEvent:
    values = dict(site_id="s1", event_id=f"e{n}", type="pageview" if cls is PageViewed else "event",
                  name="pageview" if cls is PageViewed else "click", ts_ms=1_000 + n, received_ms=2_000 + n,
                  visitor_id=n)
    return cls(**{**values, **overrides})


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.batches: list[list[TrackedEvent]] = []
        self.calls = 0
        self._fail_times = fail_times

    def __call__(self, batch: list[TrackedEvent]) -> None:
        self.calls += 1
        if self.calls <= self._fail_times:
            raise RuntimeError(f"boom {self.calls}")
        self.batches.append(batch)


class DeadLetterSink:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, list[dict]]] = []

    def __call__(self, stage: str, reason: str, payload: list[dict]) -> None:
        self.calls.append((stage, reason, payload))


@pytest.fixture
def sink() -> DeadLetterSink:
    return DeadLetterSink()


@pytest.fixture
def bus(sink) -> EventBus:
    return EventBus(max_attempts=3, backoff_s=0, dead_letters=sink)


def test_each_subscriber_gets_one_batch_of_the_type_it_asked_for(bus):
    pages, customs, everything = Recorder(), Recorder(), Recorder()
    bus.subscribe("pages", PageViewed, pages)
    bus.subscribe("customs", EventTracked, customs)
    bus.subscribe("all", TrackedEvent, everything)
    p1, e1, p2 = make(PageViewed, 1), make(EventTracked, 2), make(PageViewed, 3)

    assert bus.publish([p1, e1, p2]) == {}

    assert pages.batches == [[p1, p2]]
    assert customs.batches == [[e1]]
    assert everything.batches == [[p1, e1, p2]]


def test_a_subscriber_with_nothing_in_the_batch_is_not_called(bus):
    customs = Recorder()
    bus.subscribe("customs", EventTracked, customs)
    bus.publish([make(PageViewed, 1)])
    assert customs.calls == 0


def test_failing_subscriber_is_retried_then_dead_lettered_and_others_still_get_their_batch(bus, sink):
    broken, healthy = Recorder(fail_times=99), Recorder()
    bus.subscribe("broken", PageViewed, broken)
    bus.subscribe("healthy", TrackedEvent, healthy)
    events = [make(PageViewed, 1), make(EventTracked, 2, props=(("plan", "pro"),))]

    failures = bus.publish(events)

    assert broken.calls == 3
    assert failures == {"broken": "RuntimeError: boom 3"}
    assert healthy.batches == [events]
    assert len(sink.calls) == 1
    stage, reason, payload = sink.calls[0]
    assert stage == "bus:broken"
    assert reason == "RuntimeError: boom 3"
    assert payload == [events[0].to_record()]  # only the part of the batch the subscriber was given
    assert payload[0]["event_id"] == "e1"


def test_a_subscriber_failing_once_then_succeeding_is_not_dead_lettered(bus, sink):
    flaky = Recorder(fail_times=1)
    bus.subscribe("flaky", TrackedEvent, flaky)
    event = make(PageViewed, 1)
    assert bus.publish([event]) == {}
    assert flaky.calls == 2
    assert flaky.batches == [[event]]
    assert sink.calls == []


def test_max_attempts_is_honoured(sink):
    bus = EventBus(max_attempts=5, backoff_s=0, dead_letters=sink)
    broken = Recorder(fail_times=99)
    bus.subscribe("broken", TrackedEvent, broken)
    bus.publish([make(PageViewed, 1)])
    assert broken.calls == 5
    assert len(sink.calls) == 1


def test_failure_without_a_sink_is_still_reported():
    bus = EventBus(max_attempts=2, backoff_s=0)
    bus.subscribe("broken", TrackedEvent, Recorder(fail_times=99))
    assert bus.publish([make(PageViewed, 1)]) == {"broken": "RuntimeError: boom 2"}


def test_subscribers_are_listed_in_order(bus):
    bus.subscribe("a", PageViewed, Recorder())
    bus.subscribe("b", TrackedEvent, Recorder())
    assert [(s.name, s.event_type) for s in bus.subscribers] == [("a", PageViewed), ("b", TrackedEvent)]
