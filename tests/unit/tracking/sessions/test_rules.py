"""The session rules on one visitor's history: timeout, midnight, campaign, late and replayed events."""

from tracking.sessions.service.rules import MAX_SPANS, Hit, Span, assign, trim

MIN = 60_000
TIMEOUT = 30 * MIN


def sid(minute: float) -> int:
    """Ids are derived from where a session starts, as in the real assigner."""
    return 1000 + int(minute * MIN)


def run(hits: list[Hit], history: list[Span] | None = None) -> tuple[list[int], list[Span]]:
    history = [] if history is None else history
    ids = [assign(history, h, timeout_ms=TIMEOUT, new_sid=lambda h: 1000 + h.ts) for h in hits]
    return ids, history


def test_the_timeout_boundary_is_exact():
    sec = 1000
    t1 = 29 * MIN + 59 * sec  # 29:59 after the first event: same session
    t2 = t1 + 30 * MIN  # exactly 30:00 of inactivity: still the same
    t3 = t2 + 30 * MIN + sec  # 30:01 of inactivity: a new one
    ids, _ = run([Hit(0, 1, ""), Hit(t1, 1, ""), Hit(t2, 1, ""), Hit(t3, 1, "")])
    assert ids == [sid(0), sid(0), sid(0), 1000 + t3]


def test_a_new_local_day_starts_a_new_session_even_one_minute_later():
    ids, history = run([Hit(0, 738_000, ""), Hit(2 * MIN, 738_001, "")])
    assert ids == [sid(0), sid(2)]
    assert [(s.start, s.last, s.day) for s in history] == [(0, 0, 738_000), (2 * MIN, 2 * MIN, 738_001)]


def test_a_different_campaign_splits_but_no_campaign_continues():
    ids, _ = run([Hit(0, 1, "google"), Hit(MIN, 1, ""), Hit(2 * MIN, 1, "google"),
                  Hit(3 * MIN, 1, "newsletter"), Hit(4 * MIN, 1, ""), Hit(5 * MIN, 1, "google")])
    assert ids == [sid(0), sid(0), sid(0), sid(3), sid(3), sid(5)]


def test_a_campaign_after_a_direct_start_is_a_new_session():
    ids, _ = run([Hit(0, 1, ""), Hit(MIN, 1, "google")])
    assert ids == [sid(0), sid(1)]


def test_replayed_events_get_their_ids_back_after_newer_sessions_opened():
    hits = [Hit(0, 1, ""), Hit(10 * MIN, 1, ""), Hit(50 * MIN, 1, ""), Hit(51 * MIN, 1, "ads"),
            Hit(52 * MIN, 1, "")]
    first, history = run(hits)
    assert first == [sid(0), sid(0), sid(50), sid(51), sid(51)]
    again, after = run(hits, history)  # the same batch redelivered: nothing new is opened
    assert again == first
    assert [(s.sid, s.start, s.last) for s in after] == [(sid(0), 0, 10 * MIN), (sid(50), 50 * MIN, 50 * MIN),
                                                         (sid(51), 51 * MIN, 52 * MIN)]


def test_late_events_join_a_neighbour_or_get_a_session_of_their_own_and_keep_it():
    _, history = run([Hit(0, 1, ""), Hit(5 * MIN, 1, ""), Hit(60 * MIN, 1, "")])  # sessions at 0 and 60
    late = [Hit(20 * MIN, 1, ""),  # 15 min after the first session's last event: extends it
            Hit(45 * MIN, 1, ""),  # 25 min after that, 15 min before the second: the earlier one wins
            Hit(200 * MIN, 2, ""),  # in order, the next day: a new session
            Hit(130 * MIN, 1, ""),  # late, 70 min from both neighbours: a session of its own
            Hit(59 * MIN, 1, "x"),  # late, with a campaign that neither neighbour has: its own too
            Hit(100 * MIN, 1, "")]  # late, 40 min after the one before, 30 before the next: joins the next
    ids, history = run(late, history)
    assert ids == [sid(0), sid(0), sid(200), sid(130), sid(59), sid(130)]
    again, _ = run(late, history)
    assert again == ids  # and each of them keeps its id when replayed
    assert [(s.sid, s.start, s.last) for s in history] == [
        (sid(0), 0, 45 * MIN), (sid(59), 59 * MIN, 59 * MIN), (sid(60), 60 * MIN, 60 * MIN),
        (sid(130), 100 * MIN, 130 * MIN), (sid(200), 200 * MIN, 200 * MIN)]


def test_a_preset_session_from_the_log_wins_and_is_remembered():
    ids, history = run([Hit(10 * MIN, 1, "", preset=555), Hit(12 * MIN, 1, "")])
    assert ids == [555, 555]  # the next event continues the session the log holds
    assert [(s.sid, s.start, s.last) for s in history] == [(555, 10 * MIN, 12 * MIN)]


def test_trim_forgets_old_sessions_but_never_the_newest():
    history = [Span(1, 0, 10, 1, ""), Span(2, 20, 30, 1, ""), Span(3, 100, 110, 1, "")]
    assert [s.sid for s in trim(history, keep_after_ms=25)] == [2, 3]
    assert [s.sid for s in trim(history, keep_after_ms=1000)] == [3]


def test_history_length_is_capped():
    ids, history = run([Hit(i * 31 * MIN, 1, "") for i in range(MAX_SPANS + 10)])
    assert len(set(ids)) == MAX_SPANS + 10
    assert len(history) == MAX_SPANS and history[-1].sid == ids[-1]
