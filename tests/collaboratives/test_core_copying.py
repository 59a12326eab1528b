"""``collaborative_copy``: a new wave keeps the old one's shape, moved to its new start date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from bsc.exceptions import DomainError
from collaboratives.copying import collaborative_copy
from collaboratives.models import (
    ActionPeriod,
    AimGoal,
    Assignment,
    Call,
    CallSeries,
    ChangeIdea,
    Collaborative,
    CollaborativeRole,
    Driver,
    LearningSession,
)
from teams.models import Application, ApplicationWindow, Team
from tests.factories import (
    ActionPeriodFactory,
    AimGoalFactory,
    ApplicationFactory,
    ApplicationQuestionFactory,
    ApplicationWindowFactory,
    AssignmentFactory,
    CallSeriesFactory,
    ChangeIdeaFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    CompletionFactory,
    DriverFactory,
    LearningSessionFactory,
    ReadinessItemFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

# The new wave starts 364 days (52 weeks) after the old one, so weekdays stay the same.
OLD_START = date(2026, 1, 5)
NEW_START = date(2027, 1, 4)
SHIFT = NEW_START - OLD_START


@pytest.fixture
def source(org_a):
    collaborative = CollaborativeFactory(
        organization=org_a,
        name="TF-CBT wave 1",
        slug="wave-1",
        kind="regional",
        status="active",
        topic="Trauma-focused CBT",
        prework_start_date=date(2025, 10, 1),
        start_date=OLD_START,
        end_date=date(2026, 12, 18),
        aim_target_date=date(2026, 12, 1),
        faculty_count=3,
        report_due_day=10,
        data_sharing="anonymized",
        run_chart_rules="anhoj",
        required_roles={"clinician": 3},
    )
    AimGoalFactory(collaborative=collaborative, description="Completion", target=70, order=0)
    host = TeamFactory(collaborative=collaborative)
    LearningSessionFactory(
        collaborative=collaborative,
        number=1,
        title="Kick-off",
        start_date=date(2026, 1, 12),
        end_date=date(2026, 1, 13),
        location="Durham, NC",
        video_url="https://meet.example.org/ls1",
        host_team=host,
    )
    LearningSessionFactory(
        collaborative=collaborative,
        number=2,
        title="Midpoint",
        start_date=date(2026, 5, 11),
        end_date=date(2026, 5, 12),
        location="Raleigh, NC",
    )
    ActionPeriodFactory(
        collaborative=collaborative,
        number=1,
        start_date=date(2026, 1, 14),
        end_date=date(2026, 5, 10),
        focus="Engagement first",
    )
    CallSeriesFactory(
        collaborative=collaborative,
        title="Monthly all-team call",
        week_of_month=2,
        weekday=1,
        start_time=time(15, 0),
        first_date=date(2026, 2, 1),
        last_date=date(2026, 4, 30),
        video_url="https://meet.example.org/monthly",
    )
    primary = DriverFactory(collaborative=collaborative, title="Engage families", order=0)
    secondary = DriverFactory(
        collaborative=collaborative, parent=primary, title="First contact", order=0
    )
    ChangeIdeaFactory(driver=secondary, title="Call within 48 hours", evidence="NCTSN")
    ChangeIdeaFactory(driver=primary, title="Family partner at intake")
    assignment = AssignmentFactory(
        collaborative=collaborative,
        kind="storyboard",
        title="Storyboard",
        due_date=date(2026, 1, 2),
    )
    CompletionFactory(assignment=assignment)
    window = ApplicationWindowFactory(
        collaborative=collaborative,
        opens_at=datetime(2025, 9, 1, 13, 0, tzinfo=UTC),
        closes_at=datetime(2025, 9, 30, 21, 0, tzinfo=UTC),
        instructions="Apply as a team.",
    )
    ApplicationQuestionFactory(window=window, text="Why now?")
    ReadinessItemFactory(window=window, statement="Leaders give staff time", max_score=4)
    ApplicationFactory(collaborative=collaborative)
    CollaborativeRoleFactory(collaborative=collaborative, role="chair")
    return collaborative


def copy_of(source, alice, **kwargs):
    values = {"name": "TF-CBT wave 2", "slug": "wave-2", "start_date": NEW_START}
    values.update(kwargs)
    with scope(organization=source.organization):
        return collaborative_copy(source=source, actor=alice, **values)


def test_it_copies_the_settings_with_the_dates_moved(source, alice):
    copy = copy_of(source, alice)

    assert (copy.name, copy.slug, copy.copied_from) == ("TF-CBT wave 2", "wave-2", source)
    assert copy.status == "prework"
    assert (copy.kind, copy.topic, copy.faculty_count) == ("regional", "Trauma-focused CBT", 3)
    assert (copy.report_due_day, copy.data_sharing, copy.run_chart_rules) == (
        10,
        "anonymized",
        "anhoj",
    )
    assert copy.required_roles == {"clinician": 3}
    assert copy.start_date == NEW_START
    assert copy.end_date == date(2026, 12, 18) + SHIFT
    assert copy.prework_start_date == date(2025, 10, 1) + SHIFT
    assert copy.aim_target_date == date(2026, 12, 1) + SHIFT


def test_it_copies_the_aim_goals(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        goals = list(
            AimGoal.objects.filter(collaborative=copy).values_list("description", "target")
        )
    assert goals == [("Completion", 70)]


def test_it_keeps_the_sessions_offsets_without_host_or_video(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        sessions = list(LearningSession.objects.filter(collaborative=copy))
    assert [
        (s.number, s.title, s.start_date, s.end_date, s.location, s.host_team, s.video_url)
        for s in sessions
    ] == [
        (
            1,
            "Kick-off",
            date(2026, 1, 12) + SHIFT,
            date(2026, 1, 13) + SHIFT,
            "Durham, NC",
            None,
            "",
        ),
        (
            2,
            "Midpoint",
            date(2026, 5, 11) + SHIFT,
            date(2026, 5, 12) + SHIFT,
            "Raleigh, NC",
            None,
            "",
        ),
    ]


def test_it_regenerates_the_action_periods_between_the_sessions(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        periods = list(
            ActionPeriod.objects.filter(collaborative=copy).values_list(
                "number", "start_date", "end_date", "focus"
            )
        )
    assert periods == [
        (1, date(2026, 1, 14) + SHIFT, date(2026, 5, 10) + SHIFT, "Engagement first"),
        (2, date(2026, 5, 13) + SHIFT, copy.end_date, ""),
    ]


def test_it_moves_the_call_series_and_makes_its_calls(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        series = CallSeries.objects.get(collaborative=copy)
        call_days = [
            call.starts_at.astimezone(source.organization.tzinfo).date()
            for call in Call.objects.filter(collaborative=copy)
        ]
    assert (series.first_date, series.last_date) == (
        date(2026, 2, 1) + SHIFT,
        date(2026, 4, 30) + SHIFT,
    )
    assert (series.week_of_month, series.weekday, series.start_time) == (2, 1, time(15, 0))
    assert series.video_url == ""
    # The second Tuesday of February, March and April 2027.
    assert call_days == [date(2027, 2, 9), date(2027, 3, 9), date(2027, 4, 13)]


def test_it_copies_the_change_package_tree(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        drivers = {d.title: d for d in Driver.objects.filter(collaborative=copy)}
        ideas = {i.title: i for i in ChangeIdea.objects.filter(collaborative=copy)}
    assert drivers["First contact"].parent == drivers["Engage families"]
    assert drivers["Engage families"].parent is None
    assert ideas["Call within 48 hours"].driver == drivers["First contact"]
    assert ideas["Call within 48 hours"].evidence == "NCTSN"
    assert ideas["Family partner at intake"].driver == drivers["Engage families"]


def test_it_copies_pre_work_with_due_dates_moved(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        assignments = list(
            Assignment.objects.filter(collaborative=copy).values_list("kind", "title", "due_date")
        )
        assert not copy.assignments.filter(completions__isnull=False).exists()
    assert assignments == [("storyboard", "Storyboard", date(2026, 1, 2) + SHIFT)]


def test_it_copies_the_application_form_with_the_window_moved(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        window = ApplicationWindow.objects.get(collaborative=copy)
        questions = list(window.questions.values_list("text", flat=True))
        items = list(window.readiness_items.values_list("statement", "max_score"))
    tz = source.organization.tzinfo
    assert window.opens_at.astimezone(tz).date() == date(2025, 9, 1) + SHIFT
    # Same local time of day.
    assert (
        window.opens_at.astimezone(tz).time()
        == datetime(2025, 9, 1, 13, 0, tzinfo=UTC).astimezone(tz).time()
    )
    assert window.instructions == "Apply as a team."
    assert questions == ["Why now?"]
    assert items == [("Leaders give staff time", 4)]


def test_it_leaves_teams_applications_and_leadership_behind(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        assert not Team.objects.filter(collaborative=copy).exists()
        assert not Application.objects.filter(collaborative=copy).exists()
        assert not CollaborativeRole.objects.filter(collaborative=copy).exists()


def test_it_records_the_copy_in_the_audit_log(source, alice):
    copy = copy_of(source, alice)

    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.collaborative.copied")
    assert entry.actor == alice
    assert entry.target_id == str(copy.pk)
    assert entry.description == "created “TF-CBT wave 2” as a new wave of “TF-CBT wave 1”"
    assert entry.data["days_shifted"] == SHIFT.days


def test_it_refuses_a_slug_in_use_and_copies_nothing(source, alice):
    with pytest.raises(DomainError) as error:
        copy_of(source, alice, slug="wave-1")

    assert error.value.field == "slug"
    with scopes_disabled():
        assert Collaborative.objects.count() == 1
        assert LearningSession.objects.count() == 2


def test_it_copies_a_collaborative_without_a_schedule(org_a, alice):
    bare = CollaborativeFactory(
        organization=org_a, start_date=OLD_START, end_date=OLD_START + timedelta(days=30)
    )

    copy = copy_of(bare, alice)

    assert copy.end_date == NEW_START + timedelta(days=30)
    with scopes_disabled():
        assert not ActionPeriod.objects.filter(collaborative=copy).exists()
