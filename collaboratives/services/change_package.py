"""Writes to the change package: drivers and change ideas.

The driver diagram has exactly two levels of drivers under the aim: a primary
driver has no parent; a secondary driver hangs on a primary driver of the
same collaborative, never on another secondary one. A change idea hangs on a
driver (usually a secondary one) of the same collaborative. ``order`` is a
driver's or idea's position among its siblings, counted from 0; every write
that moves something renumbers the siblings so positions stay 0, 1, 2, ...

Every service runs in one transaction, refuses changes to an archived
collaborative, and writes an audit entry (``bsc.change_package.*``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, Model, Q, QuerySet

from bsc.audit import log_action
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import ChangeIdea, Collaborative, Driver
from collaboratives.services.core import ensure_not_archived

UP = "up"
DOWN = "down"
DIRECTIONS = (UP, DOWN)


class _Unset:
    """Marks an argument the caller did not pass (``None`` is a value for ``parent``)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --- Shared checks ------------------------------------------------------------------


def _text(value: str | None, *, model: type[Model], field: str, required: bool) -> str:
    text = (value or "").strip()
    label = str(model._meta.get_field(field).verbose_name)
    if required and not text:
        raise DomainError(f"Enter a {label}.", field=field)
    max_length = model._meta.get_field(field).max_length
    if max_length and len(text) > max_length:
        raise DomainError(
            f"The {label} is {len(text)} characters long; keep it to {max_length}.", field=field
        )
    return text


def counted(number: int, noun: str) -> str:
    """``counted(1, "change idea")`` -> "1 change idea"; ``counted(2, ...)`` -> "2 change ideas"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _place(siblings: QuerySet, item: Model, position: int) -> int:
    """Put ``item`` at ``position`` among ``siblings`` (which may include it) and renumber.

    Saves the other siblings whose position changed; sets ``item.order`` for
    the caller to save. Returns the position ``item`` got.
    """
    others = [sibling for sibling in siblings.select_for_update() if sibling.pk != item.pk]
    position = max(0, min(position, len(others)))
    others.insert(position, item)
    changed = []
    for index, sibling in enumerate(others):
        if sibling is item:
            item.order = index
        elif sibling.order != index:
            sibling.order = index
            changed.append(sibling)
    if changed:
        type(item).objects.bulk_update(changed, ["order"])
    return position


def _close_gap(siblings: QuerySet) -> None:
    """Renumber ``siblings`` 0, 1, 2, ... after one of them left."""
    changed = []
    for index, sibling in enumerate(siblings.select_for_update()):
        if sibling.order != index:
            sibling.order = index
            changed.append(sibling)
    if changed:
        siblings.model.objects.bulk_update(changed, ["order"])


def _next_position(siblings: QuerySet) -> int:
    last = siblings.aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


def _position_of(siblings: QuerySet, item: Model) -> int:
    ids = list(siblings.values_list("pk", flat=True))
    return ids.index(item.pk) if item.pk in ids else len(ids)


# --- Drivers ------------------------------------------------------------------------


def _driver_siblings(collaborative_id: int, parent_id: int | None) -> QuerySet[Driver]:
    return Driver.objects.filter(collaborative_id=collaborative_id, parent_id=parent_id).order_by(
        "order", "id"
    )


def _check_parent(collaborative: Collaborative, parent: Driver, driver: Driver | None) -> None:
    if parent.collaborative_id != collaborative.pk:
        raise DomainError(
            "Choose a primary driver of this collaborative as the parent.", field="parent"
        )
    if driver is not None and parent.pk == driver.pk:
        raise DomainError("A driver cannot hang on itself.", field="parent")
    if parent.parent_id is not None:
        raise DomainError(
            f"“{parent.title}” is a secondary driver. A secondary driver hangs on a primary "
            "driver: the diagram has two levels of drivers, no more.",
            field="parent",
        )
    if driver is not None and driver.children.exists():
        raise DomainError(
            f"“{driver.title}” has secondary drivers of its own, so it must stay a primary "
            "driver. Move or delete its secondary drivers first.",
            field="parent",
        )


@transaction.atomic
def driver_create(
    *,
    collaborative: Collaborative,
    title: str,
    description: str = "",
    parent: Driver | None = None,
    actor: Any,
) -> Driver:
    """A primary driver (no ``parent``) or a secondary one, placed last among its siblings."""
    ensure_not_archived(collaborative)
    title = _text(title, model=Driver, field="title", required=True)
    description = _text(description, model=Driver, field="description", required=False)
    if parent is not None:
        _check_parent(collaborative, parent, None)
    siblings = _driver_siblings(collaborative.pk, parent.pk if parent else None)
    driver = Driver.objects.create(
        organization_id=collaborative.organization_id,
        collaborative=collaborative,
        parent=parent,
        title=title,
        description=description,
        order=_next_position(siblings),
    )
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.change_package.driver_created",
        target=driver,
        data={
            "title": driver.title,
            "level": "primary" if parent is None else "secondary",
            "parent": parent.title if parent else "",
            "collaborative": collaborative.name,
        },
    )
    return driver


@transaction.atomic
def driver_update(
    *,
    driver: Driver,
    actor: Any,
    title: str = UNSET,
    description: str = UNSET,
    parent: Driver | None = UNSET,
    order: int = UNSET,
) -> Driver:
    """Change a driver's text, hang it on another parent (or none), or move it to ``order``."""
    collaborative = driver.collaborative
    ensure_not_archived(collaborative)
    changes: dict[str, list[Any]] = {}
    if title is not UNSET:
        title = _text(title, model=Driver, field="title", required=True)
        if title != driver.title:
            changes["title"] = [driver.title, title]
            driver.title = title
    if description is not UNSET:
        description = _text(description, model=Driver, field="description", required=False)
        if description != driver.description:
            changes["description"] = [driver.description, description]
            driver.description = description
    old_parent_id = driver.parent_id
    new_parent_id = old_parent_id
    if parent is not UNSET:
        new_parent_id = parent.pk if parent is not None else None
        if new_parent_id != old_parent_id:
            if parent is not None:
                _check_parent(collaborative, parent, driver)
            old_parent = driver.parent
            changes["parent"] = [
                old_parent.title if old_parent else "",
                parent.title if parent else "",
            ]
            driver.parent = parent
    siblings = _driver_siblings(collaborative.pk, new_parent_id)
    if new_parent_id != old_parent_id:
        position = _next_position(siblings) if order is UNSET else order
        _place(siblings, driver, position)
    elif order is not UNSET:
        before = _position_of(siblings, driver)
        after = _place(siblings, driver, order)
        if after != before:
            changes["position"] = [before + 1, after + 1]
    driver.save()
    if new_parent_id != old_parent_id:
        _close_gap(_driver_siblings(collaborative.pk, old_parent_id).exclude(pk=driver.pk))
    if changes:
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.change_package.driver_changed",
            target=driver,
            data={
                "title": driver.title,
                "changes": changes,
                "collaborative": collaborative.name,
            },
        )
    return driver


@transaction.atomic
def driver_move(*, driver: Driver, direction: str, actor: Any) -> Driver:
    """One place up or down among its siblings; at either end it stays where it is."""
    if direction not in DIRECTIONS:
        raise DomainError("Move up or down.", field="direction")
    ensure_not_archived(driver.collaborative)
    siblings = _driver_siblings(driver.collaborative_id, driver.parent_id)
    before = _position_of(siblings, driver)
    after = _place(siblings, driver, before - 1 if direction == UP else before + 1)
    if after == before:
        return driver
    driver.save(update_fields=["order"])
    log_action(
        organization=driver.collaborative.organization,
        actor=actor,
        action="bsc.change_package.driver_moved",
        target=driver,
        data={
            "title": driver.title,
            "direction": direction,
            "position": after + 1,
            "collaborative": driver.collaborative.name,
        },
    )
    return driver


def driver_contents(driver: Driver) -> tuple[int, int]:
    """How many secondary drivers and change ideas deleting ``driver`` would delete too."""
    secondary_count = driver.children.count()
    idea_count = ChangeIdea.objects.filter(Q(driver=driver) | Q(driver__parent=driver)).count()
    return secondary_count, idea_count


@transaction.atomic
def driver_delete(*, driver: Driver, actor: Any, delete_contents: bool = False) -> None:
    """Delete a driver. One that still has secondary drivers or change ideas is refused,
    unless ``delete_contents`` confirms that they all go with it."""
    collaborative = driver.collaborative
    ensure_not_archived(collaborative)
    secondary_count, idea_count = driver_contents(driver)
    if (secondary_count or idea_count) and not delete_contents:
        parts = []
        if secondary_count:
            parts.append(counted(secondary_count, "secondary driver"))
        if idea_count:
            parts.append(counted(idea_count, "change idea"))
        raise ConflictError(
            f"“{driver.title}” still has {' and '.join(parts)}. Move them to another driver "
            "first, or confirm that you want to delete them all with it."
        )
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.change_package.driver_deleted",
        target=driver,
        data={
            "title": driver.title,
            "level": "primary" if driver.parent_id is None else "secondary",
            "secondary_drivers": secondary_count,
            "change_ideas": idea_count,
            "collaborative": collaborative.name,
        },
    )
    parent_id = driver.parent_id
    # The secondary drivers and change ideas go by the foreign keys' CASCADE, in this transaction.
    driver.delete()
    _close_gap(_driver_siblings(collaborative.pk, parent_id))


# --- Change ideas ---------------------------------------------------------------------


def _idea_siblings(driver_id: int) -> QuerySet[ChangeIdea]:
    return ChangeIdea.objects.filter(driver_id=driver_id).order_by("order", "id")


def _check_driver(collaborative: Collaborative, driver: Driver) -> None:
    if driver.collaborative_id != collaborative.pk:
        raise DomainError("Choose a driver of this collaborative.", field="driver")


@transaction.atomic
def change_idea_create(
    *,
    collaborative: Collaborative,
    driver: Driver,
    title: str,
    description: str = "",
    evidence: str = "",
    resources: str = "",
    actor: Any,
) -> ChangeIdea:
    """A change idea under ``driver``, placed last among that driver's ideas."""
    ensure_not_archived(collaborative)
    _check_driver(collaborative, driver)
    idea = ChangeIdea(
        organization_id=collaborative.organization_id,
        collaborative=collaborative,
        driver=driver,
        title=_text(title, model=ChangeIdea, field="title", required=True),
        description=_text(description, model=ChangeIdea, field="description", required=False),
        evidence=_text(evidence, model=ChangeIdea, field="evidence", required=False),
        resources=_text(resources, model=ChangeIdea, field="resources", required=False),
        order=_next_position(_idea_siblings(driver.pk)),
    )
    idea.save()
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.change_package.idea_created",
        target=idea,
        data={"title": idea.title, "driver": driver.title, "collaborative": collaborative.name},
    )
    return idea


@transaction.atomic
def change_idea_update(
    *,
    idea: ChangeIdea,
    actor: Any,
    driver: Driver = UNSET,
    title: str = UNSET,
    description: str = UNSET,
    evidence: str = UNSET,
    resources: str = UNSET,
    order: int = UNSET,
) -> ChangeIdea:
    """Change an idea's text, move it to another driver (placed last there), or to ``order``."""
    collaborative = idea.collaborative
    ensure_not_archived(collaborative)
    changes: dict[str, list[Any]] = {}
    texts = {
        "title": (title, True),
        "description": (description, False),
        "evidence": (evidence, False),
        "resources": (resources, False),
    }
    for field, (value, required) in texts.items():
        if value is UNSET:
            continue
        value = _text(value, model=ChangeIdea, field=field, required=required)
        if value != getattr(idea, field):
            changes[field] = [getattr(idea, field), value]
            setattr(idea, field, value)
    old_driver_id = idea.driver_id
    if driver is not UNSET and driver is not None and driver.pk != old_driver_id:
        _check_driver(collaborative, driver)
        changes["driver"] = [idea.driver.title, driver.title]
        idea.driver = driver
        position = _next_position(_idea_siblings(driver.pk)) if order is UNSET else order
        _place(_idea_siblings(driver.pk), idea, position)
    elif driver is None:
        raise DomainError("Choose the driver this change idea belongs to.", field="driver")
    elif order is not UNSET:
        siblings = _idea_siblings(idea.driver_id)
        before = _position_of(siblings, idea)
        after = _place(siblings, idea, order)
        if after != before:
            changes["position"] = [before + 1, after + 1]
    idea.save()
    if idea.driver_id != old_driver_id:
        _close_gap(_idea_siblings(old_driver_id).exclude(pk=idea.pk))
    if changes:
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.change_package.idea_changed",
            target=idea,
            data={"title": idea.title, "changes": changes, "collaborative": collaborative.name},
        )
    return idea


@transaction.atomic
def change_idea_move(*, idea: ChangeIdea, direction: str, actor: Any) -> ChangeIdea:
    """One place up or down among its driver's ideas; at either end it stays where it is."""
    if direction not in DIRECTIONS:
        raise DomainError("Move up or down.", field="direction")
    ensure_not_archived(idea.collaborative)
    siblings = _idea_siblings(idea.driver_id)
    before = _position_of(siblings, idea)
    after = _place(siblings, idea, before - 1 if direction == UP else before + 1)
    if after == before:
        return idea
    idea.save(update_fields=["order"])
    log_action(
        organization=idea.collaborative.organization,
        actor=actor,
        action="bsc.change_package.idea_moved",
        target=idea,
        data={
            "title": idea.title,
            "direction": direction,
            "position": after + 1,
            "collaborative": idea.collaborative.name,
        },
    )
    return idea


@transaction.atomic
def change_idea_delete(*, idea: ChangeIdea, actor: Any) -> None:
    collaborative = idea.collaborative
    ensure_not_archived(collaborative)
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.change_package.idea_deleted",
        target=idea,
        data={
            "title": idea.title,
            "driver": idea.driver.title,
            "collaborative": collaborative.name,
        },
    )
    driver_id = idea.driver_id
    idea.delete()
    _close_gap(_idea_siblings(driver_id))
