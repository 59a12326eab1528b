"""Demo PDSA cycles and ramps for ``manage.py seed_demo``.

Teams of the national collaborative "tf-cbt" test ideas of its change package
in ramps that widen step by step (one clinician for a day, three clinicians
for a week, the whole team for a month): some end adopted, some abandoned,
some are still running or only planned, and one team tests an idea outside
the package. Teams of the regional "tri-county" collaborative, which has no
change package, test screening at the front desk. Cycles name the measures
they expect to move, so they show on the teams' run charts.

Cycles are written directly (with their "created" history row): the services
stamp today's date when a cycle starts or ends, while the demo needs the past
dates the charts show. A collaborative that has cycles already is left alone,
so a rerun writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from collaboratives.models import ChangeIdea, Collaborative
from measures.models import Measure
from pdsa.models import CycleStatus, PDSACycle, PDSACycleChange
from teams.models import Team, TeamMember, TeamStatus

if TYPE_CHECKING:
    from accounts.models import Organization
    from collaboratives.demo import DemoPeople

Report = Callable[[str], None]


@dataclass(frozen=True)
class Step:
    title: str
    scale: str
    objective: str
    prediction: str
    observations: str
    learned: str
    decision: str  # "" while the step is still open
    next_steps: str = ""
    as_planned: str = "yes"
    # "planned" for a test not started yet; otherwise it follows from what is filled in.
    state: str = ""

    @property
    def status(self) -> str:
        if self.state:
            return self.state
        if self.decision:
            return CycleStatus.DONE
        return CycleStatus.STUDYING if self.observations else CycleStatus.RUNNING


@dataclass(frozen=True)
class Ramp:
    idea: str  # a change idea's title, or "" for an idea outside the package
    other_note: str
    measures: tuple[str, ...]
    steps: tuple[Step, ...]
    # How many steps a team has got through: the last one may still be open.
    who: str = "Clinicians seeing new families"
    data: str = ""


SCRIPT = Ramp(
    idea="Use a caregiver engagement script at intake",
    other_note="",
    measures=("caregivers-engaged", "completion"),
    data="For each intake: script used (yes/no), caregiver booked into the first session.",
    steps=(
        Step(
            title="Engagement script at intake",
            scale="one clinician, one day",
            objective="See whether the engagement script fits into a normal intake call.",
            prediction="The script adds under 5 minutes; both caregivers called will book.",
            observations="Used with 2 of 3 caregivers; the third call was cut short.",
            learned="The script is too long: the questions on past services lose people.",
            decision="adapt",
            next_steps="Cut the script to five questions and try it with three clinicians.",
            as_planned="partly",
        ),
        Step(
            title="Shorter engagement script",
            scale="3 clinicians, one week",
            objective="Test the five-question script across three clinicians.",
            prediction="At least 8 of 10 caregivers book a first session they attend.",
            observations="Used at 11 intakes; 9 caregivers booked, 8 attended.",
            learned="Works across clinicians; new staff want a one-page guide.",
            decision="adapt",
            next_steps="Add the one-page guide and use the script at every intake for a month.",
        ),
        Step(
            title="Engagement script at every intake",
            scale="whole team, one month",
            objective="Make the script part of every intake call.",
            prediction="Caregiver attendance at first sessions reaches 85%.",
            observations="Script used at 41 of 44 intakes; attendance 87%.",
            learned="It holds up at full scale; the intake form now prompts for it.",
            decision="adopt",
            next_steps="Keep it: added to the intake procedure and new-staff training.",
        ),
    ),
)
REMINDERS = Ramp(
    idea="Text a reminder the day before each session",
    other_note="",
    measures=("completion",),
    data="Sessions with a reminder sent; sessions attended.",
    steps=(
        Step(
            title="Reminder texts for one clinician's families",
            scale="one clinician, one week",
            objective="Find out whether families welcome a text the day before a session.",
            prediction="No family opts out; no-shows drop for that week.",
            observations="9 texts sent, 1 wrong number, no opt-outs, no no-shows.",
            learned="Families replied with thanks; the front desk must check numbers.",
            decision="adapt",
            next_steps="Check phone numbers at intake; send from the clinic's system.",
        ),
        Step(
            title="Reminder texts for every family",
            scale="whole team, one month",
            objective="Send reminders for every session from the scheduling system.",
            prediction="No-shows fall from about 1 in 5 to 1 in 10.",
            observations="412 reminders sent; no-shows 9%.",
            learned="Cheap and reliable once automated.",
            decision="adopt",
            next_steps="Keep it on; report no-shows on the monthly call.",
        ),
    ),
)
HOME_VISITS = Ramp(
    idea="Offer sessions at school or at home",
    other_note="",
    measures=("completion", "turnover"),
    data="Sessions offered outside the clinic; sessions held; travel time.",
    steps=(
        Step(
            title="Sessions at school for one clinician",
            scale="one clinician, two weeks",
            objective="Learn whether school-based sessions keep families who miss clinic visits.",
            prediction="Three families accept and attend every session.",
            observations="One family accepted; two sessions cancelled by the school.",
            learned="Travel takes 90 minutes a visit and schools cannot give a room reliably.",
            decision="abandon",
            next_steps="Stop; try evening clinic hours instead.",
            as_planned="no",
        ),
    ),
)
FIRST_CALL = Ramp(
    idea="Call the caregiver within two working days of referral",
    other_note="",
    measures=("days-to-first",),
    data="Date of referral, date of first call, date of first session.",
    steps=(
        Step(
            title="Call within two days, intake coordinator",
            scale="one coordinator, one week",
            objective="See how many referrals can get a call within two working days.",
            prediction="All referrals of the week are called within two days.",
            observations="7 of 10 called in time; 3 had no working number.",
            learned="Referrers often send an old number.",
            decision="adapt",
            next_steps="Ask referrers for two contact numbers; test with both coordinators.",
        ),
        Step(
            title="Call within two days, both coordinators",
            scale="2 coordinators, 3 weeks",
            objective="Reach every caregiver within two working days.",
            prediction="9 in 10 referrals called in time.",
            observations="",
            learned="",
            decision="",
        ),
    ),
)
SCREEN = Ramp(
    idea="Screen every new referral with a standard trauma screen",
    other_note="",
    measures=("days-to-first",),
    steps=(
        Step(
            title="Trauma screen at referral",
            scale="one clinician, one day",
            objective="Check the screen can be done on the first call.",
            prediction="Takes under 10 minutes per referral.",
            observations="",
            learned="",
            decision="",
            state=CycleStatus.PLANNED,
        ),
    ),
)
HUDDLE = Ramp(
    idea="",
    other_note="Daily 10-minute team huddle on new referrals",
    measures=("days-to-first",),
    steps=(
        Step(
            title="Morning huddle on new referrals",
            scale="whole team, two weeks",
            objective="Assign every new referral a clinician the day it arrives.",
            prediction="Days to first session fall by a week.",
            observations="Huddles held on 9 of 10 days; all referrals assigned same day.",
            learned="",
            decision="",
        ),
    ),
)
FRONT_DESK = Ramp(
    idea="",
    other_note="Front-desk staff give the trauma screen at check-in",
    measures=(),
    steps=(
        Step(
            title="Screen at check-in, one front-desk worker",
            scale="one front-desk worker, one day",
            objective="See whether the screen fits into check-in.",
            prediction="Every new client completes the screen before the session.",
            observations="6 of 8 new clients completed it; two arrived late.",
            learned="Works when the client arrives early; give the form with the reminder.",
            decision="adapt",
            next_steps="Send the form with the appointment letter; test for a week.",
        ),
        Step(
            title="Screen sent with the appointment letter",
            scale="whole front desk, one week",
            objective="Have every new client bring a completed screen.",
            prediction="Three in four bring it completed.",
            observations="",
            learned="",
            decision="",
        ),
    ),
)

# For each team of the national collaborative (by position): the ramps it runs and how
# many steps of each it has got to. Teams not listed have not logged a cycle yet.
NATIONAL_PLAN: dict[int, tuple[tuple[Ramp, int], ...]] = {
    0: ((SCRIPT, 3), (REMINDERS, 2), (FIRST_CALL, 2)),
    1: ((SCRIPT, 2), (HOME_VISITS, 1)),
    2: ((REMINDERS, 2), (SCREEN, 1)),
    3: ((SCRIPT, 1), (HUDDLE, 1)),
    4: ((HOME_VISITS, 1), (FIRST_CALL, 1)),
    5: ((REMINDERS, 1),),
    6: ((SCRIPT, 3),),
    7: ((FIRST_CALL, 2), (REMINDERS, 2)),
    9: ((HOME_VISITS, 1), (SCRIPT, 2)),
}
REGIONAL_PLAN: dict[int, tuple[tuple[Ramp, int], ...]] = {
    0: ((FRONT_DESK, 2),),
    1: ((FRONT_DESK, 1),),
}


def _authors(teams: list[Team]) -> dict[int, object]:
    authors: dict[int, object] = {}
    for member in (
        TeamMember.objects.filter(team__in=teams, user__isnull=False)
        .select_related("user")
        .order_by("pk")
    ):
        authors.setdefault(member.team_id, member.user)
    return authors


def _seed(collaborative: Collaborative, plan: dict[int, tuple[tuple[Ramp, int], ...]]) -> int:
    teams = list(
        Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE).order_by("pk")
    )
    ideas = {idea.title: idea for idea in ChangeIdea.objects.filter(collaborative=collaborative)}
    measures = {
        measure.code: measure
        for measure in Measure.objects.filter(collaborative=collaborative, team__isnull=True)
    }
    authors = _authors(teams)
    today = timezone.localdate()
    count = 0
    for position, team in enumerate(teams):
        for ramp_index, (ramp, steps) in enumerate(plan.get(position, ())):
            idea = ideas.get(ramp.idea) if ramp.idea else None
            if ramp.idea and idea is None:
                continue
            # Each team starts its ramps a little apart; each step takes about a month.
            start = collaborative.start_date + dt.timedelta(
                days=20 + position * 6 + ramp_index * 45
            )
            earlier = None
            for number, step in enumerate(ramp.steps[:steps]):
                begins = start + dt.timedelta(days=35 * number)
                status = step.status
                if begins > today:
                    status = CycleStatus.PLANNED
                started_on = begins if status != CycleStatus.PLANNED else None
                finished_on = min(begins + dt.timedelta(days=10), today)
                done = status == CycleStatus.DONE
                cycle = PDSACycle.objects.create(
                    organization_id=collaborative.organization_id,
                    collaborative=collaborative,
                    team=team,
                    change_idea=idea,
                    other_idea_note=ramp.other_note,
                    builds_on=earlier,
                    title=step.title,
                    objective=step.objective,
                    questions=f"Does “{ramp.idea or ramp.other_note}” work here, at this scale?",
                    predictions=step.prediction,
                    who=ramp.who,
                    what=step.objective,
                    where=team.site_name,
                    when_text=f"From {begins:%-d %B %Y}",
                    planned_start=begins,
                    planned_end=begins + dt.timedelta(days=10),
                    scale=step.scale,
                    data_to_collect=ramp.data,
                    carried_out_as_planned=step.as_planned if started_on else "",
                    observations=step.observations if started_on else "",
                    results=step.observations if done else "",
                    learned=step.learned
                    if status in (CycleStatus.STUDYING, CycleStatus.DONE)
                    else "",
                    decision=step.decision if done else "",
                    next_steps=step.next_steps if done else "",
                    status=status,
                    started_on=started_on,
                    finished_on=finished_on if done else None,
                    created_by=authors.get(team.pk),
                    updated_by=authors.get(team.pk),
                )
                linked = [measures[code] for code in ramp.measures if code in measures]
                if linked:
                    cycle.measures.set(linked)
                PDSACycleChange.objects.create(
                    organization_id=cycle.organization_id,
                    cycle=cycle,
                    changed_by=authors.get(team.pk),
                    stage="created",
                    new={"title": cycle.title, "scale": cycle.scale},
                    source="demo",
                )
                earlier = cycle
                count += 1
    return count


def seed_pdsa(organization: Organization, people: DemoPeople, report: Report) -> None:
    """PDSA cycles of the demo collaboratives; call inside the organization's scope, after
    the measures (cycles link to them)."""
    for slug, plan in (("tf-cbt", NATIONAL_PLAN), ("tri-county", REGIONAL_PLAN)):
        collaborative = Collaborative.objects.filter(slug=slug).first()
        if collaborative is None or PDSACycle.objects.filter(collaborative=collaborative).exists():
            continue
        count = _seed(collaborative, plan)
        if count:
            report(f"Added {count} PDSA cycles in ramps to {collaborative.name}")
