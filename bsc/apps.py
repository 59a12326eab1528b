from __future__ import annotations

from django.apps import AppConfig


class BscConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bsc"
    verbose_name = "BSC platform"
