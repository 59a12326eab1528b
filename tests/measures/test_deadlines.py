"""Due dates, lateness and locks, in the organization's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from measures import deadlines

NY = "America/New_York"


def test_a_month_is_due_on_the_due_day_of_the_next_month():
    assert deadlines.due_date(dt.date(2026, 1, 1), 15) == dt.date(2026, 2, 15)


def test_december_is_due_in_january_of_the_next_year():
    assert deadlines.due_date(dt.date(2026, 12, 1), 10) == dt.date(2027, 1, 10)


def test_a_report_is_late_from_local_midnight_after_the_due_date():
    last_minute = dt.datetime(2026, 2, 15, 23, 59, tzinfo=ZoneInfo(NY))
    midnight = dt.datetime(2026, 2, 16, 0, 0, tzinfo=ZoneInfo(NY))
    assert not deadlines.is_late(dt.date(2026, 1, 1), 15, NY, at=last_minute)
    assert deadlines.is_late(dt.date(2026, 1, 1), 15, NY, at=midnight)


def test_the_deadline_follows_the_organizations_zone_not_utc():
    # 16 Feb 03:00 UTC is still 15 Feb in New York.
    at = dt.datetime(2026, 2, 16, 3, 0, tzinfo=dt.UTC)
    assert not deadlines.is_late(dt.date(2026, 1, 1), 15, NY, at=at)


def test_a_collaborative_has_one_report_month_per_month_from_start_to_end():
    months = deadlines.report_months(dt.date(2026, 1, 12), dt.date(2026, 4, 3))
    assert months == [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]


def test_a_month_never_locks_without_a_lock_setting():
    at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert not deadlines.is_locked(dt.date(2026, 1, 1), 15, NY, None, at=at)


def test_a_month_locks_the_set_number_of_days_after_the_deadline():
    before = dt.datetime(2026, 2, 20, 23, 0, tzinfo=ZoneInfo(NY))
    after = dt.datetime(2026, 2, 21, 0, 0, tzinfo=ZoneInfo(NY))
    assert not deadlines.is_locked(dt.date(2026, 1, 1), 15, NY, 5, at=before)
    assert deadlines.is_locked(dt.date(2026, 1, 1), 15, NY, 5, at=after)


def test_an_unlocked_report_stays_open_until_its_unlock_ends():
    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    until = dt.datetime(2026, 3, 8, tzinfo=dt.UTC)
    assert not deadlines.is_locked(dt.date(2026, 1, 1), 15, NY, 5, at=at, unlocked_until=until)
    assert deadlines.is_locked(dt.date(2026, 1, 1), 15, NY, 5, at=until, unlocked_until=until)
