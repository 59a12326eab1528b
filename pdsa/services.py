"""Writes of PDSA cycles: create, change a stage, move status, start the next cycle of a
ramp, delete a draft, attach files. Shared by the pages and the API.

Every change is kept in ``PDSACycleChange`` (who changed which fields, from what to
what) and in the audit log. Saves are optimistic: the caller passes the
``version`` it read, and a cycle that has moved on since answers
``StaleCycleError`` with nothing written.

Moving status is humane: any move is allowed, except that "done" needs an Act
decision (adopt, adapt or abandon). Starting a test sets its start day, ending
it its finish day, unless the team gave them.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import ChangeIdea
from collaboratives.services.core import ensure_not_archived
from collaboratives.uploads import check_upload, display_name
from measures import charting
from measures.models import Measure
from pdsa.models import (
    STATUS_ORDER,
    AsPlanned,
    CycleStatus,
    Decision,
    PDSAAttachment,
    PDSACycle,
    PDSACycleChange,
)
from teams.models import TeamStatus

if TYPE_CHECKING:
    from teams.models import Team

PLAN_FIELDS = (
    "title",
    "change_idea",
    "other_idea_note",
    "measures",
    "builds_on",
    "objective",
    "questions",
    "predictions",
    "who",
    "what",
    "where",
    "when_text",
    "planned_start",
    "planned_end",
    "scale",
    "data_to_collect",
)
DO_FIELDS = ("carried_out_as_planned", "observations", "problems", "started_on")
STUDY_FIELDS = ("results", "learned")
ACT_FIELDS = ("decision", "next_steps", "finished_on")
STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "plan": PLAN_FIELDS,
    "do": DO_FIELDS,
    "study": STUDY_FIELDS,
    "act": ACT_FIELDS,
}
ALL_FIELDS = PLAN_FIELDS + DO_FIELDS + STUDY_FIELDS + ACT_FIELDS
# The status a stage's work puts a cycle in, when it is not that far yet.
STAGE_STATUS = {
    "do": CycleStatus.RUNNING,
    "study": CycleStatus.STUDYING,
    "act": CycleStatus.DONE,
}
TEXT_LIMITS = {
    "title": 200,
    "other_idea_note": 300,
    "who": 300,
    "where": 300,
    "when_text": 300,
    "scale": 200,
}
LONG_TEXT_LIMIT = 20000
DONE_NEEDS_DECISION = (
    "Choose the Act decision (adopt, adapt or abandon) before marking the cycle done."
)


class CycleErrors(DomainError):
    """Several fields at fault at once: ``errors`` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        field_name, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=field_name)
        self.errors = errors


class StaleCycleError(ConflictError):
    """Someone saved the cycle after the caller read it. ``cycle`` is the current one."""

    def __init__(self, cycle: PDSACycle):
        super().__init__(
            "Someone else saved this cycle after you opened it. Nothing of yours was saved: "
            "look at their changes and enter yours again."
        )
        self.cycle = cycle


# --- Cleaning input -----------------------------------------------------------------


def _date(value: Any, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(name, []).append("Enter a date as YYYY-MM-DD.")
        return None


def _pk(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def allowed_measures(team: Team) -> Any:
    """The measures a team's cycle may name: the collaborative's and the team's own."""
    return Measure.objects.filter(
        Q(team__isnull=True) | Q(team=team),
        collaborative_id=team.collaborative_id,
        archived_at__isnull=True,
    )


def _clean(team: Team, cycle: PDSACycle | None, data: dict[str, Any]) -> dict[str, Any]:
    """Turn raw input into model values; every problem is collected, then raised at once."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(ALL_FIELDS))
    for name in unknown:
        errors.setdefault(name, []).append("Not a part of a PDSA cycle.")
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        if name in unknown:
            continue
        if name == "change_idea":
            pk = _pk(value)
            if pk is None:
                cleaned[name] = None
                continue
            idea = ChangeIdea.objects.filter(collaborative_id=team.collaborative_id, pk=pk).first()
            if idea is None:
                errors.setdefault(name, []).append(
                    "Choose a change idea of this collaborative's change package."
                )
            cleaned[name] = idea
        elif name == "builds_on":
            pk = _pk(value)
            if pk is None:
                cleaned[name] = None
                continue
            earlier = PDSACycle.objects.filter(team=team, pk=pk).first()
            if earlier is None:
                errors.setdefault(name, []).append("Choose an earlier cycle of this team.")
            elif cycle is not None and _would_loop(cycle, earlier):
                errors.setdefault(name, []).append(
                    "A cycle cannot build on itself or on a cycle that builds on it."
                )
            cleaned[name] = earlier
        elif name == "measures":
            pks = [_pk(item) for item in (value or [])]
            found = list(allowed_measures(team).filter(pk__in=[pk for pk in pks if pk]))
            if len(found) != len(set(pks)):
                errors.setdefault(name, []).append(
                    "Choose measures of this collaborative or of the team's own."
                )
            cleaned[name] = found
        elif name in ("planned_start", "planned_end", "started_on", "finished_on"):
            cleaned[name] = _date(value, name, errors)
        elif name == "carried_out_as_planned":
            value = value or ""
            if value and value not in AsPlanned.values:
                errors.setdefault(name, []).append("Choose yes, partly or no.")
            cleaned[name] = value
        elif name == "decision":
            value = value or ""
            if value and value not in Decision.values:
                errors.setdefault(name, []).append("Choose adopt, adapt or abandon.")
            cleaned[name] = value
        else:
            text = "" if value is None else str(value).strip()
            limit = TEXT_LIMITS.get(name, LONG_TEXT_LIMIT)
            if len(text) > limit:
                errors.setdefault(name, []).append(f"Keep this under {limit} characters.")
            cleaned[name] = text
    if "title" in cleaned and not cleaned["title"]:
        errors.setdefault("title", []).append("Give the cycle a short title.")

    def final(name: str) -> Any:
        if name in cleaned:
            return cleaned[name]
        return getattr(cycle, name, None) if cycle is not None else None

    start, end = final("planned_start"), final("planned_end")
    if start and end and end < start:
        errors.setdefault("planned_end", []).append("The planned end is before the start.")
    started, finished = final("started_on"), final("finished_on")
    if started and finished and finished < started:
        errors.setdefault("finished_on", []).append("The cycle cannot end before it started.")
    if errors:
        raise CycleErrors(errors)
    return cleaned


def _would_loop(cycle: PDSACycle, earlier: PDSACycle) -> bool:
    seen: set[int] = set()
    current: PDSACycle | None = earlier
    while current is not None and current.pk not in seen:
        if current.pk == cycle.pk:
            return True
        seen.add(current.pk)
        current = (
            PDSACycle.objects.filter(pk=current.builds_on_id).first()
            if current.builds_on_id
            else None
        )
    return False


def _shown(name: str, value: Any) -> Any:
    """A field's value as the history keeps it: text, ISO dates, names of linked things."""
    if value is None:
        return ""
    if name == "measures":
        return sorted(measure.name for measure in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _current(cycle: PDSACycle, name: str) -> Any:
    if name == "measures":
        return list(cycle.measures.all()) if cycle.pk else []
    return getattr(cycle, name)


def _ensure_writable(team: Team) -> None:
    ensure_not_archived(team.collaborative)
    if team.status == TeamStatus.WITHDRAWN:
        raise ConflictError(
            f"{team.name} has withdrawn from the collaborative; its tracker is closed."
        )


# --- Writes -------------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *, team: Team, actor: Any, data: dict[str, Any], source: str = "form"
) -> PDSACycle:
    """Plan a new cycle for ``team``. ``data`` holds any of the cycle's fields; a title is
    required. The cycle starts as planned unless ``status`` says otherwise later."""
    _ensure_writable(team)
    data = dict(data)
    data.setdefault("title", "")
    cleaned = _clean(team, None, data)
    person = person_of(actor)
    measures = cleaned.pop("measures", [])
    cycle = PDSACycle(
        organization_id=team.organization_id,
        collaborative_id=team.collaborative_id,
        team=team,
        created_by=person,
        updated_by=person,
        **cleaned,
    )
    cycle.save()
    if measures:
        cycle.measures.set(measures)
    new = {name: _shown(name, value) for name, value in cleaned.items() if value not in ("", None)}
    if measures:
        new["measures"] = _shown("measures", measures)
    PDSACycleChange.objects.create(
        organization_id=cycle.organization_id,
        cycle=cycle,
        changed_by=person,
        stage="created",
        new=new,
        source=source,
    )
    log_action(
        organization=team.collaborative.organization,
        actor=actor,
        action="bsc.pdsa.cycle_created",
        target=cycle,
        data={"title": cycle.title, "team": team.name, "source": source},
    )
    charting.cycle_changed(cycle)
    return cycle


def _locked(cycle: PDSACycle, version: int | None) -> PDSACycle:
    current = PDSACycle.objects.select_for_update().select_related("team").get(pk=cycle.pk)
    if version is not None and current.version != version:
        raise StaleCycleError(current)
    current.team.collaborative = cycle.team.collaborative
    return current


def _bump(current: PDSACycle, person: Any, **fields: Any) -> None:
    # The conditional update guards against a writer who passed the version check in the
    # same instant (SQLite has no row locks).
    updated = PDSACycle.objects.filter(pk=current.pk, version=current.version).update(
        version=F("version") + 1, updated_by=person, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleCycleError(PDSACycle.objects.get(pk=current.pk))


def _status_fields(current: PDSACycle, status: str, *, decision: str, today: dt.date) -> dict:
    """The fields a move to ``status`` sets, or a ``DomainError`` if the move is refused."""
    if status not in CycleStatus.values:
        raise DomainError(f"Choose one of: {', '.join(CycleStatus.values)}.", field="status")
    fields: dict[str, Any] = {"status": status}
    if status == CycleStatus.DONE and not decision:
        raise DomainError(DONE_NEEDS_DECISION, field="decision")
    if STATUS_ORDER[status] >= STATUS_ORDER[CycleStatus.RUNNING] and not current.started_on:
        fields["started_on"] = today
    if status == CycleStatus.DONE and not current.finished_on:
        fields["finished_on"] = max(today, current.started_on or today)
    if status != CycleStatus.DONE and current.finished_on:
        fields["finished_on"] = None
    return fields


@transaction.atomic
def cycle_update(
    *,
    cycle: PDSACycle,
    actor: Any,
    data: dict[str, Any],
    version: int | None,
    stage: str = "edit",
    advance: bool = False,
    source: str = "form",
) -> PDSACycle:
    """Save some of a cycle's fields (one stage's form, or any fields from the API).

    With ``advance`` a stage's work moves the cycle forward to that stage's status
    (Do: running, Study: studying, Act with a decision: done); never backward.
    Nothing that did not change is written, so repeating a request is harmless.
    """
    team = cycle.team
    _ensure_writable(team)
    current = _locked(cycle, version)
    cleaned = _clean(team, current, data)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    plain: dict[str, Any] = {}
    measures = None
    earlier_measure_ids: list[int] = []
    for name, value in cleaned.items():
        before = _current(current, name)
        if name == "measures":
            if {m.pk for m in before} != {m.pk for m in value}:
                measures = value
                earlier_measure_ids = [m.pk for m in before]
                old[name], new[name] = _shown(name, before), _shown(name, value)
            continue
        if before != value:
            old[name], new[name] = _shown(name, before), _shown(name, value)
            plain[name] = value
    moved_to = None
    target = STAGE_STATUS.get(stage) if advance else None
    has_content = any(
        (cleaned.get(name) if name in cleaned else getattr(current, name))
        for name in STAGE_FIELDS.get(stage, ())
        if name not in ("started_on", "finished_on")
    )
    decision = plain.get("decision", current.decision)
    if (
        target
        and has_content
        and STATUS_ORDER[target] > STATUS_ORDER[current.status]
        and (target != CycleStatus.DONE or decision)
    ):
        merged = PDSACycle(started_on=plain.get("started_on", current.started_on))
        merged.finished_on = plain.get("finished_on", current.finished_on)
        for name, value in _status_fields(
            merged, target, decision=decision, today=timezone.localdate()
        ).items():
            if name not in plain:
                plain[name] = value
        moved_to = target
        old["status"], new["status"] = current.status, target
    if current.status == CycleStatus.DONE and "decision" in plain and not plain["decision"]:
        raise DomainError(
            "A finished cycle keeps its decision; move it back to studying to clear it.",
            field="decision",
        )
    if not old:
        return current
    _bump(current, person_of(actor), **plain)
    if measures is not None:
        current.measures.set(measures)
    _record(current, actor, stage, old, new, source)
    if moved_to:
        _log_move(current, actor, moved_to, source)
    charting.cycle_changed(current, fields=new, earlier_measure_ids=earlier_measure_ids)
    return _fresh(current, cycle)


def _fresh(current: PDSACycle, original: PDSACycle) -> PDSACycle:
    fresh = PDSACycle.objects.select_related("team", "change_idea", "builds_on").get(pk=current.pk)
    fresh.team.collaborative = original.team.collaborative
    return fresh


def _record(cycle: PDSACycle, actor: Any, stage: str, old: dict, new: dict, source: str) -> None:
    PDSACycleChange.objects.create(
        organization_id=cycle.organization_id,
        cycle=cycle,
        changed_by=person_of(actor),
        stage=stage,
        old=old,
        new=new,
        source=source,
    )
    log_action(
        organization=cycle.team.collaborative.organization,
        actor=actor,
        action="bsc.pdsa.cycle_changed",
        target=cycle,
        data={
            "title": cycle.title,
            "team": cycle.team.name,
            "stage": stage,
            "fields": ", ".join(sorted(new)),
            "source": source,
        },
    )


def _log_move(cycle: PDSACycle, actor: Any, status: str, source: str) -> None:
    log_action(
        organization=cycle.team.collaborative.organization,
        actor=actor,
        action="bsc.pdsa.cycle_moved",
        target=cycle,
        data={
            "title": cycle.title,
            "team": cycle.team.name,
            "status": CycleStatus(status).label,
            "source": source,
        },
    )


@transaction.atomic
def cycle_move(
    *,
    cycle: PDSACycle,
    actor: Any,
    status: str,
    version: int | None,
    source: str = "form",
) -> PDSACycle:
    """Move a cycle to ``status``. Done needs an Act decision; starting sets the start day."""
    team = cycle.team
    _ensure_writable(team)
    current = _locked(cycle, version)
    if status == current.status:
        return current
    fields = _status_fields(current, status, decision=current.decision, today=timezone.localdate())
    old = {name: _shown(name, getattr(current, name)) for name in fields}
    new = {name: _shown(name, value) for name, value in fields.items()}
    _bump(current, person_of(actor), **fields)
    _record(current, actor, "status", old, new, source)
    _log_move(current, actor, status, source)
    charting.cycle_changed(current, fields=new)
    return _fresh(current, cycle)


_NUMBER_WORDS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "ten": 10,
}
_TIME_STEPS = {"day": "week", "days": "weeks", "week": "month", "weeks": "months"}
_SCALE_PART = re.compile(r"\b(\d+|one|a|an|single|two|three|four|five|six|ten)\s+([a-z]+)", re.I)


def suggest_next_scale(scale: str) -> str:
    """A wider test than ``scale``: three times the people, the next unit of time.

    "one clinician, one day" -> "3 clinicians, one week". Returns "" when the
    scale says nothing countable, so the team writes its own.
    """
    if not scale:
        return ""
    changed = False

    def widen(match: re.Match[str]) -> str:
        nonlocal changed
        count_text, noun = match.group(1), match.group(2)
        lower = noun.lower()
        if lower in _TIME_STEPS:
            changed = True
            unit = _TIME_STEPS[lower]
            return f"{count_text} {unit}"
        if lower in ("month", "months"):
            return match.group(0)
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text.lower()]
        changed = True
        plural = noun if noun.endswith("s") or count * 3 == 1 else _plural(noun)
        return f"{count * 3} {plural}"

    suggestion = _SCALE_PART.sub(widen, scale)
    return suggestion if changed else ""


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def _next_title(title: str, step: int) -> str:
    base = re.sub(r"\s*\(cycle \d+\)$", "", title)
    return f"{base} (cycle {step})"[:200]


def ramp_position(cycle: PDSACycle) -> int:
    """1 for a first test, 2 for one that builds on it, and so on."""
    position, seen = 1, {cycle.pk}
    current = cycle
    while current.builds_on_id and current.builds_on_id not in seen:
        seen.add(current.builds_on_id)
        earlier = PDSACycle.objects.filter(pk=current.builds_on_id).first()
        if earlier is None:
            break
        position += 1
        current = earlier
    return position


@transaction.atomic
def cycle_start_next(*, cycle: PDSACycle, actor: Any, source: str = "form") -> PDSACycle:
    """Plan the next cycle of the ramp: the same idea and measures, building on ``cycle``,
    at a wider scale when one can be suggested; what was learned goes into its objective."""
    team = cycle.team
    data: dict[str, Any] = {
        "title": _next_title(cycle.title, ramp_position(cycle) + 1),
        "change_idea": cycle.change_idea_id,
        "other_idea_note": cycle.other_idea_note,
        "measures": [measure.pk for measure in cycle.measures.all()],
        "builds_on": cycle.pk,
        "scale": suggest_next_scale(cycle.scale) or cycle.scale,
        "who": cycle.who,
        "where": cycle.where,
        "data_to_collect": cycle.data_to_collect,
    }
    if cycle.next_steps:
        data["objective"] = cycle.next_steps
    return cycle_create(team=team, actor=actor, data=data, source=source)


@transaction.atomic
def cycle_delete(*, cycle: PDSACycle, actor: Any) -> None:
    """Delete a draft: a cycle still planned, which no other cycle builds on."""
    team = cycle.team
    _ensure_writable(team)
    if cycle.status != CycleStatus.PLANNED:
        raise ConflictError(
            "Only a cycle still being planned can be deleted; a test that ran is part of "
            "the team's record."
        )
    if cycle.next_cycles.exists():
        raise ConflictError("Another cycle builds on this one, so it stays in the ramp.")
    log_action(
        organization=team.collaborative.organization,
        actor=actor,
        action="bsc.pdsa.cycle_deleted",
        target=cycle,
        data={"title": cycle.title, "team": team.name},
    )
    for attachment in cycle.attachments.all():
        _delete_file_on_commit(attachment.file.storage, attachment.file.name)
    charting.cycle_changed(cycle)
    cycle.delete()


def _delete_file_on_commit(storage: Any, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attachment_add(
    *, cycle: PDSACycle, actor: Any, upload: UploadedFile, description: str = ""
) -> PDSAAttachment:
    """Keep a file with the cycle: a PDF or an image, judged by its content."""
    team = cycle.team
    _ensure_writable(team)
    checked = check_upload(upload, name=upload.name or "", size=upload.size)
    description = (description or "").strip()
    if len(description) > 200:
        raise DomainError("Keep the description under 200 characters.", field="description")
    attachment = PDSAAttachment(
        organization_id=cycle.organization_id,
        cycle=cycle,
        file_name=checked.file_name,
        content_type=checked.content_type,
        size=checked.size,
        description=description,
        uploaded_by=person_of(actor),
    )
    # A random name in storage: the uploader's name is kept only as file_name.
    attachment.file.save(f"{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    data = {"title": cycle.title, "team": team.name, "file_name": attachment.file_name}
    if checked.renamed:
        data["uploaded_as"] = display_name(upload.name or "")
    log_action(
        organization=team.collaborative.organization,
        actor=actor,
        action="bsc.pdsa.attachment_added",
        target=cycle,
        data=data,
    )
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: PDSAAttachment, actor: Any) -> None:
    cycle = attachment.cycle
    _ensure_writable(cycle.team)
    log_action(
        organization=cycle.team.collaborative.organization,
        actor=actor,
        action="bsc.pdsa.attachment_removed",
        target=cycle,
        data={"title": cycle.title, "team": cycle.team.name, "file_name": attachment.file_name},
    )
    _delete_file_on_commit(attachment.file.storage, attachment.file.name)
    attachment.delete()
