"""Enricher order comes from the columns they write and read; contradictions stop the start-up."""

import pytest

from bootstrap.columns import Declared, WiringError, check_readers, order_enrichers
from core.bus.events import EVENT_COLUMNS


def _e(owner: str, writes=(), reads=()) -> Declared:
    return Declared(owner, frozenset(writes), frozenset(reads))


def test_an_enricher_runs_after_the_one_that_writes_what_it_reads():
    channel = _e("a.Channel", writes={"channel"}, reads={"country"})
    geo = _e("b.Geo", writes={"country"})
    assert order_enrichers([channel, geo]) == [1, 0]


def test_independent_enrichers_keep_module_order():
    assert order_enrichers([_e("a.X", {"browser"}), _e("b.Y", {"country"}), _e("c.Z", {"source"})]) == [0, 1, 2]


def test_reading_and_rewriting_an_edge_column_needs_no_other_writer():
    assert order_enrichers([_e("a.Traffic", writes={"url", "source"}, reads={"url", "referrer"})]) == [0]


def test_a_cycle_is_refused_with_both_owners_named():
    with pytest.raises(WiringError, match="cycle") as err:
        order_enrichers([_e("a.X", {"browser"}, {"country"}), _e("b.Y", {"country"}, {"browser"})])
    assert "a.X" in str(err.value) and "b.Y" in str(err.value)


def test_a_column_nobody_writes_is_refused():
    with pytest.raises(WiringError, match="'city', which no installed enricher writes"):
        order_enrichers([_e("a.X", {"browser"}, {"city"})])


def test_two_writers_of_one_column_are_refused():
    with pytest.raises(WiringError, match="written by both a.X and b.Y"):
        order_enrichers([_e("a.X", {"browser"}), _e("b.Y", {"browser"})])


def test_an_unknown_column_is_refused():
    with pytest.raises(WiringError, match="does not have: colour"):
        order_enrichers([_e("a.X", {"colour"})])


def test_enrichers_cannot_write_what_the_worker_assigns():
    with pytest.raises(WiringError, match="session_id"):
        order_enrichers([_e("a.X", {"session_id"})])


def test_subscribers_may_read_worker_columns_written_by_a_processor_only():
    sessions = _e("s.Assigner", writes={"session_id"})
    check_readers([], [sessions, _e("e.on_order", reads={"session_id", "url"})])
    with pytest.raises(WiringError, match="'session_id', which no installed module writes"):
        check_readers([], [_e("e.on_order", reads={"session_id"})])


def test_the_installed_modules_wire_without_contradiction(tmp_path):
    from bootstrap.app import create_app
    from core.config.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, worker_enabled=False))
    core = app.state.container.core
    enrichers = [type(e) for e in core.enrichers()]
    written = {c for e in enrichers for c in e.writes}
    # every column the spec says an enricher writes has a writer among the installed modules
    assert {c.name for c in EVENT_COLUMNS if c.writer == "enricher"} <= written
