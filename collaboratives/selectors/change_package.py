"""Reads of the change package: the whole driver diagram in three queries.

``change_package_for`` loads every driver, every change idea and the aim's
goals of one collaborative (one query each, however many there are) and
builds the tree in Python: aim -> primary drivers -> secondary drivers ->
change ideas. Each node carries its number as shown on the diagram ("2",
"2.1", "2.1.3"), so people can point at an idea on paper or on a call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from collaboratives.models import AimGoal, ChangeIdea, Collaborative, Driver


@dataclass
class IdeaNode:
    idea: ChangeIdea
    number: str
    is_first: bool = False
    is_last: bool = False

    @property
    def resource_lines(self) -> list[str]:
        return [line.strip() for line in self.idea.resources.splitlines() if line.strip()]


@dataclass
class DriverNode:
    driver: Driver
    number: str
    secondaries: list[DriverNode] = field(default_factory=list)
    ideas: list[IdeaNode] = field(default_factory=list)
    is_first: bool = False
    is_last: bool = False

    @property
    def is_primary(self) -> bool:
        return self.driver.parent_id is None

    @property
    def idea_count(self) -> int:
        return len(self.ideas) + sum(len(node.ideas) for node in self.secondaries)


@dataclass
class ChangePackage:
    collaborative: Collaborative
    goals: list[AimGoal]
    primaries: list[DriverNode]

    @property
    def secondary_count(self) -> int:
        return sum(len(node.secondaries) for node in self.primaries)

    @property
    def idea_count(self) -> int:
        return sum(node.idea_count for node in self.primaries)

    @property
    def is_empty(self) -> bool:
        return not self.primaries

    def driver_choices(self) -> list[tuple[Driver, list[Driver]]]:
        """Each primary driver with its secondary ones, in diagram order (for pickers)."""
        return [
            (node.driver, [child.driver for child in node.secondaries]) for node in self.primaries
        ]


def _mark_ends(nodes: list) -> None:
    for index, node in enumerate(nodes):
        node.is_first = index == 0
        node.is_last = index == len(nodes) - 1


def change_package_for(collaborative: Collaborative) -> ChangePackage:
    """The driver diagram of ``collaborative``: three queries, whatever its size."""
    drivers = list(Driver.objects.filter(collaborative=collaborative).order_by("order", "id"))
    ideas = list(ChangeIdea.objects.filter(collaborative=collaborative).order_by("order", "id"))
    goals = list(AimGoal.objects.filter(collaborative=collaborative).order_by("order", "id"))

    ideas_by_driver: dict[int, list[ChangeIdea]] = {}
    for idea in ideas:
        ideas_by_driver.setdefault(idea.driver_id, []).append(idea)
    children: dict[int, list[Driver]] = {}
    primaries = []
    for driver in drivers:
        if driver.parent_id is None:
            primaries.append(driver)
        else:
            children.setdefault(driver.parent_id, []).append(driver)

    def idea_nodes(driver: Driver, prefix: str) -> list[IdeaNode]:
        nodes = [
            IdeaNode(idea=idea, number=f"{prefix}.{index}")
            for index, idea in enumerate(ideas_by_driver.get(driver.pk, []), start=1)
        ]
        _mark_ends(nodes)
        return nodes

    primary_nodes = []
    for p_index, primary in enumerate(primaries, start=1):
        number = str(p_index)
        node = DriverNode(driver=primary, number=number)
        # Ideas straight under a primary driver (no secondary driver between) come first.
        node.ideas = idea_nodes(primary, f"{number}.0")
        for s_index, secondary in enumerate(children.get(primary.pk, []), start=1):
            s_number = f"{number}.{s_index}"
            s_node = DriverNode(driver=secondary, number=s_number)
            s_node.ideas = idea_nodes(secondary, s_number)
            node.secondaries.append(s_node)
        _mark_ends(node.secondaries)
        primary_nodes.append(node)
    _mark_ends(primary_nodes)
    return ChangePackage(collaborative=collaborative, goals=goals, primaries=primary_nodes)
