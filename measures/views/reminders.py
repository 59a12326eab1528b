"""The reminder log of one team: every reminder the sweep planned, and what became of it.

Faculty, chairs and staff (``REVIEW_REPORTS``) read it to see who was reminded,
when, and whether a send failed. One query for the page of rows, one for the
count, whatever the number of reminders.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import ListView

from bsc.views import TeamViewMixin
from collaboratives.permissions import REVIEW_REPORTS
from measures.models import DeliveryStatus, Reminder


class ReminderLogView(TeamViewMixin, ListView):
    permission = REVIEW_REPORTS
    template_name = "measures/reminders/reminder_log.html"
    context_object_name = "reminders"
    paginate_by = 50

    def status_filter(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in DeliveryStatus.values else ""

    def get_queryset(self) -> QuerySet[Reminder]:
        reminders = (
            Reminder.objects.filter(team=self.team)
            .select_related("report")
            .order_by("-report__month", "-created_at", "-id")
        )
        if status := self.status_filter():
            reminders = reminders.filter(status=status)
        return reminders

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["statuses"] = DeliveryStatus.choices
        kwargs["status"] = self.status_filter()
        kwargs["page_label"] = "Reminders"
        return super().get_context_data(**kwargs)
