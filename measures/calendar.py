"""Monthly report due dates in each user's private calendar feed (``FEED_SOURCES``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone
from icalendar import Event

from collaboratives.calendar_feed import _collaborative_url, uid
from collaboratives.selectors.schedule import collaboratives_for_feed
from measures import deadlines

if TYPE_CHECKING:
    from accounts.models import Organization, User


def report_due_events(user: User, organization: Organization) -> Iterator[Event]:
    """One all-day event per report month of each of the user's collaboratives."""
    stamp = timezone.now().replace(microsecond=0)
    for collaborative in collaboratives_for_feed(user, organization):
        collaborative.organization = organization
        for month in deadlines.report_months(collaborative.start_date, collaborative.end_date):
            day = deadlines.due_date(month, collaborative.report_due_day)
            yield Event.new(
                # Stable per collaborative and month: a changed due day moves the event.
                uid=uid(f"report-due-{month:%Y%m}", collaborative.pk),
                stamp=stamp,
                summary=f"{collaborative.name}: {month:%B %Y} report due",
                start=day,
                end=day + datetime.timedelta(days=1),
                url=_collaborative_url("calendar", collaborative),
                transparency="TRANSPARENT",
            )
