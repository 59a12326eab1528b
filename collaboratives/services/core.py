"""Every write to a collaborative itself: settings, aim goals, leadership, archive and restore.

Other areas' services call ``ensure_not_archived`` before they change anything
that belongs to a collaborative: an archived collaborative is read-only until
staff restore it.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bsc.audit import log_action
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import (
    AimGoal,
    Collaborative,
    CollaborativeRole,
    DataSharing,
    Kind,
    LeadershipRole,
    RunChartRules,
    Status,
)
from collaboratives.models.core import KIND_DEFAULTS
from teams.roles import TeamRole

if TYPE_CHECKING:
    from accounts.models import ApiToken, Invitation, Organization, User

    Actor = User | ApiToken | None

ARCHIVED_MESSAGE = "This collaborative is archived; restore it to make changes."

# Settings a caller may give when creating or editing a collaborative (besides
# name, which is always given, and slug, which is fixed once created because
# links, calendar feeds and API clients use it).
SETTING_FIELDS: tuple[str, ...] = (
    "name",
    "kind",
    "topic",
    "aim_statement",
    "aim_target_date",
    "prework_start_date",
    "start_date",
    "end_date",
    "status",
    "data_sharing",
    "run_chart_rules",
    "report_due_day",
    "reminder_days_before",
    "overdue_reminder_count",
    "escalation_after_days",
    "target_team_count",
    "min_team_size",
    "max_team_size",
    "required_roles",
    "chair_count",
    "faculty_count",
)
# The settings the kind pre-fills (``KIND_DEFAULTS``).
KIND_DEFAULT_FIELDS: tuple[str, ...] = tuple(KIND_DEFAULTS[Kind.NATIONAL])
GOAL_FIELDS: tuple[str, ...] = ("description", "baseline", "target", "unit", "order")

SLUG_PATTERN = re.compile(r"^[-a-z0-9]+$")
# Words the collaborative pages use in their own addresses (/collaboratives/new/).
RESERVED_SLUGS = frozenset({"new"})
MAX_TEAM_COUNT = 100
MAX_TEAM_SIZE = 100
MAX_LEADERSHIP_COUNT = 50


def ensure_not_archived(collaborative: Collaborative) -> None:
    """Refuse any change to an archived collaborative (or to anything in it).

    Raises ``ConflictError`` (a ``DomainError``; the API answers 409): the
    request was fine, the collaborative's state is what refuses it.
    """
    if collaborative.archived_at is not None:
        raise ConflictError(ARCHIVED_MESSAGE)


def kind_defaults(kind: str) -> dict[str, Any]:
    """What a collaborative of this kind starts with; a fresh copy the caller may change."""
    if kind not in KIND_DEFAULTS:
        raise DomainError("Choose national or regional.", field="kind")
    defaults = dict(KIND_DEFAULTS[kind])
    defaults["required_roles"] = {
        str(role): count
        for role, count in dict(defaults["required_roles"]).items()  # type: ignore[call-overload]
    }
    return defaults


def clean_required_roles(value: Any) -> dict[str, int]:
    """``{team role: least number of members}``: known roles only, whole numbers, zeros left out."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DomainError(
            'Give the required roles as {"role": number}, e.g. {"clinician": 2}.',
            field="required_roles",
        )
    cleaned: dict[str, int] = {}
    for role, count in value.items():
        if role not in TeamRole.values:
            raise DomainError(
                f"{role!r} is not a team role. Choose from: {', '.join(TeamRole.values)}.",
                field="required_roles",
            )
        if isinstance(count, bool) or not isinstance(count, int):
            raise DomainError(
                f"The number of {TeamRole(role).label.lower()} members must be a whole number.",
                field="required_roles",
            )
        if count < 0 or count > MAX_TEAM_SIZE:
            raise DomainError(
                f"The number of {TeamRole(role).label.lower()} members must be between 0 "
                f"and {MAX_TEAM_SIZE}.",
                field="required_roles",
            )
        if count:
            cleaned[role] = count
    # Stored in the order of TeamRole, so the same rules always look the same.
    return {role: cleaned[role] for role in TeamRole.values if role in cleaned}


def _check_choice(value: Any, choices: type, field: str, what: str) -> None:
    if value not in choices.values:  # type: ignore[attr-defined]
        labels = ", ".join(str(label).lower() for label in choices.labels)  # type: ignore[attr-defined]
        raise DomainError(f"{value!r} is not a {what}. Choose one of: {labels}.", field=field)


def _check_range(collaborative: Collaborative, field: str, low: int, high: int, what: str) -> None:
    value = getattr(collaborative, field)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(f"{what} must be a whole number from {low} to {high}.", field=field)


def _validate(collaborative: Collaborative) -> None:
    """The business rules of a collaborative's settings; the first broken one is raised."""
    c = collaborative
    if not (c.name or "").strip():
        raise DomainError("Give the collaborative a name.", field="name")
    c.name = c.name.strip()
    if len(c.name) > 200:
        raise DomainError("Keep the name to 200 characters or fewer.", field="name")
    _check_choice(c.kind, Kind, "kind", "kind of collaborative")
    _check_choice(c.status, Status, "status", "status")
    _check_choice(c.data_sharing, DataSharing, "data_sharing", "way of sharing data")
    _check_choice(c.run_chart_rules, RunChartRules, "run_chart_rules", "run-chart rule set")
    for field in ("start_date", "end_date", "prework_start_date", "aim_target_date"):
        value = getattr(c, field)
        if value is not None and (
            not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
        ):
            raise DomainError("Give a date such as 2027-01-15.", field=field)
    if c.start_date is None:
        raise DomainError("Give the date the collaborative starts.", field="start_date")
    if c.end_date is None:
        raise DomainError("Give the date the collaborative ends.", field="end_date")
    if c.end_date <= c.start_date:
        raise DomainError(
            f"The end date must be after the start date ({c.start_date:%d %b %Y}).",
            field="end_date",
        )
    if c.prework_start_date is not None and c.prework_start_date >= c.start_date:
        raise DomainError(
            f"Pre-work must start before the collaborative starts ({c.start_date:%d %b %Y}).",
            field="prework_start_date",
        )
    if c.aim_target_date is not None and c.aim_target_date < c.start_date:
        raise DomainError(
            f"The aim's target date cannot be before the start date ({c.start_date:%d %b %Y}).",
            field="aim_target_date",
        )
    _check_range(c, "report_due_day", 1, 28, "The report due day")
    _check_range(c, "reminder_days_before", 0, 28, "Days before the due date")
    _check_range(c, "overdue_reminder_count", 0, 10, "The number of overdue reminders")
    _check_range(c, "escalation_after_days", 0, 90, "Days before escalation")
    _check_range(c, "target_team_count", 1, MAX_TEAM_COUNT, "The number of teams")
    _check_range(c, "min_team_size", 1, MAX_TEAM_SIZE, "The smallest team size")
    _check_range(c, "max_team_size", 1, MAX_TEAM_SIZE, "The largest team size")
    _check_range(c, "chair_count", 0, MAX_LEADERSHIP_COUNT, "The number of chairs")
    _check_range(c, "faculty_count", 0, MAX_LEADERSHIP_COUNT, "The number of faculty")
    if c.max_team_size < c.min_team_size:
        raise DomainError(
            f"The largest team size cannot be below the smallest ({c.min_team_size}).",
            field="max_team_size",
        )
    c.required_roles = clean_required_roles(c.required_roles)
    required_total = sum(c.required_roles.values())
    if required_total > c.max_team_size:
        raise DomainError(
            f"The required roles add up to {required_total} members, more than the largest "
            f"team size ({c.max_team_size}).",
            field="required_roles",
        )
    for field in ("topic",):
        if len(getattr(c, field) or "") > 200:
            raise DomainError("Keep this to 200 characters or fewer.", field=field)
    try:
        c.full_clean(exclude=["organization", "copied_from"], validate_unique=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from error


def _check_slug(organization: Organization, slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not slug:
        raise DomainError("Give a short name for web addresses.", field="slug")
    if len(slug) > 60 or not SLUG_PATTERN.match(slug):
        raise DomainError(
            "Use up to 60 lowercase letters, digits and hyphens, e.g. tf-cbt-2027.", field="slug"
        )
    if slug in RESERVED_SLUGS:
        raise DomainError(f"{slug!r} is reserved for the platform; choose another.", field="slug")
    if Collaborative.objects.filter(organization=organization, slug=slug).exists():
        raise DomainError(
            f"Another collaborative of {organization} already uses {slug!r}; choose another.",
            field="slug",
        )
    return slug


def _save_new(collaborative: Collaborative) -> None:
    # The uniqueness check above can lose a race with a parallel create; the
    # constraint then has the last word, with the same message on the same field.
    try:
        with transaction.atomic():
            collaborative.save()
    except IntegrityError as error:
        raise DomainError(
            f"Another collaborative already uses {collaborative.slug!r}; choose another.",
            field="slug",
        ) from error


def _field_label(field: str) -> str:
    return str(Collaborative._meta.get_field(field).verbose_name)


def _audit_value(value: Any) -> Any:
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


@transaction.atomic
def collaborative_create(
    *,
    organization: Organization,
    name: str,
    slug: str,
    start_date: datetime.date,
    end_date: datetime.date,
    kind: str = Kind.NATIONAL,
    goals: list[dict[str, Any]] | None = None,
    actor: Actor,
    **settings: Any,
) -> Collaborative:
    """Create a collaborative. The kind's defaults fill every composition setting not given.

    ``settings`` are further fields of ``SETTING_FIELDS``; ``goals`` a list of
    aim goals (``description``, ``target``, optional ``baseline``, ``unit``).
    """
    unknown = set(settings) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown collaborative settings: {', '.join(sorted(unknown))}")
    values = kind_defaults(kind)
    values.update({key: value for key, value in settings.items() if value is not None})
    for optional in ("prework_start_date", "aim_target_date"):
        values[optional] = settings.get(optional)
    collaborative = Collaborative(
        organization=organization,
        name=name,
        slug=(slug or "").strip().lower(),
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        **values,
    )
    _validate(collaborative)
    collaborative.slug = _check_slug(organization, collaborative.slug)
    cleaned_goals = [_clean_goal(goal, order=index) for index, goal in enumerate(goals or [])]
    _save_new(collaborative)
    for goal in cleaned_goals:
        AimGoal.objects.create(organization=organization, collaborative=collaborative, **goal)
    log_action(
        organization=organization,
        actor=actor,
        action="bsc.collaborative.created",
        target=collaborative,
        data={"name": collaborative.name, "slug": collaborative.slug, "kind": kind},
    )
    return collaborative


def _check_sessions_fit(collaborative: Collaborative) -> None:
    """New dates must still hold every learning session, or the schedule would lie."""
    sessions = collaborative.learning_sessions.order_by("start_date")
    first, last = sessions.first(), sessions.last()
    if first is not None and first.start_date < collaborative.start_date:
        raise DomainError(
            f"{first} starts on {first.start_date:%-d %B %Y}, before the new start date: "
            "move the session first.",
            field="start_date",
        )
    if last is not None and last.end_date > collaborative.end_date:
        raise DomainError(
            f"{last} ends on {last.end_date:%-d %B %Y}, after the new end date: "
            "move the session first.",
            field="end_date",
        )


@transaction.atomic
def collaborative_update(
    *,
    collaborative: Collaborative,
    actor: Actor,
    goals: list[dict[str, Any]] | None = None,
    **changes: Any,
) -> Collaborative:
    """Change settings of ``SETTING_FIELDS``; nothing changes if any rule is broken.

    ``goals``, if given, replaces the aim's goals (see ``aim_goals_set``), in the
    same transaction. Changing the kind does not reapply its defaults: staff
    may have tuned them.
    """
    unknown = set(changes) - set(SETTING_FIELDS)
    if unknown:
        if "slug" in unknown:
            raise DomainError(
                "The web address name cannot be changed: links and calendar feeds use it.",
                field="slug",
            )
        raise TypeError(f"Unknown collaborative settings: {', '.join(sorted(unknown))}")
    locked = Collaborative.objects.select_for_update().get(pk=collaborative.pk)
    ensure_not_archived(locked)
    old = {field: getattr(locked, field) for field in changes}
    for field, value in changes.items():
        setattr(locked, field, value)
    _validate(locked)
    diff = {
        field: [_audit_value(old[field]), _audit_value(getattr(locked, field))]
        for field in changes
        if old[field] != getattr(locked, field)
    }
    if "start_date" in diff or "end_date" in diff:
        _check_sessions_fit(locked)
    if diff:
        locked.save()
        if "end_date" in diff or "start_date" in diff:
            from collaboratives.services.schedule import action_periods_refresh

            # The last action period runs to the end date: keep it in step.
            action_periods_refresh(locked)
        from measures import charting

        # Charts follow the rule set and the dates (their months).
        charting.collaborative_changed(locked, fields=diff)
        log_action(
            organization=locked.organization,
            actor=actor,
            action="bsc.collaborative.changed",
            target=locked,
            data={
                "name": locked.name,
                "fields": ", ".join(_field_label(field) for field in diff),
                "changes": diff,
            },
        )
    if goals is not None:
        aim_goals_set(collaborative=locked, goals=goals, actor=actor)
    # The caller's object (often request.collaborative) shows the saved state.
    for field in SETTING_FIELDS:
        setattr(collaborative, field, getattr(locked, field))
    collaborative.updated_at = locked.updated_at
    return collaborative


@transaction.atomic
def collaborative_archive(*, collaborative: Collaborative, actor: Actor) -> Collaborative:
    """Archive instead of delete: the collaborative stays, read-only, and drops out of lists."""
    locked = Collaborative.objects.select_for_update().get(pk=collaborative.pk)
    if locked.archived_at is not None:
        raise ConflictError("This collaborative is archived already.")
    locked.archived_at = timezone.now()
    locked.save(update_fields=["archived_at", "updated_at"])
    log_action(
        organization=locked.organization,
        actor=actor,
        action="bsc.collaborative.archived",
        target=locked,
        data={"name": locked.name},
    )
    collaborative.archived_at = locked.archived_at
    return collaborative


@transaction.atomic
def collaborative_restore(*, collaborative: Collaborative, actor: Actor) -> Collaborative:
    locked = Collaborative.objects.select_for_update().get(pk=collaborative.pk)
    if locked.archived_at is None:
        raise ConflictError("This collaborative is not archived.")
    locked.archived_at = None
    locked.save(update_fields=["archived_at", "updated_at"])
    log_action(
        organization=locked.organization,
        actor=actor,
        action="bsc.collaborative.restored",
        target=locked,
        data={"name": locked.name},
    )
    collaborative.archived_at = None
    return collaborative


# --- Aim goals ----------------------------------------------------------------


def _decimal(value: Any, field: str, *, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise DomainError("Give the target as a number.", field=field)
        return None
    if isinstance(value, bool):
        raise DomainError("Give a number.", field=field)
    try:
        number = Decimal(str(value))
    except ArithmeticError as error:
        raise DomainError("Give a number, such as 40 or 12.5.", field=field) from error
    if not number.is_finite() or abs(number) >= Decimal("1e9"):
        raise DomainError("Give a number below one billion.", field=field)
    return number.quantize(Decimal("0.001"))


def _clean_goal(goal: dict[str, Any], *, order: int | None = None) -> dict[str, Any]:
    unknown = set(goal) - set(GOAL_FIELDS) - {"id"}
    if unknown:
        raise TypeError(f"Unknown goal fields: {', '.join(sorted(unknown))}")
    description = (goal.get("description") or "").strip()
    if not description:
        raise DomainError("Describe what the goal measures.", field="description")
    if len(description) > 300:
        raise DomainError("Keep the description to 300 characters or fewer.", field="description")
    unit = (goal.get("unit") or "").strip()
    if len(unit) > 40:
        raise DomainError("Keep the unit to 40 characters or fewer.", field="unit")
    cleaned: dict[str, Any] = {
        "description": description,
        "baseline": _decimal(goal.get("baseline"), "baseline", required=False),
        "target": _decimal(goal.get("target"), "target", required=True),
        "unit": unit,
    }
    given_order = goal.get("order")
    if given_order is not None:
        if isinstance(given_order, bool) or not isinstance(given_order, int) or given_order < 0:
            raise DomainError("Give the order as a whole number from 0.", field="order")
        cleaned["order"] = given_order
    elif order is not None:
        cleaned["order"] = order
    return cleaned


def _goal_data(goal: AimGoal) -> dict[str, Any]:
    return {
        "description": goal.description,
        "baseline": _audit_value(goal.baseline),
        "target": _audit_value(goal.target),
        "unit": goal.unit,
    }


@transaction.atomic
def aim_goal_create(
    *,
    collaborative: Collaborative,
    description: str,
    target: Any,
    baseline: Any = None,
    unit: str = "",
    order: int | None = None,
    actor: Actor,
) -> AimGoal:
    ensure_not_archived(collaborative)
    cleaned = _clean_goal(
        {"description": description, "target": target, "baseline": baseline, "unit": unit}
        | ({"order": order} if order is not None else {})
    )
    if "order" not in cleaned:
        cleaned["order"] = AimGoal.objects.filter(collaborative=collaborative).count()
    goal = AimGoal.objects.create(
        organization=collaborative.organization, collaborative=collaborative, **cleaned
    )
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.collaborative.goal_added",
        target=goal,
        data={"collaborative": collaborative.name, **_goal_data(goal)},
    )
    return goal


@transaction.atomic
def aim_goal_update(*, goal: AimGoal, actor: Actor, **changes: Any) -> AimGoal:
    ensure_not_archived(goal.collaborative)
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown goal fields: {', '.join(sorted(unknown))}")
    merged = {
        "description": goal.description,
        "baseline": goal.baseline,
        "target": goal.target,
        "unit": goal.unit,
        "order": goal.order,
        **changes,
    }
    cleaned = _clean_goal(merged)
    before = _goal_data(goal)
    for field, value in cleaned.items():
        setattr(goal, field, value)
    goal.save()
    after = _goal_data(goal)
    if before != after:
        log_action(
            organization=goal.organization,
            actor=actor,
            action="bsc.collaborative.goal_changed",
            target=goal,
            data={"collaborative": goal.collaborative.name, "before": before, **after},
        )
    return goal


@transaction.atomic
def aim_goal_delete(*, goal: AimGoal, actor: Actor) -> None:
    ensure_not_archived(goal.collaborative)
    log_action(
        organization=goal.organization,
        actor=actor,
        action="bsc.collaborative.goal_removed",
        target=goal,
        data={"collaborative": goal.collaborative.name, **_goal_data(goal)},
    )
    goal.delete()


@transaction.atomic
def aim_goals_set(
    *, collaborative: Collaborative, goals: list[dict[str, Any]], actor: Actor
) -> list[AimGoal]:
    """Make the aim's goals exactly ``goals`` (the edit page's list, in order).

    A goal with an ``id`` of this collaborative is updated, one without is
    added, and goals left out are removed. Either all of it happens or none.
    """
    ensure_not_archived(collaborative)
    existing = {goal.pk: goal for goal in AimGoal.objects.filter(collaborative=collaborative)}
    kept: list[AimGoal] = []
    for index, data in enumerate(goals):
        data = dict(data)
        goal_id = data.pop("id", None)
        data["order"] = index
        if goal_id is not None:
            goal = existing.pop(goal_id, None)
            if goal is None:
                raise DomainError("That goal is not part of this collaborative.", field="goals")
            goal.collaborative = collaborative
            kept.append(aim_goal_update(goal=goal, actor=actor, **data))
        else:
            kept.append(aim_goal_create(collaborative=collaborative, actor=actor, **data))
    for goal in existing.values():
        goal.collaborative = collaborative
        aim_goal_delete(goal=goal, actor=actor)
    return kept


# --- Leadership ---------------------------------------------------------------


def _check_leadership_role(role: str) -> None:
    if role not in LeadershipRole.values:
        raise DomainError("Choose chair, faculty or staff.", field="role")


@transaction.atomic
def leadership_assign(
    *, collaborative: Collaborative, user: User, role: str, actor: Actor
) -> CollaborativeRole:
    """Make a member of the organization a chair, faculty member or staff member."""
    from accounts.models import Membership

    ensure_not_archived(collaborative)
    _check_leadership_role(role)
    if not Membership.objects.filter(organization=collaborative.organization, user=user).exists():
        raise DomainError(
            f"{user.display_name} is not a member of {collaborative.organization}: "
            "invite them by e-mail instead.",
            field="user",
        )
    if CollaborativeRole.objects.filter(collaborative=collaborative, user=user, role=role).exists():
        raise ConflictError(
            f"{user.display_name} is {LeadershipRole(role).label.lower()} already.", field="user"
        )
    try:
        with transaction.atomic():
            assignment = CollaborativeRole.objects.create(
                organization=collaborative.organization,
                collaborative=collaborative,
                user=user,
                role=role,
            )
    except IntegrityError as error:
        raise ConflictError(
            f"{user.display_name} is {LeadershipRole(role).label.lower()} already.", field="user"
        ) from error
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.collaborative.leadership_added",
        target=assignment,
        data={
            "collaborative": collaborative.name,
            "email": user.email,
            "role": LeadershipRole(role).label.lower(),
        },
    )
    return assignment


@transaction.atomic
def leadership_invite(
    *, collaborative: Collaborative, email: str, role: str, actor: Actor
) -> CollaborativeRole | Invitation:
    """Give ``email`` a leadership role: at once for a member, by invitation for anyone else.

    The invitation makes them a member of the organization; its grant
    (``collaborative_role``, see ``collaborative_role_grant``) gives them the
    role when they accept.
    """
    from accounts.models import Membership, Role, User
    from accounts.services import invitation_create

    ensure_not_archived(collaborative)
    _check_leadership_role(role)
    email = User.objects.normalize_email(email or "").strip().lower()
    if not email or "@" not in email:
        raise DomainError("Give an e-mail address such as name@example.org.", field="email")
    membership = (
        Membership.objects.filter(
            organization=collaborative.organization, user__email__iexact=email
        )
        .select_related("user")
        .first()
    )
    if membership is not None:
        return leadership_assign(
            collaborative=collaborative, user=membership.user, role=role, actor=actor
        )
    invitation = invitation_create(
        organization=collaborative.organization,
        email=email,
        role=Role.MEMBER,
        actor=actor,
        grants=[{"kind": GRANT_KIND, "collaborative_id": collaborative.pk, "role": role}],
    )
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.collaborative.leadership_invited",
        target=collaborative,
        data={
            "collaborative": collaborative.name,
            "email": email,
            "role": LeadershipRole(role).label.lower(),
        },
    )
    return invitation


@transaction.atomic
def leadership_remove(*, assignment: CollaborativeRole, actor: Actor) -> None:
    collaborative = assignment.collaborative
    ensure_not_archived(collaborative)
    log_action(
        organization=assignment.organization,
        actor=actor,
        action="bsc.collaborative.leadership_removed",
        target=assignment,
        data={
            "collaborative": collaborative.name,
            "email": assignment.user.email,
            "role": assignment.get_role_display().lower(),
        },
    )
    assignment.delete()


GRANT_KIND = "collaborative_role"


def collaborative_role_grant(
    *, invitation: Invitation, user: User, collaborative_id: int, role: str, **_: Any
) -> None:
    """Invitation grant handler: the invited person takes up their leadership role.

    Runs inside ``invitation_accept``'s transaction and scope. A collaborative
    archived since the invitation still gets the role (it only records who
    leads it); an unknown role or collaborative is skipped rather than
    spoiling the acceptance of the membership itself.
    """
    collaborative = Collaborative.objects.filter(
        organization=invitation.organization, pk=collaborative_id
    ).first()
    if collaborative is None or role not in LeadershipRole.values:
        return
    assignment, created = CollaborativeRole.objects.get_or_create(
        organization=collaborative.organization,
        collaborative=collaborative,
        user=user,
        role=role,
    )
    if created:
        log_action(
            organization=collaborative.organization,
            actor=user,
            action="bsc.collaborative.leadership_joined",
            target=assignment,
            data={
                "collaborative": collaborative.name,
                "email": user.email,
                "role": LeadershipRole(role).label.lower(),
            },
        )


def collaborative_role_describe(*, collaborative_id: int, role: str, **_: Any) -> str | None:
    """What the grant gives, for the invitation e-mail and page.

    E.g. "a place as faculty of the collaborative “TF-CBT 2027”".
    """
    collaborative = Collaborative.objects.filter(pk=collaborative_id).only("name").first()
    if collaborative is None or role not in LeadershipRole.values:
        return None
    noun = LeadershipRole(role).label.lower()
    return f"a place as {noun} of the collaborative “{collaborative.name}”"
