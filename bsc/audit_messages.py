"""Plain-language sentences for audit actions, shown on the audit log page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bsc.audit import AuditEntry

MESSAGES: dict[str, str] = {
    "bsc.organization.created": "created the organization",
    "bsc.organization.changed": "changed the organization's settings",
    "bsc.member.invited": "invited {email} as {role}",
    "bsc.member.reinvited": "sent a new invitation to {email}",
    "bsc.invitation.revoked": "withdrew the invitation of {email}",
    "bsc.member.joined": "joined as {role}",
    "bsc.member.added": "added {email} as {role}",
    "bsc.member.role_changed": "changed the role of {email} from {old} to {new}",
    "bsc.member.removed": "removed {email}",
    "bsc.token.created": "created the API token “{name}”",
    "bsc.token.revoked": "revoked the API token “{name}”",
    "bsc.collaborative.created": "created the collaborative “{name}”",
    "bsc.collaborative.changed": "changed the settings of “{name}”: {fields}",
    "bsc.collaborative.archived": "archived the collaborative “{name}”",
    "bsc.collaborative.restored": "restored the collaborative “{name}”",
    "bsc.collaborative.copied": "created “{name}” as a new wave of “{source}”",
    "bsc.collaborative.goal_added": "added the goal “{description}” to “{collaborative}”",
    "bsc.collaborative.goal_changed": "changed the goal “{description}” of “{collaborative}”",
    "bsc.collaborative.goal_removed": "removed the goal “{description}” from “{collaborative}”",
    "bsc.collaborative.leadership_added": "made {email} {role} of “{collaborative}”",
    "bsc.collaborative.leadership_invited": "invited {email} to be {role} of “{collaborative}”",
    "bsc.collaborative.leadership_removed": "removed {email} as {role} of “{collaborative}”",
    "bsc.collaborative.leadership_joined": "joined “{collaborative}” as {role}",
    "bsc.team.created": "created the team “{name}”",
    "bsc.team.changed": "changed the team “{name}”",
    "bsc.team.withdrawn": "withdrew the team “{name}” from the collaborative",
    "bsc.team.member_added": "added {full_name} to the roster of “{team}”",
    "bsc.team.member_changed": "changed the roster entry of {full_name} in “{team}”",
    "bsc.team.member_removed": "removed {full_name} from the roster of “{team}”",
    "bsc.team.member_invited": "invited {email} to the platform for the roster of “{team}”",
    "bsc.team.member_linked": "linked the account {email} to the roster of “{team}”",
    "bsc.learning_session.created": (
        "added Learning Session {number} “{title}” to “{collaborative}”"
    ),
    "bsc.learning_session.changed": (
        "changed Learning Session {number} “{title}” of “{collaborative}”"
    ),
    "bsc.learning_session.deleted": (
        "deleted Learning Session {number} “{title}” of “{collaborative}”"
    ),
    "bsc.session_material.added": (
        "added the material “{title}” to Learning Session {number} of “{collaborative}”"
    ),
    "bsc.session_material.removed": (
        "removed the material “{title}” from Learning Session {number} of “{collaborative}”"
    ),
    "bsc.action_period.changed": "changed Action Period {number} of “{collaborative}”",
    "bsc.action_period.reset": (
        "gave Action Period {number} of “{collaborative}” its dates from the sessions again"
    ),
    "bsc.call_series.created": "scheduled the calls “{title}” ({rule}) in “{collaborative}”",
    "bsc.call_series.changed": "changed the calls “{title}” ({rule}) of “{collaborative}”",
    "bsc.call_series.deleted": "deleted the calls “{title}” of “{collaborative}”",
    "bsc.call.created": "scheduled the call “{title}” on {date} in “{collaborative}”",
    "bsc.call.changed": "changed the call “{title}” on {date} of “{collaborative}”",
    "bsc.call.cancelled": "cancelled the call “{title}” on {date} of “{collaborative}”",
    "bsc.call.reinstated": "put the call “{title}” on {date} of “{collaborative}” back on",
    "bsc.call.deleted": "deleted the call “{title}” on {date} of “{collaborative}”",
    "bsc.call.attendance_recorded": (
        "took attendance of the call “{title}” on {date}: {present} present from "
        "{teams_present} teams"
    ),
    "bsc.calendar_feed.reset": "made a new private calendar link",
    "bsc.change_package.driver_created": (
        "added the {level} driver “{title}” to the change package of “{collaborative}”"
    ),
    "bsc.change_package.driver_changed": (
        "changed the driver “{title}” in the change package of “{collaborative}”"
    ),
    "bsc.change_package.driver_moved": (
        "moved the driver “{title}” {direction} in the change package of “{collaborative}”"
    ),
    "bsc.change_package.driver_deleted": (
        "deleted the {level} driver “{title}” from the change package of “{collaborative}”"
    ),
    "bsc.change_package.idea_created": (
        "added the change idea “{title}” under “{driver}” in “{collaborative}”"
    ),
    "bsc.change_package.idea_changed": "changed the change idea “{title}” in “{collaborative}”",
    "bsc.change_package.idea_moved": (
        "moved the change idea “{title}” {direction} in “{collaborative}”"
    ),
    "bsc.change_package.idea_deleted": "deleted the change idea “{title}” from “{collaborative}”",
    "bsc.prework.assignment_created": (
        "added the pre-work assignment “{title}” to “{collaborative}”"
    ),
    "bsc.prework.assignment_changed": (
        "changed the pre-work assignment “{title}” of “{collaborative}”"
    ),
    "bsc.prework.assignment_deleted": (
        "deleted the pre-work assignment “{title}” of “{collaborative}”"
    ),
    "bsc.prework.completed": "marked “{assignment}” done for the team “{team}”",
    "bsc.prework.completion_changed": (
        "updated how the team “{team}” completed “{assignment}” (a new file or note)"
    ),
    "bsc.prework.completion_undone": "marked “{assignment}” not done for the team “{team}”",
    "bsc.application_window.created": "opened applications to “{collaborative}”",
    "bsc.application_window.changed": "changed the application window of “{collaborative}”",
    "bsc.application_question.added": "added the application question “{text}”",
    "bsc.application_question.changed": "changed the application question “{text}”",
    "bsc.application_question.removed": "removed the application question “{text}”",
    "bsc.readiness_item.added": "added the readiness statement “{statement}”",
    "bsc.readiness_item.changed": "changed the readiness statement “{statement}”",
    "bsc.readiness_item.removed": "removed the readiness statement “{statement}”",
    "bsc.application.submitted": "applied to “{collaborative}” for the team “{team_name}”",
    "bsc.application.withdrawn": "withdrew the application of “{team_name}” to “{collaborative}”",
    "bsc.application.accepted": "accepted “{team_name}” into “{collaborative}”",
    "bsc.application.declined": "declined the application of “{team_name}” to “{collaborative}”",
    "bsc.application.invited": "invited {email} to apply to “{collaborative}”",
    "bsc.application.invitation_accepted": "joined to apply to “{collaborative}”",
    "bsc.measure.created": "added the measure “{name}” ({code})",
    "bsc.measure.changed": "changed the measure “{name}”: {fields}",
    "bsc.measure.archived": "archived the measure “{name}”",
    "bsc.measure.restored": "restored the measure “{name}”",
    "bsc.measure.moved": "moved the measure “{name}” {direction}",
    "bsc.measure.team_goal_set": "set the goal of {team} for “{name}” to {goal}",
    "bsc.measure.team_goal_removed": "removed the own goal of {team} for “{name}”",
    "bsc.values.imported": "imported {created} new and {changed} changed values for {team}",
    "bsc.report.saved": "saved the {month} report of {team}",
    "bsc.report.submitted": "submitted the {month} report of {team}",
    "bsc.report.returned": "returned the {month} report of {team} for revision",
    "bsc.report.accepted": "accepted the {month} report of {team}",
    "bsc.report.reopened": "reopened the {month} report of {team}",
    "bsc.report.unlocked": "unlocked the {month} report of {team} for {days} days",
    "bsc.assessment.created": "recorded the {kind_label} of “{team}” for {month}: {score}",
    "bsc.assessment.changed": (
        "changed the {kind_label} of “{team}” for {month} ({field_labels}); the score is {score}"
    ),
    "bsc.assessment.scale_changed": (
        "reworded {level_scores} of the progress scale of “{collaborative}”"
    ),
    "bsc.spread_plan.created": "wrote the spread plan of “{team}”",
    "bsc.spread_plan.changed": "changed the spread plan of “{team}”: {field_labels}",
    "bsc.chart.settings_changed": "changed the chart of “{measure}” for “{team}”: {field_labels}",
    "bsc.sharing.post_created": "posted the {kind_label} “{target}”",
    "bsc.sharing.post_updated": "{post_change} the post “{target}”",
    "bsc.sharing.post_removed": "removed the post “{title}”",
    "bsc.sharing.comment_created": "replied to a post",
    "bsc.sharing.comment_updated": "edited a reply to a post",
    "bsc.sharing.comment_removed": "removed a reply to a post",
    "bsc.sharing.preference_set": "chose how to hear about new posts: {frequency_label}",
    "bsc.sharing.resource_added": "shared the resource “{target}”",
    "bsc.sharing.resource_updated": "changed the resource “{target}”: {field_labels}",
    "bsc.sharing.resource_deleted": "deleted the resource “{title}”",
}

# Words for the field names services log, so a sentence never shows a code name.
FIELD_LABELS: dict[str, str] = {
    # Progress assessments
    "score": "score",
    "justification": "justification",
    "comments": "comments",
    "suggestions": "suggestions",
    "shared_with_team": "sharing with the team",
    # Spread plans
    "what": "what will be spread",
    "to_whom": "to whom",
    "expected_improvement": "expected improvement",
    "target_date": "by when",
    "learning_transfer": "how learning moves from the pilot",
    # Chart settings
    "chart_type": "chart type",
    "rule_set": "signal rules",
    "phase_breaks": "phases",
    "freeze_month": "frozen limits",
    "exclusions": "excluded points",
    # Shared resources
    "title": "title",
    "description": "description",
    "kind": "kind",
    "url": "link",
    "file": "file",
    "team": "team",
    "session": "learning session",
}

KIND_LABELS: dict[str, str] = {
    "faculty": "faculty score",
    "self": "self-score",
    "announcement": "announcement",
    "win": "win",
    "question": "question",
    "lesson": "lesson learned",
}

FREQUENCY_LABELS: dict[str, str] = {
    "immediate": "an e-mail for each post or reply",
    "daily": "a daily digest",
    "off": "no e-mail",
}


def _field_labels(fields: Any) -> str:
    if isinstance(fields, str):
        fields = [name.strip() for name in fields.split(",") if name.strip()]
    if not isinstance(fields, (list, tuple)) or not fields:
        return "nothing"
    return ", ".join(FIELD_LABELS.get(str(name), str(name).replace("_", " ")) for name in fields)


def _post_change(data: dict[str, Any]) -> str:
    words = []
    if data.get("text"):
        words.append("edited")
    if "pinned" in data:
        words.append("pinned" if data["pinned"] else "unpinned")
    return " and ".join(words) or "changed"


def _level_scores(levels: Any) -> str:
    """``[{"score": "1", ...}, {"score": "2.5", ...}]`` -> "levels 1 and 2.5"."""
    scores = [
        str(level.get("score", ""))
        for level in (levels if isinstance(levels, list) else [])
        if isinstance(level, dict)
    ]
    if not scores:
        return "the levels"
    if len(scores) == 1:
        return f"level {scores[0]}"
    return f"levels {', '.join(scores[:-1])} and {scores[-1]}"


def _derived(data: dict[str, Any]) -> dict[str, str]:
    """Plain words computed from the logged data, for the sentences above."""
    fields = data.get("fields", data.get("changed"))
    levels = data.get("levels")
    kind = str(data.get("kind") or "")
    frequency = str(data.get("frequency") or "")
    return {
        "kind_label": KIND_LABELS.get(kind, kind.replace("_", " ")),
        "field_labels": _field_labels(fields),
        "post_change": _post_change(data),
        "level_scores": _level_scores(levels),
        "frequency_label": FREQUENCY_LABELS.get(frequency, frequency),
    }


def describe(entry: AuditEntry) -> str:
    """The entry as a sentence after the actor's name; the raw action when none fits.

    A sentence may use the logged data, ``{target}`` (what the entry concerns) and the
    plain words ``_derived`` computes (``{kind_label}``, ``{field_labels}``, ...).
    """
    template = MESSAGES.get(entry.action)
    if template is None:
        return entry.action
    data = entry.data if isinstance(entry.data, dict) else {}
    values = {"target": entry.target_repr, **_derived(data), **data}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return entry.action
