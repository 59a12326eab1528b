"""The home page's reads: the timeline (a pure function) and the leadership warnings."""

from __future__ import annotations

from datetime import date

from collaboratives.models import ActionPeriod, Collaborative, CollaborativeRole, LearningSession
from collaboratives.selectors.core import build_timeline, leadership_groups, leadership_warnings


def collaborative(**kwargs) -> Collaborative:
    values = {
        "kind": "national",
        "status": "active",
        "prework_start_date": date(2025, 10, 1),
        "start_date": date(2026, 1, 1),
        "end_date": date(2026, 12, 31),
        "chair_count": 2,
        "faculty_count": 8,
    }
    values.update(kwargs)
    return Collaborative(**values)


def sessions() -> list[LearningSession]:
    return [
        LearningSession(
            number=1, title="Kick-off", start_date=date(2026, 1, 10), end_date=date(2026, 1, 11)
        ),
        LearningSession(
            number=2,
            title="Learning Session 2",
            start_date=date(2026, 5, 10),
            end_date=date(2026, 5, 11),
        ),
    ]


def periods() -> list[ActionPeriod]:
    return [
        ActionPeriod(number=1, start_date=date(2026, 1, 12), end_date=date(2026, 5, 9)),
        ActionPeriod(number=2, start_date=date(2026, 5, 12), end_date=date(2026, 12, 31)),
    ]


def test_the_steps_come_in_order():
    timeline = build_timeline(collaborative(), sessions(), periods(), date(2026, 3, 1))

    assert [step.title for step in timeline.steps] == [
        "Pre-work",
        "Learning Session 1: Kick-off",
        "Action Period 1",
        "Learning Session 2",
        "Action Period 2",
        "Outcomes",
        "The collaborative ends",
    ]


def test_today_in_an_action_period_marks_it_current():
    timeline = build_timeline(collaborative(), sessions(), periods(), date(2026, 3, 1))

    assert timeline.current.title == "Action Period 1"
    assert timeline.here_before is None
    assert [step.state for step in timeline.steps[:4]] == ["done", "done", "current", "upcoming"]


def test_pre_work_is_current_before_the_first_session():
    timeline = build_timeline(collaborative(), sessions(), periods(), date(2025, 11, 1))

    assert timeline.current.kind == "prework"
    assert timeline.steps[0].end == date(2026, 1, 9)


def test_before_pre_work_the_marker_comes_first():
    timeline = build_timeline(collaborative(), sessions(), periods(), date(2025, 6, 1))

    assert timeline.current is None
    assert timeline.here_before == 0


def test_a_gap_without_action_periods_puts_the_marker_before_the_next_session():
    timeline = build_timeline(collaborative(), sessions(), [], date(2026, 3, 1))

    assert timeline.current is None
    assert timeline.steps[timeline.here_before].title == "Learning Session 2"


def test_without_sessions_the_whole_run_is_one_unscheduled_step():
    timeline = build_timeline(collaborative(), [], [], date(2026, 3, 1))

    assert [step.kind for step in timeline.steps] == ["prework", "unscheduled", "outcomes", "end"]
    assert timeline.current.kind == "unscheduled"
    assert timeline.steps[0].end == date(2025, 12, 31)


def test_after_the_end_everything_is_done():
    timeline = build_timeline(collaborative(), sessions(), periods(), date(2027, 2, 1))

    assert timeline.is_finished
    assert {step.state for step in timeline.steps} == {"done"}


def test_outcomes_follow_the_last_action_period_when_it_ends_early():
    short = [ActionPeriod(number=1, start_date=date(2026, 1, 12), end_date=date(2026, 5, 9))]

    timeline = build_timeline(collaborative(), sessions()[:1], short, date(2026, 8, 1))

    assert timeline.current.kind == "outcomes"
    assert timeline.current.start == date(2026, 5, 10)


def _roles(role: str, count: int) -> list[CollaborativeRole]:
    return [CollaborativeRole(role=role) for _ in range(count)]


def test_it_warns_about_faculty_and_chair_counts():
    c = collaborative(chair_count=2, faculty_count=8)

    warnings = leadership_warnings(
        c, leadership_groups(c, _roles("faculty", 2) + _roles("chair", 2))
    )

    assert warnings == [
        "This collaborative is set up for 8 faculty "
        "(a national collaborative usually has 6 to 8); it has 2."
    ]


def test_a_regional_collaborative_without_chairs_needs_no_chair_warning():
    c = collaborative(kind="regional", chair_count=0, faculty_count=2)

    warnings = leadership_warnings(c, leadership_groups(c, _roles("faculty", 1)))

    assert warnings == [
        "This collaborative is set up for 2 faculty "
        "(a regional collaborative usually has 2); it has 1."
    ]


def test_numbers_are_shown_as_people_write_them():
    from decimal import Decimal

    from collaboratives.selectors.core import plain_number

    assert plain_number(Decimal("70.000")) == "70"
    assert plain_number(Decimal("12.500")) == "12.5"
    assert plain_number(Decimal("100")) == "100"
    assert plain_number(None) == ""
