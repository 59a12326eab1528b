"""Every write to applications: the window and its form, applying, withdrawing and deciding.

Staff open an application window on a collaborative with questions and a
scored readiness assessment; a member of the organization (or an outside
applicant invited by e-mail) applies with a proposed roster; staff accept or
decline. Accepting turns the application into a team with its roster, in the
same transaction as the status change and the audit entry.

Submitted answers copy the wording of their question (and scores the wording
and scale of their statement), so editing or removing a question later never
rewrites what an applicant answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.models import ApiToken, Invitation, Membership, Role, User
from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from collaboratives.services.core import ensure_not_archived
from teams.models import (
    Application,
    ApplicationMember,
    ApplicationQuestion,
    ApplicationStatus,
    ApplicationWindow,
    ReadinessItem,
    Team,
    TeamMember,
    TeamMemberRole,
    TeamRole,
    TeamStatus,
)
from teams.tasks import (
    send_application_decision_email,
    send_application_invite_email,
    send_application_received_email,
)

if TYPE_CHECKING:
    from collaboratives.models import Collaborative

# What the readiness scale may run to: "1 to 5" is usual, "1 to 10" the longest we allow.
MIN_MAX_SCORE = 2
MAX_MAX_SCORE = 10
# Grant kind of an invitation to apply (registered in teams.apps).
APPLICATION_INVITE_GRANT = "application_invite"
ROSTER_FIELDS = ("full_name", "email", "phone", "job_title", "roles")


def format_moment(moment: datetime, collaborative: Collaborative) -> str:
    """ "3 March 2027 at 17:00", in the organization's time zone (its deadlines follow it)."""
    local = timezone.localtime(moment, collaborative.organization.tzinfo)
    return format_date(local, r"j F Y \a\t H:i")


def _full_clean(obj: Model, *, exclude: Iterable[str] = ()) -> None:
    """Model validation (lengths, choices) as a ``DomainError`` naming the first bad field."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from error


# --- The window ---------------------------------------------------------------------------


@transaction.atomic
def application_window_save(
    *,
    collaborative: Collaborative,
    opens_at: datetime,
    closes_at: datetime,
    instructions: str = "",
    actor: User | ApiToken | None,
) -> ApplicationWindow:
    """Open (or change) the collaborative's application window."""
    ensure_not_archived(collaborative)
    if opens_at is None:
        raise DomainError("Say when applications open.", field="opens_at")
    if closes_at is None:
        raise DomainError("Say when applications close.", field="closes_at")
    if closes_at <= opens_at:
        raise DomainError(
            "Applications must close after they open: choose a later closing time.",
            field="closes_at",
        )
    window = (
        ApplicationWindow.objects.select_for_update().filter(collaborative=collaborative).first()
    )
    created = window is None
    if window is None:
        window = ApplicationWindow(
            organization_id=collaborative.organization_id, collaborative=collaborative
        )
    old = {
        "opens_at": window.opens_at,
        "closes_at": window.closes_at,
        "instructions": window.instructions,
    }
    window.opens_at, window.closes_at = opens_at, closes_at
    window.instructions = (instructions or "").strip()
    _full_clean(window, exclude=["organization", "collaborative"])
    window.save()
    changes = [key for key, value in old.items() if getattr(window, key) != value]
    if created or changes:
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.application_window.created"
            if created
            else "bsc.application_window.changed",
            target=window,
            data={
                "collaborative": collaborative.name,
                "opens_at": window.opens_at.isoformat(),
                "closes_at": window.closes_at.isoformat(),
                "changed": [] if created else changes,
            },
        )
    return window


def _renumber(items: list[Any]) -> None:
    """Give ``items`` the orders 1, 2, 3... in their list order, saving only what moved."""
    moved = []
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            moved.append(item)
    if moved:
        type(items[0]).objects.bulk_update(moved, ["order"])


def _move(item: Any, siblings: list[Any], position: int) -> None:
    """Put ``item`` at 1-based ``position`` among ``siblings`` (which include it)."""
    others = [sibling for sibling in siblings if sibling.pk != item.pk]
    index = min(max(position, 1), len(others) + 1) - 1
    others.insert(index, item)
    _renumber(others)


def _next_order(queryset: Any) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


def _window_locked(window: ApplicationWindow) -> ApplicationWindow:
    """Lock the window row, so two editors' reorderings do not interleave."""
    return (
        ApplicationWindow.objects.select_for_update(of=("self",))
        .select_related("collaborative")
        .get(pk=window.pk)
    )


# --- Questions --------------------------------------------------------------------------------


def _clean_question(text: str, help_text: str) -> tuple[str, str]:
    text, help_text = (text or "").strip(), (help_text or "").strip()
    if not text:
        raise DomainError("Write the question.", field="text")
    return text, help_text


@transaction.atomic
def application_question_create(
    *,
    window: ApplicationWindow,
    text: str,
    help_text: str = "",
    is_required: bool = True,
    position: int | None = None,
    actor: User | ApiToken | None,
) -> ApplicationQuestion:
    window = _window_locked(window)
    ensure_not_archived(window.collaborative)
    text, help_text = _clean_question(text, help_text)
    question = ApplicationQuestion(
        organization_id=window.organization_id,
        window=window,
        text=text,
        help_text=help_text,
        is_required=is_required,
        order=_next_order(window.questions.all()),
    )
    _full_clean(question, exclude=["organization", "window"])
    question.save()
    if position is not None:
        _move(question, list(window.questions.all()), position)
    log_action(
        organization=window.collaborative.organization,
        actor=actor,
        action="bsc.application_question.added",
        target=question,
        data={"text": question.text, "collaborative": window.collaborative.name},
    )
    return question


@transaction.atomic
def application_question_update(
    *,
    question: ApplicationQuestion,
    text: str,
    help_text: str = "",
    is_required: bool = True,
    position: int | None = None,
    actor: User | ApiToken | None,
) -> ApplicationQuestion:
    """Change a question. Answers already submitted keep the wording they answered."""
    window = _window_locked(question.window)
    ensure_not_archived(window.collaborative)
    text, help_text = _clean_question(text, help_text)
    old = {"text": question.text, "help_text": question.help_text, "required": question.is_required}
    question.text, question.help_text, question.is_required = text, help_text, is_required
    _full_clean(question, exclude=["organization", "window"])
    question.save(update_fields=["text", "help_text", "is_required"])
    new = {"text": text, "help_text": help_text, "required": is_required}
    changes = {key: [old[key], new[key]] for key in old if old[key] != new[key]}
    if position is not None:
        before = question.order
        _move(question, list(window.questions.all()), position)
        question.refresh_from_db(fields=["order"])
        if question.order != before:
            changes["order"] = [before, question.order]
    if changes:
        log_action(
            organization=window.collaborative.organization,
            actor=actor,
            action="bsc.application_question.changed",
            target=question,
            data={"text": question.text, "changes": changes},
        )
    return question


@transaction.atomic
def application_question_move(
    *, question: ApplicationQuestion, position: int, actor: User | ApiToken | None
) -> ApplicationQuestion:
    return application_question_update(
        question=question,
        text=question.text,
        help_text=question.help_text,
        is_required=question.is_required,
        position=position,
        actor=actor,
    )


@transaction.atomic
def application_question_delete(
    *, question: ApplicationQuestion, actor: User | ApiToken | None
) -> None:
    """Remove a question from the form; submitted answers to it stay readable."""
    window = _window_locked(question.window)
    ensure_not_archived(window.collaborative)
    log_action(
        organization=window.collaborative.organization,
        actor=actor,
        action="bsc.application_question.removed",
        target=question,
        data={"text": question.text},
    )
    question.delete()
    _renumber(list(window.questions.all()))


# --- Readiness assessment ---------------------------------------------------------------


def _clean_item(statement: str, max_score: int) -> str:
    statement = (statement or "").strip()
    if not statement:
        raise DomainError("Write the statement applicants score.", field="statement")
    if (
        isinstance(max_score, bool)
        or not isinstance(max_score, int)
        or not MIN_MAX_SCORE <= max_score <= MAX_MAX_SCORE
    ):
        raise DomainError(
            f"The highest score must be a whole number from {MIN_MAX_SCORE} to {MAX_MAX_SCORE}.",
            field="max_score",
        )
    return statement


@transaction.atomic
def readiness_item_create(
    *,
    window: ApplicationWindow,
    statement: str,
    max_score: int = 5,
    position: int | None = None,
    actor: User | ApiToken | None,
) -> ReadinessItem:
    window = _window_locked(window)
    ensure_not_archived(window.collaborative)
    statement = _clean_item(statement, max_score)
    item = ReadinessItem(
        organization_id=window.organization_id,
        window=window,
        statement=statement,
        max_score=max_score,
        order=_next_order(window.readiness_items.all()),
    )
    _full_clean(item, exclude=["organization", "window"])
    item.save()
    if position is not None:
        _move(item, list(window.readiness_items.all()), position)
    log_action(
        organization=window.collaborative.organization,
        actor=actor,
        action="bsc.readiness_item.added",
        target=item,
        data={"statement": item.statement, "max_score": max_score},
    )
    return item


@transaction.atomic
def readiness_item_update(
    *,
    item: ReadinessItem,
    statement: str,
    max_score: int,
    position: int | None = None,
    actor: User | ApiToken | None,
) -> ReadinessItem:
    """Change a statement. Scores already submitted keep the wording and scale they used."""
    window = _window_locked(item.window)
    ensure_not_archived(window.collaborative)
    statement = _clean_item(statement, max_score)
    old = {"statement": item.statement, "max_score": item.max_score}
    item.statement, item.max_score = statement, max_score
    _full_clean(item, exclude=["organization", "window"])
    item.save(update_fields=["statement", "max_score"])
    new = {"statement": statement, "max_score": max_score}
    changes = {key: [old[key], new[key]] for key in old if old[key] != new[key]}
    if position is not None:
        before = item.order
        _move(item, list(window.readiness_items.all()), position)
        item.refresh_from_db(fields=["order"])
        if item.order != before:
            changes["order"] = [before, item.order]
    if changes:
        log_action(
            organization=window.collaborative.organization,
            actor=actor,
            action="bsc.readiness_item.changed",
            target=item,
            data={"statement": item.statement, "changes": changes},
        )
    return item


@transaction.atomic
def readiness_item_move(
    *, item: ReadinessItem, position: int, actor: User | ApiToken | None
) -> ReadinessItem:
    return readiness_item_update(
        item=item,
        statement=item.statement,
        max_score=item.max_score,
        position=position,
        actor=actor,
    )


@transaction.atomic
def readiness_item_delete(*, item: ReadinessItem, actor: User | ApiToken | None) -> None:
    window = _window_locked(item.window)
    ensure_not_archived(window.collaborative)
    log_action(
        organization=window.collaborative.organization,
        actor=actor,
        action="bsc.readiness_item.removed",
        target=item,
        data={"statement": item.statement},
    )
    item.delete()
    _renumber(list(window.readiness_items.all()))


# --- Applying -------------------------------------------------------------------------------


def window_problem(window: ApplicationWindow | None, *, now: datetime | None = None) -> str | None:
    """Why nobody can apply right now, as a sentence; None while the window is open."""
    if window is None:
        return "This collaborative is not taking applications."
    collaborative = window.collaborative
    if collaborative.archived_at is not None:
        return f"{collaborative.name} is archived and no longer takes applications."
    now = now or timezone.now()
    if now < window.opens_at:
        return f"Applications open on {format_moment(window.opens_at, collaborative)}."
    if now >= window.closes_at:
        return f"Applications closed on {format_moment(window.closes_at, collaborative)}."
    return None


def _score(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _clean_roster(members: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    roster: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(members, start=1):
        if not isinstance(raw, Mapping):
            errors.append(f"Person {number}: give their name, e-mail address and team roles.")
            continue
        person = {key: raw.get(key) for key in ROSTER_FIELDS}
        text = {
            key: str(person[key] or "").strip()
            for key in ("full_name", "email", "phone", "job_title")
        }
        label = text["full_name"] or f"Person {number}"
        if not text["full_name"]:
            errors.append(f"Person {number}: give their full name.")
        email = text["email"].lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"{label}: “{text['email']}” is not an e-mail address.")
            else:
                if email in seen:
                    errors.append(
                        f"{label}: {email} is already given for person {seen[email]}; "
                        "each person needs their own e-mail address."
                    )
                seen.setdefault(email, number)
        roles = person["roles"] or []
        if isinstance(roles, str) or not isinstance(roles, Iterable):
            roles = [roles]
        roles = list(dict.fromkeys(str(role) for role in roles))
        unknown = [role for role in roles if role not in TeamRole.values]
        if unknown:
            errors.append(f"{label}: “{unknown[0]}” is not a team role.")
        elif not roles:
            errors.append(f"{label}: choose at least one team role.")
        for key, limit in (("full_name", 150), ("phone", 40), ("job_title", 150)):
            if len(text[key]) > limit:
                errors.append(f"{label}: the {key.replace('_', ' ')} is too long.")
        roster.append({**text, "email": email, "roles": roles})
    if not roster and not errors:
        errors.append("Add at least one person to the proposed team.")
    return roster, errors


def application_errors(
    *,
    window: ApplicationWindow,
    answers: Mapping[Any, Any],
    scores: Mapping[Any, Any],
    members: Iterable[Mapping[str, Any]],
) -> dict[str, list[str]]:
    """Every problem with the answers, scores and roster, by input field (empty when fine).

    The API reports them all at once; ``application_submit`` refuses on the first.
    Questions and statements come from ``window`` (prefetch them to save queries).
    """
    errors: dict[str, list[str]] = {}
    given_answers = {str(key): value for key, value in (answers or {}).items()}
    questions = list(window.questions.all())
    known = {str(question.pk) for question in questions}
    for key in given_answers:
        if key not in known:
            errors.setdefault("answers", []).append(
                f"There is no question {key} on this application form."
            )
    for question in questions:
        value = given_answers.get(str(question.pk))
        if value is not None and not isinstance(value, str):
            errors.setdefault("answers", []).append(f"Answer “{question.text}” with text.")
        elif question.is_required and not (value or "").strip():
            errors.setdefault("answers", []).append(f"Answer “{question.text}”: it is required.")

    given_scores = {str(key): value for key, value in (scores or {}).items()}
    items = list(window.readiness_items.all())
    known = {str(item.pk) for item in items}
    for key in given_scores:
        if key not in known:
            errors.setdefault("readiness", []).append(
                f"There is no statement {key} in the readiness assessment."
            )
    for item in items:
        raw = given_scores.get(str(item.pk))
        value = _score(raw)
        if raw is None or raw == "":
            errors.setdefault("readiness", []).append(
                f"Score “{item.statement}” from 1 to {item.max_score}."
            )
        elif value is None or not 1 <= value <= item.max_score:
            errors.setdefault("readiness", []).append(
                f"Score “{item.statement}” from 1 to {item.max_score} (not {raw})."
            )

    _roster, roster_errors = _clean_roster(members or [])
    if roster_errors:
        errors["members"] = roster_errors
    return errors


def _team_name_problem(collaborative: Collaborative, name: str) -> str | None:
    if Team.objects.filter(collaborative=collaborative, name__iexact=name).exists():
        return f"A team called “{name}” is already part of this collaborative: choose another name."
    taken = Application.objects.filter(
        collaborative=collaborative,
        team_name__iexact=name,
        status__in=[
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.DECLINED,
        ],
    )
    if taken.exists():
        return f"A team called “{name}” has already applied to this collaborative."
    return None


@transaction.atomic
def application_submit(
    *,
    collaborative: Collaborative,
    applicant: User,
    team_name: str,
    site_name: str = "",
    is_member_site: bool = True,
    answers: Mapping[Any, Any],
    scores: Mapping[Any, Any],
    members: Iterable[Mapping[str, Any]],
    actor: User | ApiToken | None = None,
    now: datetime | None = None,
) -> Application:
    """Apply to the collaborative for a team, with answers, readiness scores and a roster.

    ``answers`` and ``scores`` are keyed by question and statement id; each
    person in ``members`` has ``full_name``, ``email``, ``phone``,
    ``job_title`` and ``roles`` (team role values).
    """
    # Locking the window serializes applications, so two cannot take one team name.
    window = (
        ApplicationWindow.objects.select_for_update(of=("self",))
        .select_related("collaborative__organization")
        .filter(collaborative=collaborative)
        .first()
    )
    problem = window_problem(window, now=now)
    if problem:
        raise DomainError(problem)
    assert window is not None
    team_name = (team_name or "").strip()
    if not team_name:
        raise DomainError("Give the team a name.", field="team_name")
    if len(team_name) > 200:
        raise DomainError("Keep the team name under 200 characters.", field="team_name")
    site_name = (site_name or "").strip()
    if len(site_name) > 200:
        raise DomainError("Keep the site name under 200 characters.", field="site_name")
    members = list(members or [])
    errors = application_errors(window=window, answers=answers, scores=scores, members=members)
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field)
    taken = _team_name_problem(collaborative, team_name)
    if taken:
        raise DomainError(taken, field="team_name")

    given_answers = {str(key): value for key, value in (answers or {}).items()}
    given_scores = {str(key): _score(value) for key, value in (scores or {}).items()}
    # "position" keeps the form's order: PostgreSQL's jsonb does not keep the keys' order.
    stored_answers = {
        str(question.pk): {
            "question": question.text,
            "answer": (given_answers.get(str(question.pk)) or "").strip(),
            "position": position,
        }
        for position, question in enumerate(window.questions.all(), start=1)
    }
    stored_scores = {
        str(item.pk): {
            "statement": item.statement,
            "score": given_scores[str(item.pk)],
            "max_score": item.max_score,
            "position": position,
        }
        for position, item in enumerate(window.readiness_items.all(), start=1)
    }
    roster, _errors = _clean_roster(members)
    application = Application.objects.create(
        organization_id=collaborative.organization_id,
        collaborative=collaborative,
        applicant=applicant,
        team_name=team_name,
        site_name=site_name,
        is_member_site=bool(is_member_site),
        status=ApplicationStatus.SUBMITTED,
        answers=stored_answers,
        readiness=stored_scores,
        readiness_score=sum(entry["score"] for entry in stored_scores.values()),
        submitted_at=now or timezone.now(),
    )
    ApplicationMember.objects.bulk_create(
        ApplicationMember(
            organization_id=collaborative.organization_id, application=application, **person
        )
        for person in roster
    )
    log_action(
        organization=window.collaborative.organization,
        actor=actor if actor is not None else applicant,
        action="bsc.application.submitted",
        target=application,
        data={
            "team_name": team_name,
            "collaborative": collaborative.name,
            "members": len(roster),
            "readiness_score": application.readiness_score,
        },
    )
    send_application_received_email.delay_on_commit(
        organization_id=collaborative.organization_id, application_id=application.pk
    )
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("collaborative__organization", "decided_by")
        .get(pk=application.pk)
    )


def _already_decided(application: Application) -> ConflictError:
    collaborative = application.collaborative
    when = format_moment(application.decided_at or application.submitted_at, collaborative)
    if application.status == ApplicationStatus.WITHDRAWN:
        return ConflictError(f"The applicant withdrew this application on {when}.")
    by = f" by {application.decided_by.display_name}" if application.decided_by else ""
    return ConflictError(
        f"This application was already {application.get_status_display().lower()}{by} on {when}."
    )


@transaction.atomic
def application_withdraw(*, application: Application, actor: User | ApiToken | None) -> Application:
    """The applicant takes their application back, before staff have decided."""
    locked = _locked(application)
    if locked.status != ApplicationStatus.SUBMITTED:
        raise _already_decided(locked)
    locked.status = ApplicationStatus.WITHDRAWN
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    log_action(
        organization=locked.collaborative.organization,
        actor=actor,
        action="bsc.application.withdrawn",
        target=locked,
        data={"team_name": locked.team_name, "collaborative": locked.collaborative.name},
    )
    application.status, application.decided_at = locked.status, locked.decided_at
    return locked


def _decide(
    application: Application, status: str, note: str, actor: User | ApiToken | None
) -> Application:
    locked = _locked(application)
    if locked.status != ApplicationStatus.SUBMITTED:
        raise _already_decided(locked)
    ensure_not_archived(locked.collaborative)
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decided_by = person_of(actor)
    locked.decision_note = (note or "").strip()
    return locked


@transaction.atomic
def application_accept(
    *, application: Application, note: str = "", actor: User | ApiToken | None
) -> Application:
    """Accept: the application becomes an active team with its proposed roster.

    People whose e-mail address belongs to a member of the organization are
    linked to that account; the others are on the roster without one.
    """
    locked = _decide(application, ApplicationStatus.ACCEPTED, note, actor)
    collaborative = locked.collaborative
    if Team.objects.filter(collaborative=collaborative, name__iexact=locked.team_name).exists():
        raise ConflictError(
            f"A team called “{locked.team_name}” is already part of this collaborative, so "
            "this application cannot become a team under that name. Decline it, or rename "
            "the existing team first.",
            field="team_name",
        )
    try:
        with transaction.atomic():
            team = Team.objects.create(
                organization_id=locked.organization_id,
                collaborative=collaborative,
                name=locked.team_name,
                site_name=locked.site_name,
                is_member_site=locked.is_member_site,
                status=TeamStatus.ACTIVE,
            )
    except IntegrityError as error:
        raise ConflictError(
            f"A team called “{locked.team_name}” was created meanwhile; nothing was changed.",
            field="team_name",
        ) from error
    proposed = list(locked.proposed_members.all())
    emails = {person.email.lower() for person in proposed if person.email}
    accounts = {
        email: user_id
        for email, user_id in Membership.objects.filter(organization_id=locked.organization_id)
        .annotate(email=Lower("user__email"))
        .filter(email__in=emails)
        .values_list("email", "user_id")
    }
    linked = 0
    for person in proposed:
        user_id = accounts.get(person.email.lower()) if person.email else None
        linked += user_id is not None
        member = TeamMember.objects.create(
            organization_id=locked.organization_id,
            team=team,
            user_id=user_id,
            full_name=person.full_name,
            email=person.email.lower(),
            phone=person.phone,
            job_title=person.job_title,
        )
        TeamMemberRole.objects.bulk_create(
            TeamMemberRole(organization_id=locked.organization_id, member=member, role=role)
            for role in dict.fromkeys(person.roles)
            if role in TeamRole.values
        )
    locked.team = team
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "team"])
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.application.accepted",
        target=locked,
        data={
            "team_name": locked.team_name,
            "collaborative": collaborative.name,
            "team_id": team.pk,
            "members": len(proposed),
            "linked_accounts": linked,
            "note": locked.decision_note,
        },
    )
    send_application_decision_email.delay_on_commit(
        organization_id=locked.organization_id, application_id=locked.pk
    )
    return locked


@transaction.atomic
def application_decline(
    *, application: Application, note: str = "", actor: User | ApiToken | None
) -> Application:
    locked = _decide(application, ApplicationStatus.DECLINED, note, actor)
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    log_action(
        organization=locked.collaborative.organization,
        actor=actor,
        action="bsc.application.declined",
        target=locked,
        data={
            "team_name": locked.team_name,
            "collaborative": locked.collaborative.name,
            "note": locked.decision_note,
        },
    )
    send_application_decision_email.delay_on_commit(
        organization_id=locked.organization_id, application_id=locked.pk
    )
    return locked


# --- Inviting outside applicants ----------------------------------------------------


@transaction.atomic
def application_invite(
    *, collaborative: Collaborative, email: str, actor: User | ApiToken | None
) -> Invitation | None:
    """Invite someone by e-mail to apply.

    Someone without a place in the organization also gets an invitation to
    join it (as a member, with an ``application_invite`` grant), since only
    members can apply; a member gets only the e-mail with the application
    link. Returns the organization invitation, if one was made.
    """
    from accounts.services import invitation_create

    ensure_not_archived(collaborative)
    email = User.objects.normalize_email((email or "").strip()).lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise DomainError("Enter the e-mail address to invite.", field="email") from error
    window = ApplicationWindow.objects.filter(collaborative=collaborative).first()
    if window is None:
        raise DomainError("Set up the application window before inviting applicants.")
    now = timezone.now()
    if now >= window.closes_at:
        raise DomainError(
            f"Applications closed on {format_moment(window.closes_at, collaborative)}: "
            "move the closing time before inviting more applicants.",
        )
    organization = collaborative.organization
    is_member = Membership.objects.filter(
        organization=organization, user__email__iexact=email
    ).exists()
    invitation = None
    if not is_member:
        invitation = invitation_create(
            organization=organization,
            email=email,
            role=Role.MEMBER,
            actor=actor,
            grants=[{"kind": APPLICATION_INVITE_GRANT, "collaborative_id": collaborative.pk}],
        )
    inviter = person_of(actor)
    log_action(
        organization=organization,
        actor=actor,
        action="bsc.application.invited",
        target=collaborative,
        data={"email": email, "collaborative": collaborative.name, "has_account": is_member},
    )
    send_application_invite_email.delay_on_commit(
        organization_id=organization.pk,
        collaborative_id=collaborative.pk,
        email=email,
        inviter_id=inviter.pk if inviter is not None else None,
        needs_to_join=not is_member,
    )
    return invitation


def application_invite_accepted(
    *, invitation: Invitation, user: User, collaborative_id: int, **_: Any
) -> None:
    """Grant handler: the invited applicant joined the organization and may now apply.

    Membership is all they need to apply, so there is nothing to change: the
    acceptance is recorded, and the collaborative's apply page shows them the form.
    """
    from collaboratives.models import Collaborative

    collaborative = Collaborative.objects.filter(pk=collaborative_id).first()
    log_action(
        organization=invitation.organization,
        actor=user,
        action="bsc.application.invitation_accepted",
        target=collaborative,
        data={
            "email": user.email,
            "collaborative": collaborative.name if collaborative else "a removed collaborative",
        },
    )
