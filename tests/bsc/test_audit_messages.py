"""Every action the code logs has a plain-language sentence, and the sentence formats with the
data the code logs: the audit page never shows a raw action name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scope

from bsc.audit import AuditEntry
from bsc.audit_messages import MESSAGES
from collaboratives.services import sharing
from measures import charting
from teams.services import assessments, spread_plans
from tests.collaboratives.sharing_support import make_world as make_sharing_world
from tests.measures.charting_support import add_values, month
from tests.measures.charting_support import make_world as make_chart_world

APPS = ("accounts", "bsc", "collaboratives", "teams", "measures", "pdsa")


# --- The source scan ---------------------------------------------------------------------


def _strings(node: ast.AST | None) -> set[str]:
    """The strings an expression can be: a literal, or either side of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _function_of(tree: ast.AST, target: ast.AST) -> ast.FunctionDef | None:
    found = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            child is target for child in ast.walk(node)
        ):
            found = node  # the innermost one wins: ast.walk goes outside in
    return found


def _assigned(function: ast.AST, name: str) -> set[str]:
    """Every string a function assigns to ``name``."""
    values: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            values |= _strings(node.value)
    return values


def _arguments_passed(tree: ast.AST, function: ast.FunctionDef, parameter: str) -> set[str]:
    """The literal values every call of ``function`` in the module passes for ``parameter``."""
    position = [arg.arg for arg in function.args.args].index(parameter)
    values: set[str] = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == function.name
        ):
            continue
        given = [kw.value for kw in node.keywords if kw.arg == parameter]
        if not given and len(node.args) > position:
            given = [node.args[position]]
        assert given and _strings(given[0]), (
            f"{function.name}() is called with a {parameter} the test cannot read"
        )
        values |= _strings(given[0])
    return values


def _actions_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    actions: set[str] = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "log_action"
        ):
            continue
        value = next((kw.value for kw in node.keywords if kw.arg == "action"), None)
        where = f"{path}:{node.lineno}"
        if isinstance(value, ast.Name):
            found = _assigned(_function_of(tree, node), value.id)
        elif isinstance(value, ast.JoinedStr):
            # f"bsc.area.{verb}": the verbs are what the enclosing function's callers pass.
            parts = value.values
            assert (
                len(parts) == 2
                and isinstance(parts[0], ast.Constant)
                and isinstance(parts[1], ast.FormattedValue)
                and isinstance(parts[1].value, ast.Name)
            ), f"{where}: an f-string action the test cannot read"
            function = _function_of(tree, node)
            verbs = _arguments_passed(tree, function, parts[1].value.id)
            found = {parts[0].value + verb for verb in verbs}
        else:
            found = _strings(value)
        assert found, f"{where}: an action the test cannot read"
        actions |= found
    return actions


def logged_actions() -> set[str]:
    root = Path(settings.BASE_DIR)
    actions: set[str] = set()
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                actions |= _actions_of(path)
    return actions


def test_the_scan_finds_the_actions_of_plain_calls_variables_and_f_strings():
    actions = logged_actions()

    assert {
        "bsc.member.invited",  # a conditional expression
        "bsc.prework.completion_changed",  # a variable
        "bsc.report.unlocked",  # an f-string with the verb from the callers
        "bsc.assessment.created",
        "bsc.assessment.changed",
        "bsc.sharing.resource_deleted",
    } <= actions


def test_every_logged_action_has_a_sentence():
    missing = sorted(action for action in logged_actions() if action not in MESSAGES)

    assert missing == []


# --- Sentences formatted with what the services really log -----------------------------


def _page_text(client, organization) -> str:
    response = client.get(reverse("audit_log", args=[organization.slug]))
    assert response.status_code == 200
    return response.content.decode()


def _descriptions(organization, prefix: str) -> dict[str, str]:
    with scope(organization=organization):
        entries = AuditEntry.objects.filter(action__startswith=prefix)
        return {entry.action: entry.description for entry in entries}


def _assert_described(client, organization, prefix: str, expected: set[str]) -> dict[str, str]:
    described = _descriptions(organization, prefix)
    assert set(described) == expected
    raw = sorted(action for action, text in described.items() if text == action)
    assert raw == []
    page = _page_text(client, organization)
    for action in expected:
        assert action not in page
    return described


@pytest.mark.django_db
def test_progress_scores_read_as_sentences(alice_client, org_a):
    world = make_sharing_world(org_a)
    with scope(organization=org_a):
        first = assessments.assessment_save(
            team=world.riverside,
            month="2026-03",
            kind="faculty",
            actor=world.faculty,
            data={"score": "2.5", "shared_with_team": False},
            expected_version=0,
        )
        assessments.assessment_save(
            team=world.riverside,
            month="2026-03",
            kind="faculty",
            actor=world.faculty,
            data={"score": "3", "comments": "Good progress.", "shared_with_team": True},
            expected_version=first.version,
        )
        assessments.scale_update(
            collaborative=world.collaborative,
            actor=world.faculty,
            levels={"1": {"label": "Forming the team"}},
        )

    described = _assert_described(
        alice_client,
        org_a,
        "bsc.assessment.",
        {"bsc.assessment.created", "bsc.assessment.changed", "bsc.assessment.scale_changed"},
    )
    assert described["bsc.assessment.created"] == (
        "recorded the faculty score of “Riverside Clinic” for 2026-03: 2.5"
    )
    assert described["bsc.assessment.changed"] == (
        "changed the faculty score of “Riverside Clinic” for 2026-03 "
        "(comments, score, sharing with the team); the score is 3"
    )
    assert described["bsc.assessment.scale_changed"] == (
        "reworded level 1 of the progress scale of “TF-CBT Collaborative”"
    )


@pytest.mark.django_db
def test_spread_plans_read_as_sentences(alice_client, org_a):
    world = make_sharing_world(org_a)
    with scope(organization=org_a):
        plan = spread_plans.spread_plan_save(
            team=world.riverside,
            actor=world.lead,
            data={"what": "The intake checklist"},
            expected_version=0,
        )
        spread_plans.spread_plan_save(
            team=world.riverside,
            actor=world.lead,
            data={"to_whom": "The north clinic", "target_date": "2026-12-01"},
            expected_version=plan.version,
        )

    described = _assert_described(
        alice_client,
        org_a,
        "bsc.spread_plan.",
        {"bsc.spread_plan.created", "bsc.spread_plan.changed"},
    )
    assert described["bsc.spread_plan.changed"] == (
        "changed the spread plan of “Riverside Clinic”: by when, to whom"
    )


@pytest.mark.django_db
def test_chart_settings_read_as_sentences(alice_client, org_a):
    world = make_chart_world(org_a)
    add_values(world.team, world.percentage, {month(i): (i, 12) for i in range(1, 9)})
    with scope(organization=org_a):
        charting.update_chart_settings(
            team=world.team,
            measure=world.percentage,
            actor=world.faculty,
            data={"chart_type": "pp", "rule_set": "anhoj"},
            expected_version=0,
            source="form",
        )

    described = _assert_described(alice_client, org_a, "bsc.chart.", {"bsc.chart.settings_changed"})
    assert described["bsc.chart.settings_changed"] == (
        "changed the chart of “Children completing treatment” for “Riverside Clinic”: "
        "chart type, signal rules"
    )


@pytest.mark.django_db
def test_sharing_reads_as_sentences(alice_client, org_a):
    world = make_sharing_world(org_a)
    member = world.access(world.member)
    faculty = world.access(world.faculty)
    with scope(organization=org_a):
        post = sharing.post_create(
            collaborative=world.collaborative,
            access=member,
            actor=world.member,
            kind="win",
            title="No-shows halved",
            body="We call the day before.",
            team=world.riverside,
        )
        sharing.post_update(post=post, access=member, actor=world.member, body="We call twice.")
        comment = sharing.comment_create(
            post=post, access=faculty, actor=world.faculty, body="Well done."
        )
        sharing.comment_update(
            comment=comment, access=faculty, actor=world.faculty, body="Well done!"
        )
        sharing.comment_remove(comment=comment, access=faculty, actor=world.faculty)
        sharing.post_remove(post=post, access=member, actor=world.member)
        sharing.preference_set(
            collaborative=world.collaborative,
            access=member,
            actor=world.member,
            frequency="daily",
        )
        resource = sharing.resource_create(
            collaborative=world.collaborative,
            access=member,
            actor=world.member,
            kind="link",
            title="Intake checklist",
            url="https://example.org/checklist",
        )
        sharing.resource_update(
            resource=resource, access=member, actor=world.member, description="Page one."
        )
        sharing.resource_delete(resource=resource, access=member, actor=world.member)

    described = _assert_described(
        alice_client,
        org_a,
        "bsc.sharing.",
        {
            "bsc.sharing.post_created",
            "bsc.sharing.post_updated",
            "bsc.sharing.post_removed",
            "bsc.sharing.comment_created",
            "bsc.sharing.comment_updated",
            "bsc.sharing.comment_removed",
            "bsc.sharing.preference_set",
            "bsc.sharing.resource_added",
            "bsc.sharing.resource_updated",
            "bsc.sharing.resource_deleted",
        },
    )
    assert described["bsc.sharing.post_created"] == "posted the win “No-shows halved”"
    assert described["bsc.sharing.post_updated"] == "edited the post “No-shows halved”"
    assert described["bsc.sharing.post_removed"] == "removed the post “No-shows halved”"
    assert described["bsc.sharing.preference_set"] == (
        "chose how to hear about new posts: a daily digest"
    )
    assert described["bsc.sharing.resource_updated"] == (
        "changed the resource “Intake checklist”: description"
    )
    assert described["bsc.sharing.resource_deleted"] == "deleted the resource “Intake checklist”"


@pytest.mark.django_db
def test_the_audit_page_filters_progress_and_spread_plan_entries(alice_client, org_a):
    world = make_sharing_world(org_a)
    with scope(organization=org_a):
        spread_plans.spread_plan_save(
            team=world.riverside,
            actor=world.lead,
            data={"what": "The intake checklist"},
            expected_version=0,
        )
        sharing.preference_set(
            collaborative=world.collaborative,
            access=world.access(world.member),
            actor=world.member,
            frequency="off",
        )

    response = alice_client.get(
        reverse("audit_log", args=[org_a.slug]), {"action": "bsc.assessment"}
    )

    page = response.content.decode()
    assert "wrote the spread plan of “Riverside Clinic”" in page
    assert "chose how to hear about new posts" not in page


@pytest.mark.django_db
def test_a_rewording_of_several_levels_names_them_all(org_a):
    from tests.factories import AuditEntryFactory

    entry = AuditEntryFactory(
        organization=org_a,
        action="bsc.assessment.scale_changed",
        data={
            "collaborative": "TF-CBT",
            "levels": [
                {"score": "1", "old": "a", "new": "b"},
                {"score": "2.5", "old": "c", "new": "d"},
                {"score": "5", "old": "e", "new": "f"},
            ],
        },
    )

    assert entry.description == "reworded levels 1, 2.5 and 5 of the progress scale of “TF-CBT”"
