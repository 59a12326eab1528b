from __future__ import annotations

from django.apps import AppConfig


class CollaborativesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "collaboratives"

    def ready(self) -> None:
        from accounts import grants
        from collaboratives import tasks_sharing  # noqa: F401  (Celery finds only <app>.tasks)
        from collaboratives.services.core import (
            GRANT_KIND,
            collaborative_role_describe,
            collaborative_role_grant,
        )

        # An invitation to serve as chair, faculty or staff carries this grant.
        grants.register(GRANT_KIND, collaborative_role_grant, describe=collaborative_role_describe)
