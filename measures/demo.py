"""Demo measures and monthly reports for ``manage.py seed_demo``.

The national collaborative "tf-cbt" gets four measures (an outcome, two
process measures and a balancing measure) and the regional "tri-county" one;
every active team gets a report for every month from the collaborative's
start through last month, so the national collaborative shows 14 months of
run charts. Values follow believable patterns with noise from
``random.Random(42)``, so every run draws the same numbers and the charts show
a mix of signals: some teams shift to a better level in the month after the
second learning session, some improve steadily or slowly, some only vary
around a flat level (noise), and one team gets worse after that session (a
concerning shift). Most reports are accepted, some came in
late, a few are missing, one is returned for revision with feedback, and the
latest month is still coming in.

Measures go through ``measures.services.definitions.measure_create`` (with
their audit entries). Reports, values, their history and events are written
directly with ``bulk_create``: replaying the report services for ~200 reports
and ~700 values would make ``seed_demo`` (which the test suite runs) slow, and
the services stamp "now" on every submission, while the demo needs the past
dates the completeness grid and the run charts show. A collaborative that
has measures already is left alone, so a rerun writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from collaboratives.models import Collaborative
from measures import deadlines
from measures.models import (
    Direction,
    Measure,
    MeasureShape,
    MeasureType,
    MetricValue,
    MonthlyReport,
    ReportEvent,
    ReportStatus,
    ValueChange,
)
from measures.services.definitions import measure_create
from teams.models import Team, TeamStatus

if TYPE_CHECKING:
    from accounts.models import Organization, User
    from collaboratives.demo import DemoPeople

Report = Callable[[str], None]

RETURN_FEEDBACK = (
    "Thank you. The completion numbers do not match the treatment log you shared on the "
    "last call: please check both counts against the log and resubmit. "
    "Your notes on the caregiver reminder texts are very useful — please bring them to the "
    "next all-team call."
)


@dataclass(frozen=True)
class DemoMeasure:
    code: str
    name: str
    measure_type: str
    shape: str
    direction: str
    goal: Decimal
    unit: str
    definition: str
    numerator_label: str = ""
    denominator_label: str = ""
    # Level at the start and the level an improving team reaches by the end.
    start: float = 0
    target: float = 0
    noise: float = 0
    # A run chart unless set: the demo shows a control chart too (limits, goal assurance).
    default_chart: str = "run"


NATIONAL_MEASURES = (
    DemoMeasure(
        code="completion",
        name="Children completing TF-CBT",
        measure_type=MeasureType.OUTCOME,
        shape=MeasureShape.PERCENTAGE,
        direction=Direction.UP,
        goal=Decimal(70),
        unit="%",
        definition=(
            "Of the children who ended TF-CBT this month, the share who completed every "
            "component of the model (PRACTICE) with their caregiver."
        ),
        numerator_label="Children who completed TF-CBT",
        denominator_label="Children who ended TF-CBT this month",
        default_chart="p",
        start=0.40,
        target=0.72,
        noise=0.07,
    ),
    DemoMeasure(
        code="days-to-first",
        name="Days from referral to first session",
        measure_type=MeasureType.PROCESS,
        shape=MeasureShape.MEDIAN,
        direction=Direction.DOWN,
        goal=Decimal(14),
        unit="days",
        definition=(
            "The median number of calendar days from the referral date to the first TF-CBT "
            "session, for children whose first session was this month."
        ),
        start=31,
        target=14,
        noise=3,
    ),
    DemoMeasure(
        code="caregivers-engaged",
        name="Caregivers engaged in first session",
        measure_type=MeasureType.PROCESS,
        shape=MeasureShape.PERCENTAGE,
        direction=Direction.UP,
        goal=Decimal(90),
        unit="%",
        definition="Of this month's first sessions, the share a caregiver attended.",
        numerator_label="First sessions a caregiver attended",
        denominator_label="First sessions this month",
        start=0.55,
        target=0.9,
        noise=0.08,
    ),
    DemoMeasure(
        code="turnover",
        name="Clinician turnover",
        measure_type=MeasureType.BALANCING,
        shape=MeasureShape.COUNT,
        direction=Direction.DOWN,
        goal=Decimal(0),
        unit="clinicians",
        definition="Clinicians trained in TF-CBT who left the agency this month.",
    ),
)

REGIONAL_MEASURES = (
    DemoMeasure(
        code="screened",
        name="Referrals screened",
        measure_type=MeasureType.PROCESS,
        shape=MeasureShape.PERCENTAGE,
        direction=Direction.UP,
        goal=Decimal(100),
        unit="%",
        definition="Of this month's new referrals, the share screened with a standard screen.",
        numerator_label="New referrals screened",
        denominator_label="New referrals this month",
        start=0.30,
        target=0.95,
        noise=0.06,
    ),
)


# How each team's values move, by its place in the team list (teams sorted by name).
# Faculty should see every kind of chart a real collaborative produces: teams whose
# level shifts after a learning session, teams improving steadily or slowly, noisy teams
# with nothing but common-cause variation, and one team getting worse.
SHIFT = "shift"
IMPROVING = "improving"
SLOW = "slow"
NOISY = "noisy"
WORSENING = "worsening"
PATTERNS = (SHIFT, NOISY, IMPROVING, SLOW, SHIFT, WORSENING, NOISY, IMPROVING, SHIFT, SLOW)


def _pattern(index: int) -> str:
    return PATTERNS[index % len(PATTERNS)]


def _level(spec: DemoMeasure, pattern: str, step: int, steps: int, shift_step: int) -> float:
    """The team's underlying level at ``step`` of ``steps`` months, before noise.

    ``shift_step`` is the first month after the learning session a shifting team's
    change took hold (a worsening team starts slipping then too).
    """
    progress = step / max(steps - 1, 1)
    gain = spec.target - spec.start
    if pattern == IMPROVING:
        return spec.start + gain * progress
    if pattern == SHIFT:
        return spec.start + (gain * 0.8 if step >= shift_step else gain * 0.05)
    if pattern == SLOW:
        return spec.start + gain * 0.4 * progress
    if pattern == WORSENING:
        slipped = max(0, step - shift_step + 1) / max(steps - shift_step, 1)
        return spec.start + gain * 0.1 - gain * 0.6 * slipped
    return spec.start + gain * 0.05  # noisy: no change, only variation


# Noise as a share of the measure's own: a shift stands out from steady data, and
# noisy teams scatter widely.
NOISE_SCALE = {SHIFT: 0.5, WORSENING: 0.4, NOISY: 1.6}


def _value(
    rng: random.Random, spec: DemoMeasure, pattern: str, step: int, steps: int, shift_step: int
):
    """(numerator, denominator, value) for one month of one team."""
    noise = spec.noise * NOISE_SCALE.get(pattern, 1.0)
    level = _level(spec, pattern, step, steps, shift_step)
    if spec.shape == MeasureShape.PERCENTAGE:
        denominator = rng.randint(8, 20) if pattern != SHIFT else rng.randint(14, 20)
        share = level + rng.uniform(-noise, noise)
        numerator = max(0, min(denominator, round(share * denominator)))
        return Decimal(numerator), Decimal(denominator), None
    if spec.shape == MeasureShape.MEDIAN:
        days = level + rng.uniform(-noise, noise)
        return None, None, Decimal(max(3, round(days)))
    # Clinician turnover: mostly none, now and then one, rarely two.
    draw = rng.random()
    return None, None, Decimal(2 if draw > 0.97 else 1 if draw > 0.85 else 0)


def _shift_step(collaborative: Collaborative, months: list[dt.date]) -> int:
    """The month after the second learning session, where shifting teams' changes took hold;
    half way through when that leaves fewer than four months to show it."""
    from collaboratives.models import LearningSession

    second = (
        LearningSession.objects.filter(collaborative=collaborative, number=2)
        .values_list("end_date", flat=True)
        .first()
    )
    if second is not None:
        after = deadlines.first_of_month(second + dt.timedelta(days=32))
        if after in months and len(months) - months.index(after) >= 4:
            return months.index(after)
    return len(months) // 2


@dataclass
class _Plan:
    """What happens to one report: when it was handed in and how it was reviewed."""

    status: str
    submitted_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    feedback: str = ""


def _plan(
    rng: random.Random,
    month: dt.date,
    *,
    due_day: int,
    time_zone: str,
    now: dt.datetime,
    returned: bool,
) -> _Plan | None:
    """None: the team never handed this month in (it shows as missing)."""
    deadline = deadlines.deadline(month, due_day, time_zone)
    draw = rng.random()
    if returned:
        submitted = deadline - dt.timedelta(days=3, hours=6)
        return _Plan(
            status=ReportStatus.RETURNED,
            submitted_at=submitted,
            reviewed_at=submitted + dt.timedelta(days=4),
            feedback=RETURN_FEEDBACK,
        )
    if draw < 0.03:
        return None
    if draw < 0.15:
        submitted = deadline + dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(1, 8))
    else:
        submitted = deadline - dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(2, 10))
    if submitted >= now:
        # This month is still coming in: the team has a draft with its numbers so far.
        return _Plan(status=ReportStatus.DRAFT)
    reviewed = submitted + dt.timedelta(days=rng.randint(2, 9))
    if reviewed >= now:
        return _Plan(status=ReportStatus.SUBMITTED, submitted_at=submitted)
    return _Plan(status=ReportStatus.ACCEPTED, submitted_at=submitted, reviewed_at=reviewed)


def _create_measures(
    collaborative: Collaborative, specs: tuple[DemoMeasure, ...], actor: User
) -> list[tuple[Measure, DemoMeasure]]:
    measures = []
    for spec in specs:
        measure = measure_create(
            collaborative=collaborative,
            actor=actor,
            name=spec.name,
            code=spec.code,
            measure_type=spec.measure_type,
            shape=spec.shape,
            direction=spec.direction,
            goal=spec.goal,
            unit=spec.unit,
            definition=spec.definition,
            numerator_label=spec.numerator_label,
            denominator_label=spec.denominator_label,
            default_chart=spec.default_chart,
        )
        measures.append((measure, spec))
    return measures


def _set_times(model: type, field: str, times: dict[int, dt.datetime]) -> None:
    """Put past dates on an auto_now_add field, in a few UPDATE ... CASE queries."""
    pks = list(times)
    for start in range(0, len(pks), 300):
        chunk = pks[start : start + 300]
        model.objects.filter(pk__in=chunk).update(
            **{
                field: Case(
                    *(When(pk=pk, then=Value(times[pk])) for pk in chunk),
                    output_field=DateTimeField(),
                )
            }
        )


def _seed_reports(
    collaborative: Collaborative,
    measures: list[tuple[Measure, DemoMeasure]],
    *,
    time_zone: str,
    people: DemoPeople,
    returned_team: int | None,
) -> int:
    rng = random.Random(42)
    now = timezone.now()
    this_month = deadlines.first_of_month(timezone.localdate(timezone=ZoneInfo(time_zone)))
    last_month = deadlines.first_of_month(this_month - dt.timedelta(days=1))
    months = deadlines.report_months(
        collaborative.start_date, min(last_month, collaborative.end_date)
    )
    teams = list(
        Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE).order_by(
            "name", "id"
        )
    )
    reviewer = people.chair if collaborative.kind == "national" else people.faculty[0]
    organization_id = collaborative.organization_id
    reports: list[MonthlyReport] = []
    plans: list[_Plan] = []
    team_patterns: list[tuple[Team, str, int]] = []
    for index, team in enumerate(teams):
        team_patterns.append((team, _pattern(index), index))
        for step, month in enumerate(months):
            plan = _plan(
                rng,
                month,
                due_day=collaborative.report_due_day,
                time_zone=time_zone,
                now=now,
                returned=index == returned_team and step == len(months) - 3,
            )
            if plan is None:
                continue
            lead = people.team_lead if index == 0 else None
            reports.append(
                MonthlyReport(
                    organization_id=organization_id,
                    collaborative=collaborative,
                    team=team,
                    month=month,
                    status=plan.status,
                    tested=_text(rng, TESTED),
                    learned=_text(rng, LEARNED),
                    help_needed=_text(rng, HELP) if rng.random() < 0.3 else "",
                    next_steps=_text(rng, NEXT),
                    version=1 if plan.status == ReportStatus.DRAFT else 3,
                    submitted_at=plan.submitted_at,
                    submitted_by=lead if plan.submitted_at else None,
                    reviewed_at=plan.reviewed_at,
                    reviewed_by=reviewer if plan.reviewed_at else None,
                    feedback=plan.feedback,
                )
            )
            plans.append(plan)
    MonthlyReport.objects.bulk_create(reports)

    values: list[MetricValue] = []
    entered: list[dt.datetime] = []
    events: list[ReportEvent] = []
    event_times: list[dt.datetime] = []
    patterns = {team.pk: (pattern, index) for team, pattern, index in team_patterns}
    steps = len(months)
    shift_step = _shift_step(collaborative, months)
    for report, plan in zip(reports, plans, strict=True):
        pattern, _index = patterns[report.team_id]
        step = months.index(report.month)
        written = (plan.submitted_at or now) - dt.timedelta(days=1, hours=rng.randint(1, 20))
        for measure, spec in measures:
            numerator, denominator, value = _value(rng, spec, pattern, step, steps, shift_step)
            values.append(
                MetricValue(
                    organization_id=organization_id,
                    report=report,
                    team_id=report.team_id,
                    measure=measure,
                    month=report.month,
                    numerator=numerator,
                    denominator=denominator,
                    value=value,
                    updated_by=report.submitted_by,
                )
            )
            entered.append(written)
        if plan.submitted_at:
            events.append(_event(report, ReportEvent.Kind.SUBMITTED, report.submitted_by))
            event_times.append(plan.submitted_at)
        if plan.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED):
            kind = (
                ReportEvent.Kind.ACCEPTED
                if plan.status == ReportStatus.ACCEPTED
                else ReportEvent.Kind.RETURNED
            )
            events.append(_event(report, kind, reviewer, note=plan.feedback))
            event_times.append(plan.reviewed_at)
    MetricValue.objects.bulk_create(values)
    changes = [
        ValueChange(
            organization_id=organization_id,
            value=value,
            changed_by=value.updated_by,
            old={},
            new={
                "numerator": _text_of(value.numerator),
                "denominator": _text_of(value.denominator),
                "value": _text_of(value.value),
                "not_available": False,
                "not_available_reason": "",
                "comment": "",
            },
            source="form",
        )
        for value in values
    ]
    ValueChange.objects.bulk_create(changes)
    ReportEvent.objects.bulk_create(events)
    _set_times(ValueChange, "changed_at", {c.pk: t for c, t in zip(changes, entered, strict=True)})
    _set_times(
        ReportEvent, "created_at", {e.pk: t for e, t in zip(events, event_times, strict=True)}
    )
    _set_times(
        MonthlyReport,
        "created_at",
        {
            r.pk: deadlines.deadline(r.month, collaborative.report_due_day, time_zone)
            - dt.timedelta(days=20)
            for r in reports
        },
    )
    return len(reports)


def _event(report: MonthlyReport, kind: str, actor: User | None, note: str = "") -> ReportEvent:
    return ReportEvent(
        organization_id=report.organization_id, report=report, kind=kind, actor=actor, note=note
    )


def _text_of(number: Decimal | None) -> str | None:
    return None if number is None else str(number.normalize())


def _text(rng: random.Random, options: tuple[str, ...]) -> str:
    return rng.choice(options)


TESTED = (
    "Called every new caregiver within two working days of referral.",
    "Texted a reminder the day before each session.",
    "Offered first appointments at times the caregiver chose.",
    "Used the caregiver engagement script at intake with two clinicians.",
    "Held sessions at school for three children.",
)
LEARNED = (
    "Caregivers answer texts far more than voicemail; no-shows dropped.",
    "Evening slots fill first; we need one more evening clinician.",
    "The script works best when the clinician, not the front desk, makes the call.",
    "School sessions helped attendance but take more travel time than we planned.",
    "Our referral log was missing dates; we fixed the form.",
)
HELP = (
    "How do other teams protect clinicians' time for consultation calls?",
    "We would like an example of a caregiver engagement script in Spanish.",
    "Advice on keeping going while we recruit a new clinician.",
)
NEXT = (
    "Spread the reminder texts to every clinician.",
    "Test the engagement script with the family partner.",
    "Try two evening clinics a week for a month.",
    "Review the run chart at the staff meeting and pick the next change.",
)


def seed_measures(organization: Organization, people: DemoPeople, report: Report) -> None:
    """Measures and reports of the demo collaboratives; call inside the organization's scope."""
    for slug, specs, returned_team in (
        ("tf-cbt", NATIONAL_MEASURES, 1),
        ("tri-county", REGIONAL_MEASURES, None),
    ):
        collaborative = Collaborative.objects.filter(slug=slug).first()
        if collaborative is None or Measure.objects.filter(collaborative=collaborative).exists():
            continue
        measures = _create_measures(collaborative, specs, people.staff)
        count = _seed_reports(
            collaborative,
            measures,
            time_zone=organization.time_zone,
            people=people,
            returned_team=returned_team,
        )
        report(
            f"Added {len(measures)} measures and {count} monthly reports to {collaborative.name}"
        )
        if slug == "tf-cbt":
            _label_a_phase(collaborative, measures, time_zone=organization.time_zone, people=people)


def _label_a_phase(
    collaborative: Collaborative,
    measures: list[tuple[Measure, DemoMeasure]],
    *,
    time_zone: str,
    people: DemoPeople,
) -> None:
    """The chair started a new phase on the first shifting team's caregiver engagement
    chart, named after the change the team adopted at the second learning session."""
    from measures.charting import update_chart_settings

    team = (
        Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE)
        .order_by("name", "id")
        .first()
    )
    measure = next((m for m, spec in measures if spec.code == "caregivers-engaged"), None)
    if team is None or measure is None or _pattern(0) != SHIFT:
        return
    this_month = deadlines.first_of_month(timezone.localdate(timezone=ZoneInfo(time_zone)))
    last_month = deadlines.first_of_month(this_month - dt.timedelta(days=1))
    months = deadlines.report_months(
        collaborative.start_date, min(last_month, collaborative.end_date)
    )
    start = months[_shift_step(collaborative, months)]
    update_chart_settings(
        team=team,
        measure=measure,
        actor=people.chair,
        data={"phase_breaks": [{"month": f"{start:%Y-%m}", "label": "Caregiver call script"}]},
        expected_version=0,
        source="form",
    )
