"""When a monthly report is due, late and locked. Plain functions, no queries.

A report on month M is due on the collaborative's due day of month M+1, to the
end of that day in the organization's time zone; from the next midnight it is
late. With ``report_lock_after_days`` set, the month locks that many days after
the due date, unless staff unlocked that team's report (``unlocked_until``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def report_months(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month from the collaborative's start to its end (first days), one report each."""
    months = []
    month = first_of_month(start)
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    return months


def due_date(month: dt.date, due_day: int) -> dt.date:
    """The local calendar day a report on ``month`` is due."""
    return first_of_month(month) + relativedelta(months=1, day=due_day)


def deadline(month: dt.date, due_day: int, time_zone: str) -> dt.datetime:
    """The first instant the report is late: midnight after its due date, local time."""
    day_after = due_date(month, due_day) + dt.timedelta(days=1)
    return dt.datetime.combine(day_after, dt.time(0), tzinfo=ZoneInfo(time_zone))


def is_late(month: dt.date, due_day: int, time_zone: str, *, at: dt.datetime) -> bool:
    return at >= deadline(month, due_day, time_zone)


def lock_time(
    month: dt.date, due_day: int, time_zone: str, lock_after_days: int | None
) -> dt.datetime | None:
    if lock_after_days is None:
        return None
    return deadline(month, due_day, time_zone) + dt.timedelta(days=lock_after_days)


def is_locked(
    month: dt.date,
    due_day: int,
    time_zone: str,
    lock_after_days: int | None,
    *,
    at: dt.datetime,
    unlocked_until: dt.datetime | None = None,
) -> bool:
    locks = lock_time(month, due_day, time_zone, lock_after_days)
    if locks is None or at < locks:
        return False
    return unlocked_until is None or at >= unlocked_until
