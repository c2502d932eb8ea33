"""Daily salts: stable within a day, replaced at midnight, older ones destroyed."""

from datetime import date, timedelta

from sqlalchemy import select

from core.db.models import DailySalt
from core.tenancy.salts import DailySalts

DAY = date(2024, 3, 10)


class Clock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


def stored_days(uow) -> list[date]:
    with uow() as session:
        return sorted(session.scalars(select(DailySalt.day)))


def test_salt_is_stable_within_a_day_and_shared_through_the_database(uow):
    salts = DailySalts(uow=uow, today=Clock(DAY))
    first = salts.salt_for()
    assert len(first) == 32
    assert salts.salt_for() == first
    # Another process (its own cache) reads the same salt from the database.
    assert DailySalts(uow=uow, today=Clock(DAY)).salt_for() == first
    assert stored_days(uow) == [DAY]


def test_new_day_gets_a_new_salt(uow):
    clock = Clock(DAY)
    salts = DailySalts(uow=uow, today=clock)
    today = salts.salt_for()
    clock.day = DAY + timedelta(days=1)
    tomorrow = salts.salt_for()
    assert tomorrow != today
    assert stored_days(uow) == [DAY, DAY + timedelta(days=1)]  # yesterday's is kept


def test_salts_older_than_yesterday_are_deleted_when_a_new_day_starts(uow):
    clock = Clock(DAY)
    salts = DailySalts(uow=uow, today=clock)
    for offset in range(3):
        clock.day = DAY + timedelta(days=offset)
        salts.salt_for()
    assert stored_days(uow) == [DAY + timedelta(days=1), DAY + timedelta(days=2)]

    clock.day = DAY + timedelta(days=10)
    salts.salt_for()
    assert stored_days(uow) == [DAY + timedelta(days=10)]


def test_visitor_id_is_stable_within_a_day_and_changes_across_days(uow):
    clock = Clock(DAY)
    salts = DailySalts(uow=uow, today=clock)
    monday = salts.visitor_id("site", "203.0.113.9", "Mozilla/5.0")
    assert salts.visitor_id("site", "203.0.113.9", "Mozilla/5.0") == monday
    assert 0 <= monday < 2**64
    clock.day = DAY + timedelta(days=1)
    assert salts.visitor_id("site", "203.0.113.9", "Mozilla/5.0") != monday


def test_visitor_id_depends_on_site_ip_and_user_agent(uow):
    salts = DailySalts(uow=uow, today=Clock(DAY))
    base = salts.visitor_id("site", "203.0.113.9", "UA")
    assert salts.visitor_id("other", "203.0.113.9", "UA") != base
    assert salts.visitor_id("site", "203.0.113.10", "UA") != base
    assert salts.visitor_id("site", "203.0.113.9", "UA2") != base
    # The fields are separated, so shifting a character from one field to the next changes the hash.
    assert salts.visitor_id("site", "1.2.3.45", "6") != salts.visitor_id("site", "1.2.3.4", "56")


def test_salt_created_by_another_process_is_reused(uow):
    with uow() as session:
        session.add(DailySalt(day=DAY, salt=b"s" * 32))
    assert DailySalts(uow=uow, today=Clock(DAY)).salt_for() == b"s" * 32
