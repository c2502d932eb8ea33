"""Client-side ClickHouse parameter rendering: every value becomes one escaped literal."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from core.analytics.sql_params import literal, render


@pytest.mark.parametrize(("value", "expected"), [
    ("plain", "'plain'"),
    ("it's", r"'it\'s'"),
    ("back\\slash", r"'back\\slash'"),
    ("line\nbreak", r"'line\nbreak'"),
    ("tab\tcr\r", r"'tab\tcr\r'"),
    ("nul\0", r"'nul\0'"),
    ("", "''"),
])
def test_strings_are_quoted_and_escaped(value, expected):
    assert literal(value) == expected


def test_a_backslash_before_a_quote_cannot_close_the_literal():
    # "\'" must become "\\\'" (escaped backslash, then escaped quote), not "\\'" which would end it.
    assert literal("\\'") == r"'\\\''"


@pytest.mark.parametrize(("value", "expected"), [
    (None, "NULL"),
    (True, "1"),
    (False, "0"),
    (42, "42"),
    (-7, "-7"),
    (1.5, "1.5"),
    (Decimal("12.345"), "12.345"),
])
def test_scalars(value, expected):
    assert literal(value) == expected


def test_uuid_is_rendered_as_a_string_literal():
    assert literal(UUID("12345678-1234-5678-1234-567812345678")) == "'12345678-1234-5678-1234-567812345678'"


def test_date():
    assert literal(date(2024, 2, 29)) == "toDate('2024-02-29')"


def test_naive_datetime_is_taken_as_utc():
    assert literal(datetime(2024, 1, 2, 3, 4, 5)) == "toDateTime('2024-01-02 03:04:05', 'UTC')"


def test_aware_datetime_is_converted_to_utc():
    paris = timezone(timedelta(hours=2))
    assert literal(datetime(2024, 6, 1, 1, 30, 0, tzinfo=paris)) == "toDateTime('2024-05-31 23:30:00', 'UTC')"
    assert literal(datetime(2024, 6, 1, 1, 30, 0, tzinfo=UTC)) == "toDateTime('2024-06-01 01:30:00', 'UTC')"


def test_sequences_become_tuples():
    assert literal([1, 2, 3]) == "(1, 2, 3)"
    assert literal(("a", "b'c")) == r"('a', 'b\'c')"
    assert literal([date(2024, 1, 1)]) == "(toDate('2024-01-01'))"


def test_sets_are_sorted_so_the_sql_text_is_stable():
    assert literal({"b", "c", "a"}) == "('a', 'b', 'c')"
    assert literal(frozenset({3, 1, 2})) == "(1, 2, 3)"


def test_empty_collection_is_a_tuple_matching_nothing():
    # "IN ()" is a syntax error in ClickHouse; "(NULL)" is valid and matches no row.
    assert literal([]) == "(NULL)"
    assert literal(set()) == "(NULL)"


@pytest.mark.parametrize("value", [object(), {"a": 1}, b"bytes"])
def test_unsupported_types_raise_type_error(value):
    with pytest.raises(TypeError, match="cannot render"):
        literal(value)


def test_render_substitutes_every_placeholder():
    sql = "SELECT * FROM t WHERE site = %(site)s AND day >= %(day)s AND id IN %(ids)s AND site != %(site)s"
    out = render(sql, {"site": "s1", "day": date(2024, 1, 1), "ids": [1, 2]})
    assert out == ("SELECT * FROM t WHERE site = 's1' AND day >= toDate('2024-01-01') AND id IN (1, 2)"
                   " AND site != 's1'")


def test_render_without_params_returns_sql_unchanged():
    assert render("SELECT 1", None) == "SELECT 1"
    assert render("SELECT 1", {}) == "SELECT 1"


def test_render_missing_parameter_raises_key_error():
    with pytest.raises(KeyError, match="other"):
        render("SELECT %(one)s, %(other)s", {"one": 1})


def test_render_ignores_extra_parameters():
    assert render("SELECT %(a)s", {"a": 1, "unused": object()}) == "SELECT 1"


def test_injection_attempt_stays_inside_one_string_literal():
    attack = "x' OR 1=1 --"
    out = render("SELECT * FROM events WHERE site_id = %(site)s", {"site": attack})
    assert out == r"SELECT * FROM events WHERE site_id = 'x\' OR 1=1 --'"
    rendered = out.removeprefix("SELECT * FROM events WHERE site_id = ")
    assert _unescaped_quotes(rendered) == [0, len(rendered) - 1]


def test_injection_with_backslash_escape_trick_stays_inside_the_literal():
    attack = "x\\' OR 1=1 --"
    rendered = literal(attack)
    assert _unescaped_quotes(rendered) == [0, len(rendered) - 1]


def _unescaped_quotes(text: str) -> list[int]:
    """Positions of quotes that open or close a literal (not preceded by an escaping backslash)."""
    positions, escaped = [], False
    for i, c in enumerate(text):
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == "'":
            positions.append(i)
    return positions
