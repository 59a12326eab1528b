"""Demo collaboratives for ``manage.py seed_demo``.

A national collaborative shaped like the NCTSN trauma-focused CBT
collaboratives (12 teams, a chair, faculty, three learning sessions, monthly
calls, a change package, pre-work) and a regional one (4 teams, 2 faculty), in
the demo organization. Everything goes through the services the pages use.
A collaborative whose slug exists already is left alone, so a rerun writes
nothing. Dates are laid out around the day of the first run, so the timeline
shows a collaborative under way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import Organization, User
from collaboratives.demo_sharing import seed_sharing
from collaboratives.models import Collaborative, Kind, LeadershipRole, Status
from collaboratives.services.change_package import change_idea_create, driver_create
from collaboratives.services.core import collaborative_create, leadership_assign
from collaboratives.services.prework import assignment_create
from collaboratives.services.schedule import call_series_create, learning_session_create
from teams.roles import TeamRole
from teams.services.applications import (
    application_question_create,
    application_window_save,
    readiness_item_create,
)
from teams.services.teams import team_create, team_member_add

Report = Callable[[str], None]
R = TeamRole

CHANGE_PACKAGE: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "Children and caregivers engaged from the first contact",
        (
            (
                "Caregivers take part in treatment from the first session",
                (
                    "Call the caregiver within two working days of referral",
                    "Offer the first appointment at a time the caregiver chooses",
                    "Use a caregiver engagement script at intake",
                ),
            ),
            (
                "Barriers to attending are removed",
                (
                    "Text a reminder the day before each session",
                    "Offer sessions at school or at home",
                ),
            ),
        ),
    ),
    (
        "Clinicians deliver TF-CBT with fidelity",
        (
            (
                "Regular consultation and supervision",
                (
                    "Hold fortnightly consultation calls for every clinician",
                    "Review one session recording per clinician each month",
                ),
            ),
            (
                "Standard trauma screening and assessment",
                ("Screen every new referral with a standard trauma screen",),
            ),
        ),
    ),
    (
        "Organizations support the model",
        (
            (
                "Leaders give time and resources",
                (
                    "Protect two hours a week for each clinician's TF-CBT work",
                    "Senior leader reviews the team's run charts every month",
                ),
            ),
            (
                "Data are used in routine practice",
                ("Put completion rates on the agenda of every staff meeting",),
            ),
        ),
    ),
)

PREWORK: tuple[tuple[str, str, bool, int], ...] = (
    ("reading", "Read the TF-CBT overview and the Model for Improvement chapter", False, -30),
    ("readiness", "Complete the organizational readiness assessment", False, -21),
    ("video", "Watch the TF-CBT introductory training video", False, -14),
    ("storyboard", "Send in your team storyboard (PDF or image)", True, -7),
)

SITES = (
    "Harbor Children's Center",
    "Blue Ridge Family Services",
    "Lakeside Community Clinic",
    "Mesa Youth Counseling",
    "Northside Behavioral Health",
    "Pine Valley Child Advocacy",
    "River City Family Clinic",
    "Sunrise Counseling Center",
    "Cedar Grove Services",
    "Prairie Wellness Center",
    "Coastal Kids Clinic",
    "Summit Family Partners",
)

# A complete national roster; some teams drop members so the warnings show.
FULL_ROSTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Executive director", (R.SENIOR_LEADER, R.AGENCY_ADMINISTRATOR)),
    ("Program manager", (R.DAY_TO_DAY_LEADER,)),
    ("Clinical supervisor", (R.CLINICAL_SUPERVISOR,)),
    ("Clinician", (R.CLINICIAN,)),
    ("Clinician", (R.CLINICIAN,)),
    ("Family partner", (R.FAMILY_PARTNER, R.COMMUNITY_PARTNER)),
)

FIRST_NAMES = ("Alex", "Jordan", "Sam", "Taylor", "Casey", "Riley", "Jamie", "Drew", "Quinn")
LAST_NAMES = ("Rivera", "Chen", "Okafor", "Nguyen", "Smith", "Haddad", "Kowalski", "Lopez")


@dataclass(frozen=True)
class DemoPeople:
    staff: User
    chair: User
    faculty: tuple[User, ...]
    team_lead: User


def _name(index: int) -> str:
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[index % len(LAST_NAMES)]}"


def _first_of_month(months_from_now: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(day=1) + relativedelta(months=months_from_now)


def _national(organization: Organization, people: DemoPeople, report: Report) -> None:
    # Started 14 months ago and runs 18, so the demo shows 14 months of reports.
    start = _first_of_month(-14)
    end = start + relativedelta(months=18) - dt.timedelta(days=1)
    actor = people.staff
    collaborative = collaborative_create(
        organization=organization,
        name="Trauma-Focused CBT National Collaborative",
        slug="tf-cbt",
        kind=Kind.NATIONAL,
        topic="Trauma-focused cognitive behavioral therapy for children and families",
        aim_statement=(
            f"By {end:%B %Y}, 70% of children who start TF-CBT at participating agencies "
            "complete treatment, up from 40%, and every child is screened for trauma at intake."
        ),
        aim_target_date=end,
        prework_start_date=start - relativedelta(months=2),
        start_date=start,
        end_date=end,
        status=Status.ACTIVE,
        chair_count=1,
        goals=[
            {
                "description": "Children completing TF-CBT",
                "baseline": 40,
                "target": 70,
                "unit": "%",
            },
            {
                "description": "New referrals screened for trauma",
                "baseline": 55,
                "target": 100,
                "unit": "%",
            },
        ],
        actor=actor,
    )
    leadership_assign(
        collaborative=collaborative, user=people.chair, role=LeadershipRole.CHAIR, actor=actor
    )
    for user in people.faculty:
        leadership_assign(
            collaborative=collaborative, user=user, role=LeadershipRole.FACULTY, actor=actor
        )
    leadership_assign(
        collaborative=collaborative, user=people.staff, role=LeadershipRole.STAFF, actor=actor
    )
    teams = _teams(collaborative, count=12, roster=FULL_ROSTER, people=people, actor=actor)
    for number, month in ((1, 0), (2, 6), (3, 12)):
        day = start + relativedelta(months=month, days=9)
        learning_session_create(
            collaborative=collaborative,
            number=number,
            title=("Launch", "Deepening the practice", "Sustain and spread")[number - 1],
            start_date=day,
            end_date=day + dt.timedelta(days=1),
            location="Durham Convention Center, Durham NC" if number != 2 else "",
            video_url="https://video.example.org/tf-cbt-ls2" if number == 2 else "",
            host_team=teams[2] if number == 3 else None,
            agenda=(
                "Day 1: the model, team time, storyboards.\nDay 2: PDSA planning, affinity groups."
            ),
            actor=actor,
        )
    _calls(collaborative, actor)
    _change_package(collaborative, actor)
    _prework(collaborative, actor)
    _applications(collaborative, actor)
    seed_sharing(collaborative, people, report)
    report(f"Created collaborative {collaborative.name} with {len(teams)} teams")


def _regional(organization: Organization, people: DemoPeople, report: Report) -> None:
    start = _first_of_month(-8)
    end = start + relativedelta(months=12) - dt.timedelta(days=1)
    actor = people.staff
    collaborative = collaborative_create(
        organization=organization,
        name="Tri-County Regional Learning Collaborative",
        slug="tri-county",
        kind=Kind.REGIONAL,
        topic="Trauma screening in community mental health",
        aim_statement=f"By {end:%B %Y}, every new referral at the four agencies is screened.",
        aim_target_date=end,
        start_date=start,
        end_date=end,
        status=Status.ACTIVE,
        goals=[{"description": "Referrals screened", "baseline": 30, "target": 100, "unit": "%"}],
        actor=actor,
    )
    for user in people.faculty[:2]:
        leadership_assign(
            collaborative=collaborative, user=user, role=LeadershipRole.FACULTY, actor=actor
        )
    roster = (FULL_ROSTER[1], FULL_ROSTER[2], FULL_ROSTER[3], FULL_ROSTER[5])
    teams = _teams(collaborative, count=4, roster=roster, people=None, actor=actor)
    for number, month in ((1, 0), (2, 5), (3, 10)):
        day = start + relativedelta(months=month, days=14)
        learning_session_create(
            collaborative=collaborative,
            number=number,
            title=f"Regional meeting {number}",
            start_date=day,
            end_date=day,
            location="County Services Building, Room 2",
            actor=actor,
        )
    call_series_create(
        collaborative=collaborative,
        title="Monthly all-team call",
        kind="all_team",
        week_of_month=1,
        weekday=2,
        start_time=dt.time(10, 0),
        first_date=start,
        last_date=end,
        video_url="https://video.example.org/tri-county",
        actor=actor,
    )
    report(f"Created collaborative {collaborative.name} with {len(teams)} teams")


def _teams(
    collaborative: Collaborative,
    *,
    count: int,
    roster: tuple[tuple[str, tuple[str, ...]], ...],
    people: DemoPeople | None,
    actor: User,
) -> list:
    teams = []
    for index in range(count):
        site = SITES[index % len(SITES)]
        team = team_create(
            collaborative=collaborative,
            name=f"{site.split()[0]} team",
            site_name=site,
            is_member_site=index % 5 != 4,
            actor=actor,
        )
        # Every fourth team is missing a clinician, so composition warnings show.
        members = roster[:-2] + roster[-1:] if index % 4 == 3 else roster
        for position, (job_title, roles) in enumerate(members):
            if people is not None and index == 0 and R.DAY_TO_DAY_LEADER in roles:
                name, email = people.team_lead.full_name, people.team_lead.email
            else:
                name = _name(index * 7 + position)
                domain = f"{site.split()[0].lower()}.example"
                email = f"{name.split()[0].lower()}.{index + 1}.{position + 1}@{domain}"
            team_member_add(
                team=team,
                full_name=name,
                email=email,
                phone=f"555-01{index:02d}{position}",
                job_title=job_title,
                roles=roles,
                actor=actor,
            )
        teams.append(team)
    return teams


def _calls(collaborative: Collaborative, actor: User) -> None:
    first, last = collaborative.start_date, collaborative.end_date
    for title, kind, week, weekday, hour, role in (
        ("Monthly all-team call", "all_team", 2, 1, 15, ""),
        ("Senior-leader call", "senior_leader", 3, 3, 12, ""),
        ("Clinicians' affinity call", "affinity", 4, 2, 16, R.CLINICIAN),
    ):
        call_series_create(
            collaborative=collaborative,
            title=title,
            kind=kind,
            week_of_month=week,
            weekday=weekday,
            start_time=dt.time(hour, 0),
            first_date=first,
            last_date=last,
            affinity_role=role,
            video_url="https://video.example.org/tf-cbt-calls",
            actor=actor,
        )


def _change_package(collaborative: Collaborative, actor: User) -> None:
    for primary_title, secondaries in CHANGE_PACKAGE:
        primary = driver_create(collaborative=collaborative, title=primary_title, actor=actor)
        for secondary_title, ideas in secondaries:
            secondary = driver_create(
                collaborative=collaborative, title=secondary_title, parent=primary, actor=actor
            )
            for idea in ideas:
                change_idea_create(
                    collaborative=collaborative,
                    driver=secondary,
                    title=idea,
                    evidence="NCTSN TF-CBT learning collaborative toolkit",
                    actor=actor,
                )


def _prework(collaborative: Collaborative, actor: User) -> None:
    for kind, title, upload, days in PREWORK:
        assignment_create(
            collaborative=collaborative,
            kind=kind,
            title=title,
            due_date=collaborative.start_date + dt.timedelta(days=days),
            requires_upload=upload,
            actor=actor,
        )


def _applications(collaborative: Collaborative, actor: User) -> None:
    opens = dt.datetime.combine(
        collaborative.start_date - relativedelta(months=4), dt.time(9), tzinfo=dt.UTC
    )
    window = application_window_save(
        collaborative=collaborative,
        opens_at=opens,
        closes_at=opens + relativedelta(months=1),
        instructions="Tell us about your agency and the team you would send.",
        actor=actor,
    )
    for text in (
        "Why does your agency want to join this collaborative?",
        "How many children do you expect to start TF-CBT in the next year?",
        "Which staff will protect time for the collaborative, and how much?",
    ):
        application_question_create(window=window, text=text, actor=actor)
    for statement in (
        "Our senior leaders will give the team time to test changes.",
        "We collect data on treatment completion today.",
        "Our clinicians have been trained in TF-CBT.",
        "We can join a monthly call and three learning sessions.",
    ):
        readiness_item_create(window=window, statement=statement, actor=actor)


def seed_collaboratives(organization: Organization, people: DemoPeople, report: Report) -> None:
    """Create the demo collaboratives that are missing; call inside the organization's scope."""
    existing = set(Collaborative.objects.values_list("slug", flat=True))
    if "tf-cbt" not in existing:
        _national(organization, people, report)
    if "tri-county" not in existing:
        _regional(organization, people, report)
