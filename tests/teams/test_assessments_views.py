"""The progress pages: faculty score a team (sheet and team page), the team sees shared
scores with the feedback and enters its self-score, drafts stay with faculty, staff
reword the scale, and user text is shown as text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from bsc.audit import AuditEntry
from teams.models import AssessmentScaleLevel, ProgressAssessment
from tests.factories import ProgressAssessmentFactory

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


def _base(collab) -> str:
    return f"/orgs/org-a/collaboratives/{collab.slug}/"


def _team_url(collab, team) -> str:
    return f"{_base(collab)}teams/{team.pk}/progress/"


def _faculty_post(**overrides):
    data = {
        "kind": "faculty",
        "faculty-version": "0",
        "faculty-month": "2026-03",
        "faculty-score": "2.5",
        "faculty-justification": "Three cycles on reminder calls.",
        "faculty-comments": "Good testing rhythm.",
        "faculty-suggestions": "Try texting caregivers.",
        "faculty-shared_with_team": "on",
    }
    data.update(overrides)
    return data


def test_faculty_score_a_team_from_its_page(client, fay, riverside, collab):
    client.force_login(fay)

    response = client.post(_team_url(collab, riverside), _faculty_post())

    assert response.status_code == 302
    with scopes_disabled():
        saved = ProgressAssessment.objects.get(team=riverside, month=MARCH, kind="faculty")
        assert saved.score == Decimal("2.5")
        assert saved.comments == "Good testing rhythm."
        assert saved.assessed_by == fay
        assert AuditEntry.objects.filter(action="bsc.assessment.created").count() == 1


def test_the_team_sees_the_shared_score_with_comments_and_suggestions(client, erin, riverside):
    ProgressAssessmentFactory(
        team=riverside, comments="Good testing rhythm.", suggestions="Try texting caregivers."
    )
    client.force_login(erin)

    response = client.get(_team_url(riverside.collaborative, riverside))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Good testing rhythm." in content
    assert "Try texting caregivers." in content
    assert "Changes tested but no improvement" in content


def test_the_team_does_not_see_a_faculty_draft(client, erin, riverside):
    ProgressAssessmentFactory(team=riverside, comments="Secret draft note", shared_with_team=False)
    client.force_login(erin)

    response = client.get(_team_url(riverside.collaborative, riverside))

    assert "Secret draft note" not in response.content.decode()


def test_faculty_see_their_draft_marked_as_not_shared(client, fay, riverside):
    ProgressAssessmentFactory(team=riverside, comments="Secret draft note", shared_with_team=False)
    client.force_login(fay)

    response = client.get(_team_url(riverside.collaborative, riverside))

    content = response.content.decode()
    assert "Secret draft note" in content
    assert "Draft: not shared with the team" in content


def test_the_lead_enters_a_self_score(client, dana, riverside, collab):
    client.force_login(dana)

    response = client.post(
        _team_url(collab, riverside),
        {
            "kind": "self",
            "self-version": "0",
            "self-month": "2026-03",
            "self-score": "3.0",
            "self-justification": "Our completion rose.",
        },
    )

    assert response.status_code == 302
    with scopes_disabled():
        saved = ProgressAssessment.objects.get(team=riverside, kind="self")
        assert (saved.score, saved.justification) == (Decimal("3.0"), "Our completion rose.")


def test_a_clinician_cannot_enter_the_self_score(client, erin, riverside, collab):
    client.force_login(erin)

    response = client.post(
        _team_url(collab, riverside),
        {"kind": "self", "self-version": "0", "self-month": "2026-03", "self-score": "3.0"},
    )

    assert response.status_code == 403


def test_a_lead_cannot_enter_a_faculty_score(client, dana, riverside, collab):
    client.force_login(dana)

    response = client.post(_team_url(collab, riverside), _faculty_post())

    assert response.status_code == 403
    with scopes_disabled():
        assert not ProgressAssessment.objects.exists()


def test_a_score_off_the_scale_is_refused_on_the_field(client, fay, riverside, collab):
    client.force_login(fay)

    response = client.post(_team_url(collab, riverside), _faculty_post(**{"faculty-score": "4.2"}))

    assert response.status_code == 400
    assert response.context["faculty_form"].errors["score"]
    with scopes_disabled():
        assert not ProgressAssessment.objects.exists()


def test_the_field_in_error_is_marked_for_screen_readers(client, fay, riverside, collab):
    client.force_login(fay)

    response = client.post(_team_url(collab, riverside), _faculty_post(**{"faculty-score": ""}))

    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_faculty-score-errors"' in content
    assert 'id="id_faculty-score-errors"' in content


def test_a_month_ahead_of_the_run_is_refused(client, fay, riverside, collab):
    client.force_login(fay)

    response = client.post(
        _team_url(collab, riverside), _faculty_post(**{"faculty-month": "2030-01"})
    )

    assert response.status_code == 400
    assert response.context["faculty_form"].errors["month"]


def test_a_stale_version_saves_nothing(client, fay, riverside, collab):
    ProgressAssessmentFactory(team=riverside, score=Decimal("2.0"), version=3)
    client.force_login(fay)

    response = client.post(
        _team_url(collab, riverside),
        _faculty_post(**{"faculty-version": "2", "faculty-score": "4.0"}),
        follow=True,
    )

    assert "Someone else saved this score" in response.content.decode()
    with scopes_disabled():
        assert ProgressAssessment.objects.get(team=riverside).score == Decimal("2.0")


def test_script_in_feedback_is_shown_as_text(client, erin, riverside):
    ProgressAssessmentFactory(
        team=riverside, comments="<script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    client.force_login(erin)

    content = client.get(_team_url(riverside.collaborative, riverside)).content.decode()

    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_sheet_lists_every_active_team_for_the_month(client, fay, riverside, lakeside, collab):
    ProgressAssessmentFactory(team=lakeside, score=Decimal("3.5"))
    client.force_login(fay)

    response = client.get(f"{_base(collab)}progress/scoring/?month=2026-03")

    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="team-{riverside.pk}"' in content
    assert "Scored 3.5" in content
    assert "1 of 2 teams scored" in content


def test_saving_from_the_sheet_returns_to_the_teams_card(client, fay, riverside, collab):
    client.force_login(fay)
    prefix = f"team{riverside.pk}"

    response = client.post(
        _team_url(collab, riverside),
        {
            "kind": "faculty",
            "next": "sheet",
            f"{prefix}-version": "0",
            f"{prefix}-month": "2026-03",
            f"{prefix}-score": "1.5",
        },
    )

    assert response.status_code == 302
    assert response.url.endswith(f"progress/scoring/?month=2026-03#team-{riverside.pk}")
    with scopes_disabled():
        assert ProgressAssessment.objects.get(team=riverside).score == Decimal("1.5")


def test_the_sheet_is_for_faculty_only(client, dana, collab):
    client.force_login(dana)

    assert client.get(f"{_base(collab)}progress/scoring/").status_code == 403


def test_the_scale_shows_the_ihi_wording_by_default(client, erin, collab):
    client.force_login(erin)

    content = client.get(f"{_base(collab)}progress/scale/").content.decode()

    assert "Outstanding sustainable results" in content
    assert "Intent to participate" in content


def test_staff_reword_a_level(client, alice, collab):
    client.force_login(alice)
    data = {}
    from teams.models.assessments import DEFAULT_SCALE
    from teams.selectors.assessments import score_text

    for score, label, description in DEFAULT_SCALE:
        data[f"label_{score_text(score)}"] = label
        data[f"description_{score_text(score)}"] = description
    data["label_2.5"] = "Changes tested, key measures flat"

    response = client.post(f"{_base(collab)}progress/scale/", data)

    assert response.status_code == 302
    with scopes_disabled():
        assert AssessmentScaleLevel.objects.filter(collaborative=collab).count() == 10
        level = AssessmentScaleLevel.objects.get(collaborative=collab, score=Decimal("2.5"))
        assert level.label == "Changes tested, key measures flat"
        assert AuditEntry.objects.filter(action="bsc.assessment.scale_changed").exists()


def test_faculty_cannot_reword_the_scale(client, fay, collab):
    client.force_login(fay)

    assert client.post(f"{_base(collab)}progress/scale/", {}).status_code == 403
