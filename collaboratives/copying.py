"""A new wave from an existing collaborative: ``collaborative_copy``.

What a wave shares with the one before it is its *shape*: the settings, the aim
and its goals, the schedule (learning sessions at the same distance from the
start, calls on the same monthly rule, action periods between the sessions),
the change package, the pre-work assignments and the application form. Every
date moves by the same number of days as the start date.

What belongs to the old wave stays there: teams, applications, attendance,
pre-work completions, session materials, leadership, and video links (a new
wave gets new meeting links). Host teams are left empty, as the new wave has
no teams yet.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bsc.audit import log_action
from bsc.exceptions import DomainError
from collaboratives.models import (
    ActionPeriod,
    AimGoal,
    Assignment,
    CallSeries,
    ChangeIdea,
    Collaborative,
    Driver,
    LearningSession,
    Status,
)
from collaboratives.services.core import SETTING_FIELDS, collaborative_create
from collaboratives.services.schedule import call_series_generate, derived_action_periods

if TYPE_CHECKING:
    from collaboratives.services.core import Actor

# Settings carried over as they are; the dates are shifted and the status starts afresh.
_NOT_CARRIED = {
    "name",
    "kind",
    "status",
    "start_date",
    "end_date",
    "prework_start_date",
    "aim_target_date",
}
_CARRIED_SETTINGS = tuple(field for field in SETTING_FIELDS if field not in _NOT_CARRIED)


def _shift(value: datetime.date | None, delta: datetime.timedelta) -> datetime.date | None:
    return value + delta if value is not None else None


def _shift_moment(
    value: datetime.datetime, delta: datetime.timedelta, tz: datetime.tzinfo
) -> datetime.datetime:
    """The same local time of day, ``delta`` days later (across a clock change too)."""
    local = value.astimezone(tz)
    return datetime.datetime.combine(local.date() + delta, local.time(), tzinfo=tz).astimezone(
        datetime.UTC
    )


@transaction.atomic
def collaborative_copy(
    *,
    source: Collaborative,
    name: str,
    slug: str,
    start_date: datetime.date,
    actor: Actor,
) -> Collaborative:
    """Create a new wave of ``source`` starting on ``start_date``; see the module docstring."""
    if not isinstance(start_date, datetime.date):
        raise DomainError("Give the new wave's start date.", field="start_date")
    organization = source.organization
    delta = start_date - source.start_date
    settings: dict[str, Any] = {field: getattr(source, field) for field in _CARRIED_SETTINGS}
    settings["required_roles"] = dict(source.required_roles or {})
    goals = [
        {
            "description": goal.description,
            "baseline": goal.baseline,
            "target": goal.target,
            "unit": goal.unit,
        }
        for goal in AimGoal.objects.filter(collaborative=source).order_by("order", "id")
    ]
    copy = collaborative_create(
        organization=organization,
        name=name,
        slug=slug,
        kind=source.kind,
        start_date=start_date,
        end_date=source.end_date + delta,
        prework_start_date=_shift(source.prework_start_date, delta),
        aim_target_date=_shift(source.aim_target_date, delta),
        status=Status.PREWORK,
        goals=goals,
        actor=actor,
        **settings,
    )
    copy.copied_from = source
    copy.save(update_fields=["copied_from"])

    counts = {
        "sessions": _copy_sessions(source, copy, delta),
        "calls": _copy_call_series(source, copy, delta),
        "drivers": 0,
        "change_ideas": 0,
        "assignments": _copy_assignments(source, copy, delta),
        "application_form": _copy_application_form(source, copy, delta),
    }
    counts["drivers"], counts["change_ideas"] = _copy_change_package(source, copy)
    log_action(
        organization=organization,
        actor=actor,
        action="bsc.collaborative.copied",
        target=copy,
        data={
            "name": copy.name,
            "slug": copy.slug,
            "source": source.name,
            "source_id": source.pk,
            "days_shifted": delta.days,
            **counts,
        },
    )
    return copy


def _copy_sessions(source: Collaborative, copy: Collaborative, delta: datetime.timedelta) -> int:
    sessions = [
        LearningSession(
            organization_id=copy.organization_id,
            collaborative=copy,
            number=session.number,
            title=session.title,
            start_date=session.start_date + delta,
            end_date=session.end_date + delta,
            location=session.location,
            agenda=session.agenda,
        )
        for session in LearningSession.objects.filter(collaborative=source).order_by(
            "start_date", "number"
        )
    ]
    LearningSession.objects.bulk_create(sessions)
    # Action periods are derived from the new sessions, as the schedule derives them,
    # and keep the focus staff wrote for the same period of the old wave.
    focus = dict(ActionPeriod.objects.filter(collaborative=source).values_list("number", "focus"))
    ActionPeriod.objects.bulk_create(
        ActionPeriod(
            organization_id=copy.organization_id,
            collaborative=copy,
            number=number,
            start_date=start,
            end_date=end,
            focus=focus.get(number, ""),
        )
        for number, (start, end) in enumerate(derived_action_periods(copy, sessions), start=1)
    )
    return len(sessions)


def _copy_call_series(source: Collaborative, copy: Collaborative, delta: datetime.timedelta) -> int:
    count = 0
    for series in CallSeries.objects.filter(collaborative=source).order_by("id"):
        new_series = CallSeries.objects.create(
            organization_id=copy.organization_id,
            collaborative=copy,
            kind=series.kind,
            title=series.title,
            affinity_role=series.affinity_role,
            week_of_month=series.week_of_month,
            weekday=series.weekday,
            start_time=series.start_time,
            duration_minutes=series.duration_minutes,
            first_date=series.first_date + delta,
            last_date=series.last_date + delta,
        )
        new_series.organization = copy.organization
        # Every occurrence, even one already past: the new wave's calendar is complete.
        call_series_generate(new_series, include_past=True)
        count += 1
    return count


def _copy_change_package(source: Collaborative, copy: Collaborative) -> tuple[int, int]:
    drivers = list(Driver.objects.filter(collaborative=source).order_by("parent_id", "order", "id"))
    new_ids: dict[int, Driver] = {}
    pending = drivers
    # Parents before children, whatever the depth: each round copies the drivers
    # whose parent is copied already.
    while pending:
        remaining: list[Driver] = []
        for driver in pending:
            if driver.parent_id is not None and driver.parent_id not in new_ids:
                remaining.append(driver)
                continue
            new_ids[driver.pk] = Driver.objects.create(
                organization_id=copy.organization_id,
                collaborative=copy,
                parent=new_ids.get(driver.parent_id) if driver.parent_id else None,
                title=driver.title,
                description=driver.description,
                order=driver.order,
            )
        if len(remaining) == len(pending):
            break  # A parent outside this collaborative: nothing sensible to attach to.
        pending = remaining
    ideas = [
        ChangeIdea(
            organization_id=copy.organization_id,
            collaborative=copy,
            driver=new_ids[idea.driver_id],
            title=idea.title,
            description=idea.description,
            evidence=idea.evidence,
            resources=idea.resources,
            order=idea.order,
        )
        for idea in ChangeIdea.objects.filter(collaborative=source).order_by("order", "id")
        if idea.driver_id in new_ids
    ]
    ChangeIdea.objects.bulk_create(ideas)
    return len(new_ids), len(ideas)


def _copy_assignments(source: Collaborative, copy: Collaborative, delta: datetime.timedelta) -> int:
    assignments = [
        Assignment(
            organization_id=copy.organization_id,
            collaborative=copy,
            kind=assignment.kind,
            title=assignment.title,
            instructions=assignment.instructions,
            url=assignment.url,
            due_date=_shift(assignment.due_date, delta),
            requires_upload=assignment.requires_upload,
            order=assignment.order,
        )
        for assignment in Assignment.objects.filter(collaborative=source).order_by("order", "id")
    ]
    Assignment.objects.bulk_create(assignments)
    return len(assignments)


def _copy_application_form(
    source: Collaborative, copy: Collaborative, delta: datetime.timedelta
) -> bool:
    from teams.models import ApplicationQuestion, ApplicationWindow, ReadinessItem

    window = ApplicationWindow.objects.filter(collaborative=source).first()
    if window is None:
        return False
    new_window = ApplicationWindow.objects.create(
        organization_id=copy.organization_id,
        collaborative=copy,
        opens_at=_shift_moment(window.opens_at, delta, copy.organization.tzinfo),
        closes_at=_shift_moment(window.closes_at, delta, copy.organization.tzinfo),
        instructions=window.instructions,
    )
    ApplicationQuestion.objects.bulk_create(
        ApplicationQuestion(
            organization_id=copy.organization_id,
            window=new_window,
            text=question.text,
            help_text=question.help_text,
            is_required=question.is_required,
            order=question.order,
        )
        for question in window.questions.order_by("order", "id")
    )
    ReadinessItem.objects.bulk_create(
        ReadinessItem(
            organization_id=copy.organization_id,
            window=new_window,
            statement=item.statement,
            max_score=item.max_score,
            order=item.order,
        )
        for item in window.readiness_items.order_by("order", "id")
    )
    return True
