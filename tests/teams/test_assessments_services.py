"""``teams.services.assessments``: scores on the scale, months of the run, versions,
sharing, the audit trail, archived collaboratives and the scale's lazy wording."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from teams.models import AssessmentScaleLevel, ProgressAssessment
from teams.services import assessments as services
from tests.factories import ProgressAssessmentFactory

pytestmark = pytest.mark.django_db


def _save(team, actor, *, month="2026-03", kind="faculty", version=0, **data):
    data.setdefault("score", "3")
    with scope(organization=team.organization):
        return services.assessment_save(
            team=team, month=month, kind=kind, actor=actor, data=data, expected_version=version
        )


@pytest.mark.parametrize("raw", ["0.5", "1", "2.5", "5", 4, Decimal("3.5")])
def test_it_accepts_every_step_of_the_scale(riverside, fay, raw):
    assessment = _save(riverside, fay, score=raw)

    assert assessment.score == Decimal(str(raw))


@pytest.mark.parametrize("raw", ["0", "5.5", "2.25", "-1", "x", None, True, "Infinity"])
def test_it_refuses_a_score_off_the_scale(riverside, fay, raw):
    with pytest.raises(DomainError) as error:
        _save(riverside, fay, score=raw)

    assert error.value.field == "score"


def test_it_refuses_a_month_before_the_run(riverside, fay):
    with pytest.raises(DomainError) as error:
        _save(riverside, fay, month="2025-12")

    assert error.value.field == "month"


def test_it_refuses_a_month_ahead_of_today(riverside, fay, collab):
    collab.end_date = date(2099, 12, 31)
    collab.save()
    next_year = f"{timezone.localdate().year + 1}-01"

    with pytest.raises(DomainError) as error:
        _save(riverside, fay, month=next_year)

    assert error.value.field == "month"


def test_it_creates_then_changes_with_the_version(org_a, riverside, fay):
    with scope(organization=org_a):
        first = _save(riverside, fay, score="2")
        second = _save(riverside, fay, score="2.5", version=first.version, comments="Better.")

        assert (second.pk, second.version, second.score) == (first.pk, 2, Decimal("2.5"))
        assert [entry.action for entry in AuditEntry.objects.order_by("id")] == [
            "bsc.assessment.created",
            "bsc.assessment.changed",
        ]
        assert AuditEntry.objects.order_by("id").last().data["fields"] == ["comments", "score"]


def test_a_stale_version_raises_and_writes_nothing(org_a, riverside, fay):
    with scope(organization=org_a):
        ProgressAssessmentFactory(team=riverside, score=Decimal("2"), version=5)

        with pytest.raises(services.StaleAssessmentError) as error:
            _save(riverside, fay, score="4", version=4)

        assert error.value.status == 409
        assert ProgressAssessment.objects.get().score == Decimal("2")
        assert not AuditEntry.objects.exists()


def test_an_unchanged_save_writes_nothing(org_a, riverside, fay):
    with scope(organization=org_a):
        first = _save(riverside, fay, score="2", justification="Why")
        again = _save(riverside, fay, score="2.0", justification="Why", version=1)

        assert again.version == first.version == 1
        assert AuditEntry.objects.count() == 1


def test_a_draft_is_stamped_when_shared(riverside, fay):
    draft = _save(riverside, fay, shared_with_team=False)
    assert (draft.shared_with_team, draft.shared_at) == (False, None)

    shared = _save(riverside, fay, shared_with_team=True, version=draft.version)

    assert shared.shared_with_team
    assert shared.shared_at is not None


def test_a_self_score_is_always_visible(riverside, dana):
    assessment = _save(riverside, dana, kind="self", shared_with_team=False)

    assert assessment.shared_with_team


def test_faculty_and_self_scores_of_one_month_are_separate(org_a, riverside, fay, dana):
    with scope(organization=org_a):
        _save(riverside, fay, score="2")
        _save(riverside, dana, kind="self", score="3")

        assert ProgressAssessment.objects.filter(team=riverside).count() == 2


def test_an_archived_collaborative_refuses_scores(riverside, fay, collab):
    collab.archived_at = timezone.now()
    collab.save()
    riverside.collaborative = collab

    with pytest.raises(ConflictError):
        _save(riverside, fay)


def test_the_first_scale_edit_saves_the_whole_scale(org_a, collab, alice):
    with scope(organization=org_a):
        services.scale_update(
            collaborative=collab, actor=alice, levels={"2.5": {"label": "Key measures flat"}}
        )

        levels = {level.score: level.label for level in AssessmentScaleLevel.objects.all()}
        assert len(levels) == 10
        assert levels[Decimal("2.5")] == "Key measures flat"
        assert levels[Decimal("5.0")] == "Outstanding sustainable results"


def test_a_level_needs_a_label(collab, alice):
    with pytest.raises(DomainError) as error:
        services.scale_update(collaborative=collab, actor=alice, levels={"3": {"label": " "}})

    assert error.value.field == "label_3"
    assert not AssessmentScaleLevel.objects.exists()
