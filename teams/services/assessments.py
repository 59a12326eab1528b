"""Writes of progress assessments and of a collaborative's assessment scale.

``assessment_save`` creates or changes one score (faculty or self) for one team
and month. The caller passes the ``version`` it read (0 or None for a new
score): a score that moved on meanwhile raises ``StaleAssessmentError`` (409)
and nothing is written. Every change is in the audit log with the old and the
new values, which is the score's history.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from collaboratives.services.core import ensure_not_archived
from teams.models import AssessmentKind, AssessmentScaleLevel, ProgressAssessment
from teams.models.assessments import MAX_SCORE, MIN_SCORE, SCORE_STEP
from teams.selectors import assessments as selectors
from teams.tasks import send_assessment_shared_email

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from teams.models import Team

TEXT_FIELDS = ("justification", "comments", "suggestions")
MAX_TEXT = 5000
MAX_LABEL = 120
MAX_DESCRIPTION = 1000


class StaleAssessmentError(ConflictError):
    """Someone saved this score after the caller read it. ``assessment`` is the current one."""

    def __init__(self, assessment: ProgressAssessment):
        super().__init__(
            "Someone else saved this score after you opened it. Nothing of yours was saved: "
            "look at their score and enter yours again if it still applies."
        )
        self.assessment = assessment


def clean_score(raw: Any) -> Decimal:
    """A score from input: 0.5 to 5 in steps of 0.5, or ``DomainError`` on ``score``."""
    message = "Choose a score from 0.5 to 5 in steps of 0.5."
    if raw is None or raw == "" or isinstance(raw, bool):
        raise DomainError("Choose a score.", field="score")
    try:
        score = Decimal(str(raw).strip())
    except InvalidOperation:
        raise DomainError(message, field="score") from None
    if not score.is_finite() or score < MIN_SCORE or score > MAX_SCORE or score % SCORE_STEP:
        raise DomainError(message, field="score")
    return score.quantize(Decimal("0.1"))


def clean_month(collaborative: Collaborative, month: Any) -> dt.date:
    if isinstance(month, str):
        month = selectors.parse_month(month)
    if not isinstance(month, dt.date) or month.day != 1:
        raise DomainError("Give the month as YYYY-MM, e.g. 2026-03.", field="month")
    if not selectors.is_assessment_month(collaborative, month):
        raise DomainError(
            f"{collaborative.name} runs from {collaborative.start_date:%B %Y} to "
            f"{collaborative.end_date:%B %Y}; a month ahead of today cannot be scored yet.",
            field="month",
        )
    return month


def _snapshot(assessment: ProgressAssessment) -> dict[str, Any]:
    return {
        "score": selectors.score_text(assessment.score),
        "justification": assessment.justification,
        "comments": assessment.comments,
        "suggestions": assessment.suggestions,
        "shared_with_team": assessment.shared_with_team,
    }


def assessment_save(
    *,
    team: Team,
    month: Any,
    kind: str,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None,
    source: str = "web",
) -> ProgressAssessment:
    """Create or change ``team``'s ``kind`` score for ``month``.

    ``data`` holds ``score`` and optionally ``justification``, ``comments``,
    ``suggestions`` and (faculty only) ``shared_with_team``; missing text keeps
    its saved value. Permission is the caller's business (``assessment_permissions``).
    """
    collaborative = team.collaborative
    ensure_not_archived(collaborative)
    if kind not in AssessmentKind.values:
        raise DomainError("Choose faculty or self.", field="kind")
    month = clean_month(collaborative, month)
    score = clean_score(data.get("score"))
    texts: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if name in data and data[name] is not None:
            text = str(data[name]).strip()
            if len(text) > MAX_TEXT:
                raise DomainError(f"Keep this under {MAX_TEXT} characters.", field=name)
            texts[name] = text
    shared = data.get("shared_with_team")
    with transaction.atomic():
        existing = (
            ProgressAssessment.objects.select_for_update()
            .filter(team=team, month=month, kind=kind)
            .first()
        )
        if existing is None:
            if expected_version:
                raise StaleAssessmentError(_deleted_placeholder(team, month, kind))
            assessment = ProgressAssessment(
                organization_id=team.organization_id,
                collaborative=collaborative,
                team=team,
                month=month,
                kind=kind,
                score=score,
                assessed_by=person_of(actor),
                shared_with_team=True if kind == AssessmentKind.SELF else shared is not False,
                **texts,
            )
            if assessment.shared_with_team and kind == AssessmentKind.FACULTY:
                assessment.shared_at = timezone.now()
            try:
                with transaction.atomic():
                    assessment.save()
            except IntegrityError:
                current = ProgressAssessment.objects.get(team=team, month=month, kind=kind)
                raise StaleAssessmentError(current) from None
            _log(assessment, actor, "created", old=None, source=source)
            if assessment.is_faculty and assessment.shared_with_team:
                _notify_team(assessment)
            return assessment
        existing.team = team
        existing.collaborative = collaborative
        if expected_version is not None and expected_version != existing.version:
            raise StaleAssessmentError(existing)
        old = _snapshot(existing)
        existing.score = score
        for name, text in texts.items():
            setattr(existing, name, text)
        if kind == AssessmentKind.FACULTY and shared is not None:
            existing.shared_with_team = bool(shared)
        if existing.shared_with_team and existing.shared_at is None and existing.is_faculty:
            existing.shared_at = timezone.now()
        if _snapshot(existing) == old:
            return existing
        existing.assessed_by = person_of(actor) or existing.assessed_by
        existing.version += 1
        existing.save()
        _log(existing, actor, "changed", old=old, source=source)
        if (
            existing.is_faculty
            and existing.shared_with_team
            and (not old["shared_with_team"] or old["score"] != _snapshot(existing)["score"])
        ):
            _notify_team(existing)
        return existing


def _notify_team(assessment: ProgressAssessment) -> None:
    """E-mail the team's leads once this save commits: a faculty score was shared with the
    team, or the shared score changed (the task sends each version once)."""
    send_assessment_shared_email.delay_on_commit(
        organization_id=assessment.organization_id,
        assessment_id=assessment.pk,
        version=assessment.version,
    )


def _deleted_placeholder(team: Team, month: dt.date, kind: str) -> ProgressAssessment:
    """An unsaved score standing for "there is none": the caller's version names one that
    does not exist, so they must reload."""
    return ProgressAssessment(
        organization_id=team.organization_id,
        collaborative=team.collaborative,
        team=team,
        month=month,
        kind=kind,
        score=Decimal("0.5"),
        version=0,
    )


def _log(
    assessment: ProgressAssessment,
    actor: Any,
    verb: str,
    *,
    old: dict[str, Any] | None,
    source: str,
) -> None:
    new = _snapshot(assessment)
    changed = sorted(key for key in new if old is None or old[key] != new[key])
    log_action(
        organization=assessment.organization,
        actor=actor,
        action=f"bsc.assessment.{verb}",
        target=assessment,
        data={
            "team": assessment.team.name,
            "month": f"{assessment.month:%Y-%m}",
            "kind": assessment.kind,
            "score": new["score"],
            "old_score": old["score"] if old else None,
            "fields": changed,
            "old": {key: old[key] for key in changed} if old else {},
            "new": {key: new[key] for key in changed},
            "source": source,
        },
    )


# --- The scale ---------------------------------------------------------------------


def scale_update(
    *, collaborative: Collaborative, actor: Any, levels: dict[Any, dict[str, str]]
) -> list[AssessmentScaleLevel]:
    """Reword levels: ``{score: {"label": ..., "description": ...}}``.

    The first edit saves the whole scale (the IHI wording for the levels not
    given), so later reads come from the database.
    """
    ensure_not_archived(collaborative)
    cleaned: dict[Decimal, dict[str, str]] = {}
    for raw_score, words in levels.items():
        try:
            score = clean_score(raw_score)
        except DomainError:
            raise DomainError(
                f"{raw_score} is not a level of the scale (0.5 to 5 in steps of 0.5).",
                field="score",
            ) from None
        label = str(words.get("label", "")).strip()
        field = f"label_{selectors.score_text(score)}"
        if not label:
            raise DomainError("Give each level a short label.", field=field)
        if len(label) > MAX_LABEL:
            raise DomainError(f"Keep the label under {MAX_LABEL} characters.", field=field)
        description = str(words.get("description", "") or "").strip()
        if len(description) > MAX_DESCRIPTION:
            raise DomainError(
                f"Keep the description under {MAX_DESCRIPTION} characters.",
                field=f"description_{selectors.score_text(score)}",
            )
        cleaned[score] = {"label": label, "description": description}
    with transaction.atomic():
        current = selectors.scale_levels(collaborative)
        changes = []
        for level in current:
            words = cleaned.get(level.score)
            is_new = level.pk is None
            if words and (words["label"], words["description"]) != (
                level.label,
                level.description,
            ):
                changes.append(
                    {
                        "score": selectors.score_text(level.score),
                        "old": level.label,
                        "new": words["label"],
                    }
                )
                level.label = words["label"]
                level.description = words["description"]
                level.save()
            elif is_new:
                level.save()
        if changes:
            log_action(
                organization=collaborative.organization,
                actor=actor,
                action="bsc.assessment.scale_changed",
                target=collaborative,
                data={"collaborative": collaborative.name, "levels": changes},
            )
    return current
