"""The smoothed concurrent-users figure: a 1-second EMA computed in closed form for any gap."""

import random

import pytest

from tracking.active_users.service.presence import ema_at


def _stepwise(ema: float, count: int, seconds: int, alpha: float) -> float:
    for _ in range(seconds):
        ema += alpha * (count - ema)
    return ema


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.5, 1.0])
def test_closed_form_equals_the_textbook_recurrence_at_whole_seconds(alpha):
    for seconds in (0, 1, 2, 7, 60):
        assert ema_at(3.0, 12, 0, seconds * 1000, alpha) == pytest.approx(_stepwise(3.0, 12, seconds, alpha))


def test_one_second_after_a_jump_the_ema_moved_by_alpha():
    assert ema_at(0.0, 10, 5_000, 6_000, 0.1) == pytest.approx(1.0)
    assert ema_at(0.0, 10, 5_000, 15_000, 0.1) == pytest.approx(10 * (1 - 0.9**10))


def test_folding_at_any_times_gives_the_same_figure_as_one_look():
    """Which process looks, and how often, must not change the number (the count is constant here)."""
    rng = random.Random(7)
    ema, at = 4.0, 0
    for _ in range(50):
        now = at + rng.randint(0, 900)
        ema, at = ema_at(ema, 9, at, now, 0.1), now
    assert ema == pytest.approx(ema_at(4.0, 9, 0, at, 0.1))


def test_piecewise_constant_counts_compose():
    # 0 visitors for 3 s, then 6 for 2.5 s: the same as running the recurrence on those samples.
    first = ema_at(2.0, 0, 0, 3_000, 0.2)
    assert first == pytest.approx(_stepwise(2.0, 0, 3, 0.2))
    assert ema_at(first, 6, 3_000, 5_500, 0.2) == pytest.approx(6 + (first - 6) * 0.8**2.5)


def test_alpha_one_follows_the_raw_count_and_time_never_runs_backwards():
    assert ema_at(0.0, 5, 0, 1_000, 1.0) == 5
    assert ema_at(2.5, 5, 10_000, 9_000, 0.1) == 2.5  # a caller whose clock is behind changes nothing
    assert ema_at(2.5, 5, 10_000, 10_000, 0.1) == 2.5
