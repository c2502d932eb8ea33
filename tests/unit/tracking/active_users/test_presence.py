"""Presence rules on an in-process Redis: who counts, where, for how long, and nothing across sites."""

import orjson

from tests.unit.tracking.active_users.conftest import custom_event, pageview
from tracking.active_users.cache import events_channel, presence_channel


def _pages(snap):
    return {p.pathname: p.visitors for p in snap.top_pages}


def test_distinct_visitors_each_on_their_latest_page(presence, clock):
    now = clock.ms
    presence.record([pageview(visitor=1, path="/a", at_ms=now - 5000), pageview(visitor=1, path="/b", at_ms=now),
                     pageview(visitor=2, path="/a", at_ms=now), pageview(visitor=3, path="/c", at_ms=now)])
    snap = presence.snapshot("site_a")
    assert snap.visitors == 3
    assert _pages(snap) == {"/a": 1, "/b": 1, "/c": 1}
    assert [p.pathname for p in snap.top_pages] == ["/a", "/b", "/c"]  # ties by path
    clock.advance(2)
    presence.record([pageview(visitor=2, path="/b", at_ms=clock.ms)])  # visitor 2 moves on
    assert _pages(presence.snapshot("site_a")) == {"/b": 2, "/c": 1}


def test_countries_and_devices_and_unknown_values_keep_the_last_known(presence, clock):
    presence.record([pageview(visitor=1, path="/x", country="DE", device="mobile", at_ms=clock.ms),
                     pageview(visitor=2, path="/x", country="DE", device="desktop", at_ms=clock.ms),
                     pageview(visitor=3, path="/y", country="FR", device="desktop", at_ms=clock.ms),
                     pageview(visitor=4, path="/y", at_ms=clock.ms)])
    clock.advance(1)
    presence.record([custom_event(visitor=1, at_ms=clock.ms)])  # a server event: no page, country or device
    snap = presence.snapshot("site_a")
    assert [(c.country, c.visitors) for c in snap.countries] == [("DE", 2), ("FR", 1)]
    assert [(d.device_type, d.visitors) for d in snap.devices] == [("desktop", 2), ("mobile", 1)]
    assert _pages(snap) == {"/x": 2, "/y": 2}


def test_bots_and_stale_events_are_not_presence(presence, clock):
    presence.record([pageview(visitor=1, bot=1, at_ms=clock.ms), pageview(visitor=2, at_ms=clock.ms - 301_000)])
    assert presence.snapshot("site_a").visitors == 0


def test_visitors_leave_after_the_window_and_the_trim_is_announced_once(presence, clock, redis_fake):
    pubsub = redis_fake.pubsub()
    pubsub.subscribe(presence_channel("site_a"))
    presence.record([pageview(visitor=1, path="/a", at_ms=clock.ms)])
    clock.advance(200)
    presence.record([pageview(visitor=2, path="/b", at_ms=clock.ms)])
    clock.advance(100.5)  # visitor 1 was last seen 300.5 s ago
    snap, published = presence.observe("site_a")
    assert (snap.visitors, _pages(snap), published) == (1, {"/b": 1}, True)
    _, again = presence.observe("site_a")
    assert again is False  # nothing left to trim: a second process looking announces nothing
    messages = [m for m in iter(lambda: pubsub.get_message(timeout=0.05), None) if m["type"] == "message"]
    assert [orjson.loads(m["data"])["visitors"] for m in messages] == [1, 2, 1]  # two batches, one expiry


def test_an_older_event_arriving_late_does_not_move_a_visitor_back(presence, clock):
    presence.record([pageview(visitor=1, path="/new", at_ms=clock.ms)])
    presence.record([pageview(visitor=1, path="/old", at_ms=clock.ms - 10_000)])
    snap = presence.snapshot("site_a")
    assert (snap.visitors, _pages(snap)) == (1, {"/new": 1})


def test_a_redelivered_batch_changes_nothing(presence, clock):
    batch = [pageview(visitor=v, path=f"/{v % 2}", at_ms=clock.ms) for v in range(10)]
    presence.record(batch)
    first = presence.snapshot("site_a")
    presence.record(batch)
    again = presence.snapshot("site_a")
    assert (again.visitors, again.top_pages) == (first.visitors, first.top_pages) == (10, first.top_pages)
    assert len(presence._feed.recent("site_a", 100)) == 10  # fed once


def test_the_ema_follows_the_count_over_time(presence, clock):
    presence.snapshot("site_a")  # the site was idle: EMA 0
    presence.record([pageview(visitor=v, at_ms=clock.ms) for v in (1, 2)])
    clock.advance(5)
    snap = presence.snapshot("site_a")
    assert (snap.visitors, snap.ema) == (2, round(2 * (1 - 0.9**5), 2))


def test_sites_never_see_each_other(presence, clock, redis_fake):
    pubsub = redis_fake.pubsub()
    pubsub.subscribe(presence_channel("site_b"), events_channel("site_b"))
    presence.record([pageview(site="site_a", visitor=1, path="/secret", country="DE", at_ms=clock.ms)])
    snap_b = presence.snapshot("site_b")
    assert (snap_b.visitors, snap_b.top_pages, snap_b.countries) == (0, [], [])
    assert presence._feed.recent("site_b", 10) == []
    assert [m for m in iter(lambda: pubsub.get_message(timeout=0.05), None) if m["type"] == "message"] == []


def test_feed_messages_carry_nothing_that_identifies_a_visitor(presence, clock):
    presence.record([pageview(visitor=123456789, path="/p", country="DE", device="mobile", at_ms=clock.ms),
                     custom_event(visitor=123456789, path="/p", name="signup", at_ms=clock.ms + 1)])
    feed = presence._feed.recent("site_a", 10)
    assert [set(m) for m in feed] == [{"id", "type", "name", "pathname", "country", "device_type", "ts"}] * 2
    assert [(m["type"], m["name"]) for m in feed] == [("pageview", "pageview"), ("event", "signup")]
    assert "123456789" not in orjson.dumps(feed).decode()
    assert presence._feed.after("site_a", feed[0]["id"], 10) == feed[1:]
