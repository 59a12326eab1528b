from __future__ import annotations

from django.apps import AppConfig


class TeamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teams"

    def ready(self) -> None:
        from accounts import grants
        from teams.services.applications import (
            APPLICATION_INVITE_GRANT,
            application_invite_accepted,
        )
        from teams.services.teams import (
            TEAM_MEMBER_GRANT,
            apply_team_member_grant,
            describe_team_member_grant,
        )

        # An invitation sent from a team's roster links that roster entry on acceptance.
        grants.register(
            TEAM_MEMBER_GRANT, apply_team_member_grant, describe=describe_team_member_grant
        )
        # An invitation to apply: membership is all an applicant needs; acceptance is logged.
        grants.register(APPLICATION_INVITE_GRANT, application_invite_accepted)
