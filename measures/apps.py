from __future__ import annotations

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "measures"

    def ready(self) -> None:
        # Celery's autodiscovery only imports ``<app>.tasks``; the reminder tasks
        # live in their own module and register when it is imported.
        from measures import tasks_reminders  # noqa: F401
