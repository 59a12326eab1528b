"""Demo progress assessments and spread plans for ``manage.py seed_demo``.

Every active team of the demo collaboratives gets a faculty score for every
month from the collaborative's start through last month, following the same
shape as its measures (``measures.demo``: teams in name order improve, stay
flat, improve slowly, or shift half way): improving teams climb from forming
a team to significant improvement, flat teams stall at "activity but no
changes". Every other team scored itself for the last four months, usually
half a point above faculty. Last month two teams are not scored yet and one
score is still a faculty draft. Three teams wrote a spread plan, through the
service (with audit entries).

Scores are written with ``bulk_create`` and dated in the month after the one
they assess, as faculty would have entered them. A collaborative with scores
already is left alone, so a rerun writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from collaboratives.models import Collaborative
from teams.models import AssessmentKind, ProgressAssessment, Team, TeamMember, TeamStatus
from teams.services.spread_plans import spread_plan_save

if TYPE_CHECKING:
    from accounts.models import Organization
    from collaboratives.demo import DemoPeople

Report = Callable[[str], None]

COMMENTS = {
    "low": (
        "Thank you for getting the team together and collecting baseline data. The charter "
        "is clear.",
        "The team meets regularly and the baseline is in. Good start.",
    ),
    "middle": (
        "Your PDSA cycles on reminder calls are well documented and the predictions are specific.",
        "Good rhythm of small tests this month; the run chart shows the first points above "
        "the median.",
    ),
    "high": (
        "Completion has stayed above the goal for three months: a real, sustained shift.",
        "The changes are part of everyday work now and other clinics are asking about them.",
    ),
}
SUGGESTIONS = {
    "low": (
        "Pick one change idea from the package and run a first test with one clinician this week.",
        "Start plotting the monthly measures on a run chart so the team sees its own data.",
    ),
    "middle": (
        "Scale the reminder-call test up to a second clinician before adopting it.",
        "Try the caregiver engagement ideas next; your days-to-first-session are still long.",
    ),
    "high": (
        "Write down the new standard work and plan how it spreads to the other sites.",
        "Share your reminder scripts at the next learning session: other teams need them.",
    ),
}
JUSTIFICATIONS = {
    "low": "Team formed and baseline collected; no changes tested yet.",
    "middle": "Several PDSA cycles with clear predictions; the process measures improve.",
    "high": "Most key measures improved and held; half the goals reached or better.",
}
SELF_JUSTIFICATIONS = (
    "We tested a lot this month and the clinicians feel the difference.",
    "Our completion numbers moved in the right direction for the second month.",
    "We think the reminder calls are working; the chart agrees.",
)

SPREAD_PLANS = (
    {
        "what": "Reminder calls the day before each session, with the two-line script we "
        "tested in the pilot clinic.",
        "to_whom": "The two other outpatient clinics of the agency (about 14 clinicians).",
        "expected_improvement": "Treatment completion at 70% or more in every clinic within "
        "six months of starting.",
        "learning_transfer": "Each pilot clinician coaches one clinician at another clinic "
        "for a month; the script and the call log go into the agency's intake manual.",
    },
    {
        "what": "Same-week first sessions: the intake slot held open on Tuesdays and Thursdays.",
        "to_whom": "All intake coordinators and the school-based team.",
        "expected_improvement": "Median days from referral to first session under 14.",
        "learning_transfer": "The intake lead presents the pilot's run chart at the monthly "
        "all-staff meeting and keeps a shared calendar of open slots.",
    },
    {
        "what": "Caregiver welcome packet and the first-session checklist.",
        "to_whom": "The family partners and every TF-CBT clinician.",
        "expected_improvement": "A caregiver at 90% of first sessions.",
        "learning_transfer": "Family partners run a 30-minute huddle with each team; the "
        "checklist lives in the electronic record.",
    },
)


def _pattern(index: int) -> str:
    """The same shape as the team's measures in ``measures.demo``."""
    if index == 4:
        return "shift"
    return ("improving", "flat", "slow")[index % 3]


def _half(value: float) -> Decimal:
    """Round to the scale's steps of 0.5, between 0.5 and 5."""
    steps = (Decimal(str(value)) * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return min(Decimal("5"), max(Decimal("0.5"), steps / 2)).quantize(Decimal("0.1"))


def _score(pattern: str, step: int, steps: int, index: int = 0) -> Decimal:
    progress = step / max(steps - 1, 1)
    if pattern == "improving":
        # Improving teams take off a month apart, so "percent 4's" climbs month by month.
        lagged = max(0, step - index // 3) / max(steps - 1, 1)
        return _half(1.0 + 4.0 * lagged)
    if pattern == "slow":
        return _half(1.0 + 2.2 * progress)
    if pattern == "shift":
        return _half(1.5 + 0.5 * progress if step < steps // 2 else 3.5 + 0.8 * progress)
    return _half(1.0 + 1.2 * min(progress * 3, 1))  # flat: stalls at 2


def _band(score: Decimal) -> str:
    if score < 2.5:
        return "low"
    return "middle" if score < 4 else "high"


def _months(collaborative: Collaborative, last: dt.date) -> list[dt.date]:
    months = []
    month = collaborative.start_date.replace(day=1)
    while month <= min(last, collaborative.end_date):
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _entered_at(month: dt.date, offset: int) -> dt.datetime:
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return timezone.make_aware(
        dt.datetime.combine(following + dt.timedelta(days=4 + offset % 9), dt.time(15, 30))
    )


def seed_assessments(organization: Organization, people: DemoPeople, report: Report) -> None:
    """Scores and spread plans of the demo collaboratives; call inside the organization's scope."""
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    for collaborative in Collaborative.objects.filter(slug__in=["tf-cbt", "tri-county"]):
        if ProgressAssessment.objects.filter(collaborative=collaborative).exists():
            continue
        collaborative.organization = organization
        months = _months(collaborative, last_month)
        if not months:
            continue
        teams = list(
            Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE).order_by(
                "name", "id"
            )
        )
        scorer = people.chair if collaborative.kind == "national" else people.faculty[0]
        total_steps = len(_months(collaborative, collaborative.end_date))
        rows: list[ProgressAssessment] = []
        times: dict[int, dt.datetime] = {}
        stamps: list[dt.datetime] = []
        for index, team in enumerate(teams):
            pattern = _pattern(index)
            for step, month in enumerate(months):
                is_last = month == months[-1]
                if is_last and index in (2, 5):
                    continue  # not scored yet this month
                score = _score(pattern, step, total_steps, index)
                band = _band(score)
                rows.append(
                    ProgressAssessment(
                        organization_id=organization.pk,
                        collaborative=collaborative,
                        team=team,
                        month=month,
                        kind=AssessmentKind.FACULTY,
                        score=score,
                        justification=JUSTIFICATIONS[band],
                        comments=COMMENTS[band][(index + step) % 2],
                        suggestions=SUGGESTIONS[band][(index + step) % 2],
                        shared_with_team=not (is_last and index == 1),
                        assessed_by=scorer,
                    )
                )
                stamps.append(_entered_at(month, index + step))
                if index % 2 == 0 and step >= len(months) - 4:
                    rows.append(
                        ProgressAssessment(
                            organization_id=organization.pk,
                            collaborative=collaborative,
                            team=team,
                            month=month,
                            kind=AssessmentKind.SELF,
                            score=_half(float(score) + (0.5 if step % 3 else 0)),
                            justification=SELF_JUSTIFICATIONS[(index + step) % 3],
                        )
                    )
                    stamps.append(_entered_at(month, index + step + 1))
        created = ProgressAssessment.objects.bulk_create(rows)
        for assessment, stamp in zip(created, stamps, strict=True):
            times[assessment.pk] = stamp
            if assessment.shared_with_team and assessment.kind == AssessmentKind.FACULTY:
                assessment.shared_at = stamp
        _set_times(times)
        report(f"Added {len(created)} progress scores to {collaborative.name}")
        _seed_spread_plans(collaborative, teams, people, report)


def _set_times(times: dict[int, dt.datetime]) -> None:
    """Date each score when faculty would have entered it (a few UPDATE ... CASE queries)."""
    pks = list(times)
    for start in range(0, len(pks), 300):
        chunk = pks[start : start + 300]
        when = Case(
            *(When(pk=pk, then=Value(times[pk])) for pk in chunk), output_field=DateTimeField()
        )
        ProgressAssessment.objects.filter(pk__in=chunk).update(created_at=when, updated_at=when)
        ProgressAssessment.objects.filter(
            pk__in=chunk, kind=AssessmentKind.FACULTY, shared_with_team=True
        ).update(shared_at=when)


def _seed_spread_plans(
    collaborative: Collaborative, teams: list[Team], people: DemoPeople, report: Report
) -> None:
    lead_team_ids = set(
        TeamMember.objects.filter(user=people.team_lead, team__in=teams).values_list(
            "team_id", flat=True
        )
    )
    improving = [team for index, team in enumerate(teams) if _pattern(index) == "improving"]
    chosen = [team for team in teams if team.pk in lead_team_ids][:1]
    chosen += [team for team in improving if team not in chosen]
    for team, answers in zip(chosen[: len(SPREAD_PLANS)], SPREAD_PLANS, strict=False):
        team.collaborative = collaborative
        actor = people.team_lead if team.pk in lead_team_ids else people.staff
        target = min(collaborative.end_date, timezone.localdate() + dt.timedelta(days=120))
        spread_plan_save(
            team=team,
            actor=actor,
            data={**answers, "target_date": max(target, collaborative.start_date)},
            expected_version=0,
            source="demo",
        )
        report(f"Added the spread plan of {team.name}")
