"""``manage.py send_reminders [--now ISO-DATETIME]``: the reminder sweep, for cron users and tests.

Runs the same sweep as the beat task and sends each due reminder and digest in
this process. Every row is claimed before it is sent, so running the command
twice for the same instant (or beside a worker) sends nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Organization
from measures import reminders


def _instant(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--now {value!r} is not an ISO date and time, e.g. 2026-04-15T09:00:00+00:00."
        ) from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


class Command(BaseCommand):
    help = "Send the monthly report reminders and weekly digests that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=_instant,
            default=None,
            help="Act as if it were this instant (ISO 8601; without an offset, UTC).",
        )

    def handle(self, *args: Any, now: dt.datetime | None = None, **options: Any) -> None:
        result = reminders.reminders_sweep(now=now, queue=False)
        sent = failed = 0
        for kind, ids, send in (
            ("reminder", result.reminder_ids, reminders.reminder_send),
            ("digest", result.digest_ids, reminders.digest_send),
        ):
            for pk in ids:
                with scopes_disabled():
                    organization = Organization.objects.get(pk=result.organizations[(kind, pk)])
                with scope(organization=organization):
                    try:
                        outcome = send(**{f"{kind}_id": pk}, now=now)
                    except reminders.TRANSPORT_ERRORS as error:
                        failed += 1
                        self.stderr.write(f"The {kind} {pk} failed: {error}")
                        continue
                sent += outcome == "sent"
        self.stdout.write(f"Sent {sent} e-mail(s); {failed} failed and will be tried again.")
