"""Does a team's roster fit its collaborative's rules? Plain data in, plain sentences out.

A pure function of the rules and the roster's roles, with no database access,
so the team page, the team list, the API and the application review queue (a
proposed roster is only a list of role lists) all give the same warnings.

What the rules come from (shared/docs/domain.md, "Two kinds of collaborative"):
the collaborative's ``min_team_size``, ``max_team_size`` and ``required_roles``
(pre-filled from its kind, editable), plus the leads the method expects. Every
team needs a senior leader, who convenes it, gives it time and resources and
gets the escalated reminders; a national collaborative's team also names a
day-to-day leader. A regional team may do without one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from teams.roles import TeamRole

if TYPE_CHECKING:
    from collaboratives.models import Collaborative

NATIONAL = "national"

# The role names as they read inside a sentence, singular and plural.
_ROLE_WORDS: dict[str, tuple[str, str]] = {
    TeamRole.SENIOR_LEADER: ("senior leader", "senior leaders"),
    TeamRole.DAY_TO_DAY_LEADER: ("day-to-day leader", "day-to-day leaders"),
    TeamRole.AGENCY_ADMINISTRATOR: ("agency administrator", "agency administrators"),
    TeamRole.CLINICAL_SUPERVISOR: ("clinical supervisor", "clinical supervisors"),
    TeamRole.TRAINER: ("trainer", "trainers"),
    TeamRole.CLINICIAN: ("clinician", "clinicians"),
    TeamRole.COMMUNITY_PARTNER: ("community partner", "community partners"),
    TeamRole.FAMILY_PARTNER: ("family partner", "family partners"),
    TeamRole.TEACHER: ("teacher", "teachers"),
    TeamRole.OTHER: ("member in another role", "members in another role"),
}
_ROLE_ORDER = {role: index for index, role in enumerate(TeamRole.values)}


def role_words(role: str, count: int = 1) -> str:
    """``clinician`` -> "clinician" / "clinicians"; an unknown role reads as its name."""
    singular, plural = _ROLE_WORDS.get(role, (role.replace("_", " "), role.replace("_", " ")))
    return singular if count == 1 else plural


@dataclass(frozen=True)
class CompositionRules:
    """What a team of one collaborative should look like."""

    min_team_size: int = 0
    max_team_size: int | None = None
    # Least number of members per role, e.g. {"clinician": 2}.
    required_roles: Mapping[str, int] = field(default_factory=dict)
    # Lead roles the team is expected to fill (at least one member each).
    expected_leads: tuple[str, ...] = (TeamRole.SENIOR_LEADER,)

    @classmethod
    def for_kind(cls, kind: str, **values: Any) -> CompositionRules:
        leads = (TeamRole.SENIOR_LEADER,)
        if kind == NATIONAL:
            leads = (TeamRole.SENIOR_LEADER, TeamRole.DAY_TO_DAY_LEADER)
        return cls(expected_leads=leads, **values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> CompositionRules:
        """From plain data: ``min_team_size``, ``max_team_size``, ``required_roles``,
        and ``kind`` (which sets the expected leads) or ``expected_leads``."""
        known = {"min_team_size", "max_team_size", "required_roles", "expected_leads"}
        kwargs = {key: values[key] for key in known if key in values}
        if "expected_leads" in kwargs:
            kwargs["expected_leads"] = tuple(kwargs["expected_leads"])
            return cls(**kwargs)
        return cls.for_kind(str(values.get("kind", "")), **kwargs)


def rules_for(collaborative: Collaborative) -> CompositionRules:
    """The collaborative's rules. Reads only fields of the row already loaded."""
    return CompositionRules.for_kind(
        collaborative.kind,
        min_team_size=collaborative.min_team_size,
        max_team_size=collaborative.max_team_size,
        required_roles=dict(collaborative.required_roles or {}),
    )


def _with_article(words: str) -> str:
    return f"an {words}" if words[:1].lower() in tuple("aeiou") else f"a {words}"


def _members_phrase(count: int) -> str:
    return "none" if count == 0 else str(count)


def composition_warnings(
    *, rules: CompositionRules | Mapping[str, Any], members: Iterable[Iterable[str]]
) -> list[str]:
    """Plain-language warnings about a roster; an empty list when it fits the rules.

    ``members`` holds each roster member's roles (a member may hold several;
    each counts towards every role they hold).
    """
    if not isinstance(rules, CompositionRules):
        rules = CompositionRules.from_mapping(rules)
    rosters = [frozenset(roles) for roles in members]
    size = len(rosters)
    held = Counter(role for roles in rosters for role in roles)
    warnings: list[str] = []

    if rules.min_team_size and size < rules.min_team_size:
        noun = "member" if rules.min_team_size == 1 else "members"
        warnings.append(
            f"Needs at least {rules.min_team_size} {noun} (has {_members_phrase(size)})."
        )
    if rules.max_team_size and size > rules.max_team_size:
        warnings.append(
            f"Has {size} members; the most for this collaborative is {rules.max_team_size}."
        )

    required = {
        str(role): int(count) for role, count in (rules.required_roles or {}).items() if count
    }
    for lead in rules.expected_leads:
        # A lead named in the required roles is warned about there, with its count.
        if lead not in required and held[lead] == 0:
            warnings.append(f"Has no {role_words(lead)}.")

    for role in sorted(required, key=lambda r: (_ROLE_ORDER.get(r, len(_ROLE_ORDER)), r)):
        needed, has = required[role], held[role]
        if has >= needed:
            continue
        if needed == 1:
            warnings.append(f"Needs {_with_article(role_words(role))} (has none).")
        else:
            warnings.append(
                f"Needs at least {needed} {role_words(role, needed)} (has {_members_phrase(has)})."
            )

    without_role = sum(1 for roles in rosters if not roles)
    if without_role == 1:
        warnings.append("1 member has no team role.")
    elif without_role:
        warnings.append(f"{without_role} members have no team role.")
    return warnings


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def rules_summary(rules: CompositionRules | Mapping[str, Any]) -> str:
    """The rules in one sentence: "5 to 10 members, including a senior leader, ... and at
    least 2 clinicians." """
    if not isinstance(rules, CompositionRules):
        rules = CompositionRules.from_mapping(rules)
    low, high = rules.min_team_size, rules.max_team_size
    if low and high:
        size = f"{low} to {high} members"
    elif low:
        size = f"at least {low} member{'s' if low != 1 else ''}"
    elif high:
        size = f"at most {high} members"
    else:
        size = "any number of members"
    required = {
        str(role): int(count) for role, count in (rules.required_roles or {}).items() if count
    }
    including = [
        _with_article(role_words(lead)) for lead in rules.expected_leads if lead not in required
    ]
    for role in sorted(required, key=lambda r: (_ROLE_ORDER.get(r, len(_ROLE_ORDER)), r)):
        count = required[role]
        words = role_words(role, count)
        including.append(_with_article(words) if count == 1 else f"at least {count} {words}")
    sentence = f"{size}, including {_join(including)}." if including else f"{size}."
    return sentence[:1].upper() + sentence[1:]
