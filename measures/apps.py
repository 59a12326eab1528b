from __future__ import annotations

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "measures"

    def ready(self) -> None:
        # Celery's autodiscovery only imports ``<app>.tasks``; the reminder tasks
        # live in their own module and register when it is imported.
        # Report due dates join the schedule in every user's calendar feed.
        from collaboratives.calendar_feed import FEED_SOURCES
        from measures import (
            tasks_charts,  # noqa: F401
            tasks_reminders,  # noqa: F401
        )
        from measures.calendar import report_due_events

        if report_due_events not in FEED_SOURCES:
            FEED_SOURCES.append(report_due_events)
