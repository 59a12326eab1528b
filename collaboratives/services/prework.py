"""Writes to pre-work: assignments, and each team's completion of them.

Staff set the assignments (readings, the organizational readiness
assessment, training videos, the storyboard); a team marks one done with a
note and, where the assignment asks for it, a file. Files are checked by
content in ``collaboratives.uploads`` before anything is written, stored
under a random name (never the uploader's), and removed from storage only
once the transaction that dropped them has committed.

Every service runs in one transaction, refuses changes to an archived
collaborative, and writes an audit entry (``bsc.prework.*``).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import Assignment, AssignmentCompletion, AssignmentKind, Collaborative
from collaboratives.services.change_package import UNSET, counted
from collaboratives.services.core import ensure_not_archived
from collaboratives.uploads import check_upload, display_name
from teams.models import Team, TeamStatus


def _delete_file_on_commit(storage: Storage, name: str) -> None:
    """Remove a stored file once the change that dropped it is committed (never before)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Assignments ----------------------------------------------------------------------


def _clean_assignment(
    collaborative: Collaborative, values: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    """Check the given fields; return them cleaned. Missing ones are left out when ``partial``."""
    cleaned: dict[str, Any] = {}
    if "kind" in values or not partial:
        kind = values.get("kind")
        if kind not in AssignmentKind.values:
            raise DomainError(
                "Choose what kind of assignment this is: "
                + ", ".join(label.lower() for label in AssignmentKind.labels)
                + ".",
                field="kind",
            )
        cleaned["kind"] = kind
    if "title" in values or not partial:
        title = (values.get("title") or "").strip()
        if not title:
            raise DomainError("Enter a title.", field="title")
        max_length = Assignment._meta.get_field("title").max_length
        if len(title) > max_length:
            raise DomainError(
                f"The title is {len(title)} characters long; keep it to {max_length}.",
                field="title",
            )
        cleaned["title"] = title
    if "instructions" in values or not partial:
        cleaned["instructions"] = (values.get("instructions") or "").strip()
    if "url" in values or not partial:
        url = (values.get("url") or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise DomainError(
                    "Enter a full web address, starting with https://.", field="url"
                ) from None
            if len(url) > Assignment._meta.get_field("url").max_length:
                raise DomainError("That web address is too long.", field="url")
        cleaned["url"] = url
    if "due_date" in values or not partial:
        due_date = values.get("due_date")
        if due_date is not None and not isinstance(due_date, date):
            raise DomainError("Enter the due date as a date.", field="due_date")
        if due_date is not None and due_date > collaborative.end_date:
            raise DomainError(
                f"The due date is after the collaborative ends "
                f"({collaborative.end_date:%-d %b %Y}). Choose an earlier date.",
                field="due_date",
            )
        cleaned["due_date"] = due_date
    if "requires_upload" in values or not partial:
        cleaned["requires_upload"] = bool(values.get("requires_upload"))
    return cleaned


@transaction.atomic
def assignment_create(
    *,
    collaborative: Collaborative,
    kind: str,
    title: str,
    instructions: str = "",
    url: str = "",
    due_date: date | None = None,
    requires_upload: bool = False,
    actor: Any,
) -> Assignment:
    ensure_not_archived(collaborative)
    cleaned = _clean_assignment(
        collaborative,
        {
            "kind": kind,
            "title": title,
            "instructions": instructions,
            "url": url,
            "due_date": due_date,
            "requires_upload": requires_upload,
        },
        partial=False,
    )
    last = Assignment.objects.filter(collaborative=collaborative).aggregate(last=Max("order"))
    assignment = Assignment.objects.create(
        organization_id=collaborative.organization_id,
        collaborative=collaborative,
        order=0 if last["last"] is None else last["last"] + 1,
        **cleaned,
    )
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.prework.assignment_created",
        target=assignment,
        data={
            "title": assignment.title,
            "kind": assignment.kind,
            "due_date": assignment.due_date.isoformat() if assignment.due_date else None,
            "collaborative": collaborative.name,
        },
    )
    return assignment


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    actor: Any,
    kind: str = UNSET,
    title: str = UNSET,
    instructions: str = UNSET,
    url: str = UNSET,
    due_date: date | None = UNSET,
    requires_upload: bool = UNSET,
) -> Assignment:
    """Change the given fields; those not passed stay as they are."""
    collaborative = assignment.collaborative
    ensure_not_archived(collaborative)
    given = {
        name: value
        for name, value in {
            "kind": kind,
            "title": title,
            "instructions": instructions,
            "url": url,
            "due_date": due_date,
            "requires_upload": requires_upload,
        }.items()
        if value is not UNSET
    }
    cleaned = _clean_assignment(collaborative, given, partial=True)
    changes: dict[str, list[Any]] = {}
    for name, value in cleaned.items():
        old = getattr(assignment, name)
        if old != value:
            changes[name] = [_audit_value(old), _audit_value(value)]
            setattr(assignment, name, value)
    if changes:
        assignment.save(update_fields=list(changes))
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.prework.assignment_changed",
            target=assignment,
            data={
                "title": assignment.title,
                "changes": changes,
                "collaborative": collaborative.name,
            },
        )
    return assignment


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def assignment_delete(
    *, assignment: Assignment, actor: Any, delete_completions: bool = False
) -> None:
    """Delete an assignment. Once teams have done it, only with ``delete_completions``
    confirming that their completions and files go too."""
    collaborative = assignment.collaborative
    ensure_not_archived(collaborative)
    completions = list(
        AssignmentCompletion.objects.select_for_update().filter(assignment=assignment)
    )
    if completions and not delete_completions:
        raise ConflictError(
            f"{counted(len(completions), 'team')} already did “{assignment.title}”. Deleting it "
            "also deletes their completions and the files they handed in; confirm to go ahead."
        )
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.prework.assignment_deleted",
        target=assignment,
        data={
            "title": assignment.title,
            "completions": len(completions),
            "collaborative": collaborative.name,
        },
    )
    for completion in completions:
        _delete_file_on_commit(completion.file.storage, completion.file.name)
    assignment.delete()


# --- Completions ----------------------------------------------------------------------


@transaction.atomic
def completion_mark(
    *,
    assignment: Assignment,
    team: Team,
    actor: Any,
    note: str | None = None,
    upload: UploadedFile | None = None,
) -> AssignmentCompletion:
    """Mark ``assignment`` done for ``team``, or update the team's completion.

    ``note=None`` keeps the note a completion already has. An ``upload``
    replaces the file handed in before. Marking again keeps the first
    completion's date: that is when the team did it.
    """
    collaborative = assignment.collaborative
    ensure_not_archived(collaborative)
    if team.collaborative_id != assignment.collaborative_id:
        raise DomainError("Choose a team of this collaborative.", field="team")
    if team.status == TeamStatus.WITHDRAWN:
        raise DomainError(
            f"{team.name} has withdrawn from the collaborative, so its pre-work is closed.",
            field="team",
        )
    checked = check_upload(upload, name=upload.name or "", size=upload.size) if upload else None
    completion = (
        AssignmentCompletion.objects.select_for_update()
        .filter(assignment=assignment, team=team)
        .first()
    )
    if assignment.requires_upload and checked is None and not (completion and completion.file):
        raise DomainError(
            f"“{assignment.title}” needs a file: upload your team's PDF or image.", field="file"
        )
    created = completion is None
    if created:
        completion = AssignmentCompletion(
            organization_id=assignment.organization_id,
            assignment=assignment,
            team=team,
            completed_at=timezone.now(),
            completed_by=person_of(actor),
        )
    changes: dict[str, Any] = {}
    if note is not None and note.strip() != completion.note:
        changes["note"] = True
        completion.note = note.strip()
    old_file_name = completion.file.name if completion.file else ""
    old_shown_name = completion.file_name
    new_stored_name = ""
    if checked is not None and upload is not None:
        # A random name in storage: the uploader's name is kept only as file_name.
        completion.file.save(f"{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
        new_stored_name = completion.file.name
        completion.file_name = checked.file_name
        completion.content_type = checked.content_type
        changes["file"] = True
    try:
        completion.save()
    except Exception:
        if new_stored_name:
            completion.file.storage.delete(new_stored_name)
        raise
    if new_stored_name:
        _delete_file_on_commit(completion.file.storage, old_file_name)
    data: dict[str, Any] = {
        "assignment": assignment.title,
        "team": team.name,
        "collaborative": collaborative.name,
        "file_name": completion.file_name,
    }
    if created:
        action = "bsc.prework.completed"
    elif changes:
        action = "bsc.prework.completion_changed"
        data["replaced_file"] = old_shown_name if "file" in changes else ""
        data["note_changed"] = "note" in changes
    else:
        return completion
    if checked is not None and checked.renamed and upload is not None:
        data["uploaded_as"] = display_name(upload.name or "")
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action=action,
        target=completion,
        data=data,
    )
    return completion


@transaction.atomic
def completion_undo(*, completion: AssignmentCompletion, actor: Any) -> None:
    """Mark the assignment not done again; the file handed in is deleted."""
    assignment = completion.assignment
    ensure_not_archived(assignment.collaborative)
    log_action(
        organization=assignment.collaborative.organization,
        actor=actor,
        action="bsc.prework.completion_undone",
        target=completion,
        data={
            "assignment": assignment.title,
            "team": completion.team.name,
            "collaborative": assignment.collaborative.name,
            "file_name": completion.file_name,
        },
    )
    if completion.file:
        _delete_file_on_commit(completion.file.storage, completion.file.name)
    completion.delete()
