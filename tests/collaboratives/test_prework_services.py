"""Pre-work services and the upload check: assignments, completions, files judged by content."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import Assignment, AssignmentCompletion
from collaboratives.selectors.prework import PreworkStatus, completion_grid, status_of
from collaboratives.services import prework as services
from collaboratives.uploads import check_upload, display_name
from tests.collaboratives.prework_support import (
    EXE,
    GIF,
    HTML,
    JPEG,
    PDF,
    PNG,
    TEXT,
    WEBP,
    upload,
)
from tests.factories import (
    AssignmentFactory,
    CollaborativeFactory,
    CompletionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def collaborative(org_a):
    return CollaborativeFactory(organization=org_a, slug="tf-cbt", name="TF-CBT 2026")


@pytest.fixture
def team(collaborative):
    return TeamFactory(collaborative=collaborative, name="Riverside")


@pytest.fixture
def storyboard(collaborative):
    return AssignmentFactory(
        collaborative=collaborative, kind="storyboard", title="Storyboard", requires_upload=True
    )


@pytest.fixture
def reading(collaborative):
    return AssignmentFactory(collaborative=collaborative, kind="reading", title="Read the guide")


def _entry(org, action) -> AuditEntry | None:
    with scopes_disabled():
        return AuditEntry.objects.filter(organization=org, action=action).first()


# --- The upload check ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "storyboard.pdf", "application/pdf"),
        (PNG, "storyboard.png", "image/png"),
        (JPEG, "storyboard.jpeg", "image/jpeg"),
        (GIF, "storyboard.gif", "image/gif"),
        (WEBP, "storyboard.webp", "image/webp"),
    ],
)
def test_it_accepts_a_pdf_or_an_image_by_its_content(content, name, content_type):
    checked = check_upload(upload(name, content), name=name)

    assert checked.content_type == content_type
    assert checked.file_name == name
    assert not checked.renamed


@pytest.mark.parametrize(
    ("content", "what"),
    [(EXE, " It is a EXE file."), (HTML, ""), (TEXT, "")],
    ids=["exe", "html", "text"],
)
def test_it_refuses_a_file_that_only_claims_to_be_a_pdf(content, what):
    with pytest.raises(DomainError) as raised:
        check_upload(upload("storyboard.pdf", content, "application/pdf"), name="storyboard.pdf")

    assert raised.value.field == "file"
    assert raised.value.message == (
        "“storyboard.pdf” is not a PDF or an image (PNG, JPEG, GIF or WebP), whatever its name "
        f"says.{what} Save it as a PDF or an image and upload that."
    )


def test_it_keeps_a_file_under_the_extension_its_content_has():
    checked = check_upload(upload("storyboard.pdf", PNG), name="storyboard.pdf")

    assert checked.content_type == "image/png"
    assert checked.file_name == "storyboard.png"
    assert checked.renamed


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = PDF + b"%" + b"x" * 2048

    with pytest.raises(DomainError) as raised:
        check_upload(upload("storyboard.pdf", big), name="storyboard.pdf")

    assert raised.value.field == "file"
    assert "files can be at most 1.0\xa0KB" in raised.value.message


def test_it_refuses_an_empty_file():
    with pytest.raises(DomainError) as raised:
        check_upload(upload("storyboard.pdf", b""), name="storyboard.pdf")

    assert raised.value.message == "“storyboard.pdf” is empty. Choose the file again."


def test_it_keeps_only_the_base_of_a_name_with_folders():
    assert display_name("C:\\Users\\me\\Desktop\\story board.pdf") == "story board.pdf"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("\x00\n") == "upload"


# --- Assignments ------------------------------------------------------------------------


def test_it_creates_an_assignment_last_with_an_audit_entry(collaborative, reading, alice, org_a):
    with scope(organization=org_a):
        assignment = services.assignment_create(
            collaborative=collaborative,
            kind="readiness",
            title=" Readiness assessment ",
            url="https://example.org/form",
            due_date=date(2026, 1, 20),
            actor=alice,
        )

    assert assignment.title == "Readiness assessment"
    assert assignment.order > reading.order
    entry = _entry(org_a, "bsc.prework.assignment_created")
    assert entry.actor == alice
    assert entry.description == (
        "added the pre-work assignment “Readiness assessment” to “TF-CBT 2026”"
    )


def test_it_refuses_a_due_date_after_the_collaborative_ends(collaborative, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.assignment_create(
            collaborative=collaborative,
            kind="reading",
            title="Too late",
            due_date=date(2027, 3, 1),
            actor=alice,
        )

    assert raised.value.field == "due_date"
    assert "after the collaborative ends (31 Dec 2026)" in raised.value.message
    with scopes_disabled():
        assert not Assignment.objects.exists()


def test_it_refuses_an_unknown_kind(collaborative, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.assignment_create(
            collaborative=collaborative, kind="poster", title="X", actor=alice
        )

    assert raised.value.field == "kind"


def test_it_refuses_a_link_that_is_not_a_web_address(collaborative, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.assignment_create(
            collaborative=collaborative,
            kind="reading",
            title="X",
            url="javascript:alert(1)",
            actor=alice,
        )

    assert raised.value.field == "url"


def test_it_changes_only_the_given_fields(collaborative, reading, alice, org_a):
    with scope(organization=org_a):
        services.assignment_update(assignment=reading, due_date=date(2026, 2, 1), actor=alice)

    with scopes_disabled():
        reading.refresh_from_db()
    assert reading.due_date == date(2026, 2, 1)
    assert reading.title == "Read the guide"
    entry = _entry(org_a, "bsc.prework.assignment_changed")
    assert entry.data["changes"] == {"due_date": ["2026-01-05", "2026-02-01"]}


def test_it_refuses_to_delete_an_assignment_teams_already_did(reading, team, alice, org_a):
    CompletionFactory(assignment=reading, team=team)

    with scope(organization=org_a), pytest.raises(ConflictError) as raised:
        services.assignment_delete(assignment=reading, actor=alice)

    assert raised.value.message.startswith("1 team already did “Read the guide”.")
    with scopes_disabled():
        assert Assignment.objects.exists()


def test_it_deletes_an_assignment_with_its_completions_and_files_when_confirmed(
    storyboard, team, alice, org_a, django_capture_on_commit_callbacks
):
    with scope(organization=org_a):
        completion = services.completion_mark(
            assignment=storyboard, team=team, upload=upload("s.pdf", PDF), actor=alice
        )
    stored = completion.file.name
    assert default_storage.exists(stored)

    with (
        scope(organization=org_a),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.assignment_delete(assignment=storyboard, delete_completions=True, actor=alice)

    with scopes_disabled():
        assert not Assignment.objects.exists()
        assert not AssignmentCompletion.objects.exists()
    assert not default_storage.exists(stored)


def test_it_refuses_changes_to_an_archived_collaborative(collaborative, alice, org_a):
    collaborative.archived_at = timezone.now()
    collaborative.save()

    with scope(organization=org_a), pytest.raises(ConflictError):
        services.assignment_create(
            collaborative=collaborative, kind="reading", title="X", actor=alice
        )


# --- Completions ------------------------------------------------------------------------------


def test_it_marks_an_assignment_done_with_a_pdf(storyboard, team, bob, org_a):
    with scope(organization=org_a):
        completion = services.completion_mark(
            assignment=storyboard,
            team=team,
            note="Poster for the first session",
            upload=upload("Riverside storyboard.pdf", PDF),
            actor=bob,
        )

    assert completion.file_name == "Riverside storyboard.pdf"
    assert completion.content_type == "application/pdf"
    assert completion.completed_by == bob
    assert completion.note == "Poster for the first session"
    # Stored under a random name: the uploader's name never reaches the storage.
    assert completion.file.name.startswith("prework/")
    assert completion.file.name.endswith(".pdf")
    assert "Riverside" not in completion.file.name
    with completion.file.open("rb") as handle:
        assert handle.read() == PDF
    entry = _entry(org_a, "bsc.prework.completed")
    assert entry.description == "marked “Storyboard” done for the team “Riverside”"


def test_it_stores_a_png_named_pdf_under_png(storyboard, team, bob, org_a):
    with scope(organization=org_a):
        completion = services.completion_mark(
            assignment=storyboard, team=team, upload=upload("storyboard.pdf", PNG), actor=bob
        )

    assert completion.file_name == "storyboard.png"
    assert completion.content_type == "image/png"
    assert completion.file.name.endswith(".png")
    assert _entry(org_a, "bsc.prework.completed").data["uploaded_as"] == "storyboard.pdf"


def test_it_refuses_a_program_renamed_pdf_and_saves_nothing(storyboard, team, bob, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.completion_mark(
            assignment=storyboard, team=team, upload=upload("storyboard.pdf", EXE), actor=bob
        )

    assert raised.value.field == "file"
    with scopes_disabled():
        assert not AssignmentCompletion.objects.exists()
        assert not AuditEntry.objects.exists()


def test_it_requires_a_file_where_the_assignment_asks_for_one(storyboard, team, bob, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.completion_mark(assignment=storyboard, team=team, note="Done!", actor=bob)

    assert raised.value.field == "file"
    assert raised.value.message == "“Storyboard” needs a file: upload your team's PDF or image."


def test_it_marks_a_reading_done_without_a_file(reading, team, bob, org_a):
    with scope(organization=org_a):
        completion = services.completion_mark(assignment=reading, team=team, actor=bob)

    assert not completion.file
    assert completion.file_name == ""


def test_a_new_upload_replaces_the_file_once_committed(
    storyboard, team, bob, alice, org_a, django_capture_on_commit_callbacks
):
    with scope(organization=org_a):
        first = services.completion_mark(
            assignment=storyboard, team=team, upload=upload("v1.pdf", PDF), actor=bob
        )
    old_name = first.file.name
    completed_at = first.completed_at

    with scope(organization=org_a), django_capture_on_commit_callbacks(execute=True):
        second = services.completion_mark(
            assignment=storyboard, team=team, upload=upload("v2.png", PNG), actor=alice
        )

    assert second.pk == first.pk
    assert second.file_name == "v2.png"
    assert second.completed_at == completed_at
    assert second.completed_by == bob
    assert not default_storage.exists(old_name)
    assert default_storage.exists(second.file.name)
    entry = _entry(org_a, "bsc.prework.completion_changed")
    assert entry.actor == alice
    assert entry.data["replaced_file"] == "v1.pdf"


def test_a_refused_replacement_keeps_the_file_handed_in(storyboard, team, bob, org_a):
    with scope(organization=org_a):
        first = services.completion_mark(
            assignment=storyboard, team=team, upload=upload("v1.pdf", PDF), actor=bob
        )

    with scope(organization=org_a), pytest.raises(DomainError):
        services.completion_mark(
            assignment=storyboard, team=team, upload=upload("v2.pdf", HTML), actor=bob
        )

    with scopes_disabled():
        kept = AssignmentCompletion.objects.get()
    assert kept.file.name == first.file.name
    assert kept.file_name == "v1.pdf"
    assert default_storage.exists(first.file.name)


def test_it_refuses_a_team_of_another_collaborative(storyboard, org_a, bob):
    other_team = TeamFactory(collaborative=CollaborativeFactory(organization=org_a))

    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.completion_mark(
            assignment=storyboard, team=other_team, upload=upload("s.pdf", PDF), actor=bob
        )

    assert raised.value.field == "team"


def test_it_refuses_a_withdrawn_team(reading, team, bob, org_a):
    team.status = "withdrawn"
    team.save()

    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.completion_mark(assignment=reading, team=team, actor=bob)

    assert "has withdrawn" in raised.value.message


def test_undoing_a_completion_deletes_it_and_its_file(
    storyboard, team, bob, org_a, django_capture_on_commit_callbacks
):
    with scope(organization=org_a):
        completion = services.completion_mark(
            assignment=storyboard, team=team, upload=upload("s.pdf", PDF), actor=bob
        )
    stored = completion.file.name

    with scope(organization=org_a), django_capture_on_commit_callbacks(execute=True):
        services.completion_undo(completion=completion, actor=bob)

    with scopes_disabled():
        assert not AssignmentCompletion.objects.exists()
    assert not default_storage.exists(stored)
    assert _entry(org_a, "bsc.prework.completion_undone").data["team"] == "Riverside"


# --- Status -------------------------------------------------------------------------------------


def test_the_status_follows_the_due_date_in_the_organizations_time_zone(reading, org_a):
    zone = org_a.tzinfo  # America/New_York
    due = reading.due_date  # 5 January 2026
    # 6 January, 02:00 UTC is still 5 January in New York: on time.
    on_time = CompletionFactory.build(
        assignment=reading, completed_at=datetime(2026, 1, 6, 2, 0, tzinfo=UTC)
    )
    late = CompletionFactory.build(
        assignment=reading, completed_at=datetime(2026, 1, 6, 6, 0, tzinfo=UTC)
    )

    assert status_of(reading, on_time, today=due, zone=zone) == PreworkStatus.DONE
    assert status_of(reading, late, today=due, zone=zone) == PreworkStatus.LATE
    assert status_of(reading, None, today=due, zone=zone) == PreworkStatus.MISSING
    overdue = status_of(reading, None, today=due + timedelta(days=1), zone=zone)
    assert overdue == PreworkStatus.OVERDUE


def test_the_grid_costs_three_queries_for_any_number_of_teams(
    collaborative, reading, storyboard, org_a, django_assert_num_queries
):
    teams = [TeamFactory(collaborative=collaborative) for _ in range(30)]
    TeamFactory(collaborative=collaborative, status="withdrawn")
    for team in teams[::2]:
        CompletionFactory(assignment=reading, team=team)

    # 1 assignments, 2 active teams, 3 completions.
    with scope(organization=org_a), django_assert_num_queries(3):
        grid = completion_grid(collaborative, zone=org_a.tzinfo, today=date(2026, 2, 1))

    assert len(grid.rows) == 30
    summary = {s.assignment.pk: s for s in grid.summaries}
    assert summary[reading.pk].done_count == 15
    assert summary[storyboard.pk].overdue == 30
