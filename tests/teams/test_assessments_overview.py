"""The collaborative's progress overview: scores over time side by side, this month's
distribution, the share of teams at 4 or more, and team names per the data-sharing rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from collaboratives.permissions import access_for
from teams.selectors.assessments import latest_faculty_scores, progress_overview
from tests.factories import ProgressAssessmentFactory

pytestmark = pytest.mark.django_db

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
TODAY = date(2026, 5, 20)


def _overview(user, collab, **kwargs):
    from accounts.models import Membership

    with scope(organization=collab.organization):
        membership = Membership.objects.get(user=user, organization=collab.organization)
        access = access_for(user, membership, collab)
        return progress_overview(collab, access, today=TODAY, **kwargs)


@pytest.fixture
def scored(riverside, lakeside):
    ProgressAssessmentFactory(team=riverside, month=MARCH, score=Decimal("3.0"))
    ProgressAssessmentFactory(team=riverside, month=APRIL, score=Decimal("4.0"))
    ProgressAssessmentFactory(team=riverside, month=APRIL, kind="self", score=Decimal("4.5"))
    ProgressAssessmentFactory(team=lakeside, month=MARCH, score=Decimal("2.0"))
    ProgressAssessmentFactory(team=lakeside, month=APRIL, score=Decimal("2.5"))


def test_months_run_from_the_start_to_this_month(fay, collab, scored):
    overview = _overview(fay, collab)

    assert overview.months == [date(2026, month, 1) for month in range(1, 6)]


def test_faculty_and_self_scores_sit_side_by_side(fay, collab, riverside, scored):
    overview = _overview(fay, collab)

    river = next(series for series in overview.teams if series.label == "Riverside")
    april = river.cells[overview.months.index(APRIL)]
    assert (april.faculty, april.self_score) == (Decimal("4.0"), Decimal("4.5"))


def test_the_distribution_counts_the_latest_scored_month(fay, collab, scored):
    overview = _overview(fay, collab)

    counts = {level.score: count for level, count in overview.distribution if count}
    assert overview.month == APRIL
    assert counts == {Decimal("4.0"): 1, Decimal("2.5"): 1}


def test_the_distribution_of_a_chosen_month(fay, collab, scored):
    overview = _overview(fay, collab, month=MARCH)

    counts = {level.score: count for level, count in overview.distribution if count}
    assert counts == {Decimal("3.0"): 1, Decimal("2.0"): 1}


def test_the_share_at_4_or_more_per_month(fay, collab, scored):
    overview = _overview(fay, collab)

    shares = {share.month: share.percent for share in overview.shares if share.scored}
    assert shares == {MARCH: 0, APRIL: 50}


def test_a_faculty_draft_counts_only_for_faculty(fay, erin, collab, riverside, scored):
    ProgressAssessmentFactory(
        team=riverside, month=date(2026, 5, 1), score=Decimal("5"), shared_with_team=False
    )

    faculty_view = _overview(fay, collab)
    team_view = _overview(erin, collab)

    assert faculty_view.month == date(2026, 5, 1)
    assert team_view.month == APRIL


@pytest.mark.parametrize(
    ("sharing", "expected"),
    [
        ("named", ["Lakeside", "Riverside"]),
        ("anonymized", ["Riverside", "Team B"]),
        ("none", ["Riverside"]),
    ],
)
def test_a_team_member_sees_other_teams_per_the_sharing_rule(
    erin, collab, riverside, lakeside, scored, sharing, expected
):
    collab.data_sharing = sharing
    collab.save()

    overview = _overview(erin, collab)

    assert sorted(series.label for series in overview.teams) == expected


def test_faculty_see_names_whatever_the_rule(fay, collab, scored):
    collab.data_sharing = "none"
    collab.save()

    assert sorted(series.label for series in _overview(fay, collab).teams) == [
        "Lakeside",
        "Riverside",
    ]


def test_latest_scores_take_each_teams_last_faculty_score(fay, collab, riverside, scored):
    rows = {row.label: row for row in latest_faculty_scores(_overview(fay, collab))}

    assert (rows["Riverside"].month, rows["Riverside"].score) == (APRIL, Decimal("4.0"))
    assert rows["Riverside"].level == "Significant improvement"


def test_the_page_hides_a_team_the_rule_hides(client, erin, collab, lakeside, scored):
    collab.data_sharing = "none"
    collab.save()
    client.force_login(erin)

    content = client.get("/orgs/org-a/collaboratives/tf-cbt/progress/").content.decode()

    assert "Lakeside" not in content
    assert "Riverside" in content


def test_faculty_see_a_draft_marked_on_the_page(client, fay, collab, riverside, scored):
    ProgressAssessmentFactory(
        team=riverside, month=date(2026, 5, 1), score=Decimal("4.5"), shared_with_team=False
    )
    client.force_login(fay)

    content = client.get("/orgs/org-a/collaboratives/tf-cbt/progress/").content.decode()

    assert "F 4.5" in content
    assert "(draft)" in content
