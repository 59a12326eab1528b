"""The pre-work API: assignments, and completions with file uploads judged by content."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django_scopes import scopes_disabled

from accounts.models import Role
from bsc.audit import AuditEntry
from collaboratives.models import Assignment, AssignmentCompletion
from tests.api.helpers import absolute, api_url
from tests.collaboratives.prework_support import EXE, HTML, PDF, PNG, TEXT, upload
from tests.factories import (
    ApiTokenFactory,
    AssignmentFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    CompletionFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations/org-a/collaboratives/tf-cbt"


@pytest.fixture
def client_for(request, api_client):
    """A client signed in (by session) as the named persona, or anonymous."""

    def sign_in(persona: str):
        if persona != "anonymous":
            api_client.force_login(request.getfixturevalue(persona))
        return api_client

    return sign_in


@pytest.fixture
def collaborative(org_a):
    return CollaborativeFactory(organization=org_a, slug="tf-cbt", name="TF-CBT 2026")


@pytest.fixture
def team(collaborative):
    return TeamFactory(collaborative=collaborative, name="Riverside")


@pytest.fixture
def other_team(collaborative):
    return TeamFactory(collaborative=collaborative, name="Hillside")


@pytest.fixture
def tess(org_a, team):
    user = UserFactory(email="tess@clinic.example", full_name="Tess Team")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    TeamMemberFactory(team=team, user=user, email=user.email, roles=["clinician"])
    return user


@pytest.fixture
def faculty(org_a, collaborative):
    user = UserFactory(email="fiona@example.org", full_name="Fiona Faculty")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    CollaborativeRoleFactory(collaborative=collaborative, user=user, role="faculty")
    return user


@pytest.fixture
def storyboard(collaborative):
    return AssignmentFactory(
        collaborative=collaborative,
        kind="storyboard",
        title="Storyboard",
        requires_upload=True,
        due_date=date(2026, 1, 10),
    )


def urls(name: str, **kwargs: object) -> str:
    return api_url(name, org="org-a", collab="tf-cbt", **kwargs)


def completions_url(assignment, pk=None, suffix="") -> str:
    if pk is None:
        return urls("assignment-completion-list", assignment=assignment.pk)
    name = "assignment-completion-file" if suffix == "file" else "assignment-completion-detail"
    return urls(name, assignment=assignment.pk, pk=pk)


def assignment_body(assignment: Assignment) -> dict[str, object]:
    return {
        "id": assignment.pk,
        "url": absolute(f"{BASE}/assignments/{assignment.pk}/"),
        "kind": assignment.kind,
        "title": assignment.title,
        "instructions": assignment.instructions,
        "link": assignment.url,
        "due_date": assignment.due_date.isoformat() if assignment.due_date else None,
        "requires_upload": assignment.requires_upload,
        "order": assignment.order,
        "completions": absolute(f"{BASE}/assignments/{assignment.pk}/completions/"),
    }


# --- Assignments ----------------------------------------------------------------------------


def test_every_member_lists_the_assignments(client_for, storyboard):
    response = client_for("bob").get(urls("assignment-list"))

    assert response.status_code == 200
    assert response.json()["results"] == [assignment_body(storyboard)]


def test_staff_create_an_assignment(client_for, collaborative):
    response = client_for("alice").post(
        urls("assignment-list"),
        {
            "kind": "readiness",
            "title": "Readiness assessment",
            "link": "https://example.org/form",
            "due_date": "2026-01-20",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    with scopes_disabled():
        assignment = Assignment.objects.get()
        assert AuditEntry.objects.filter(action="bsc.prework.assignment_created").exists()
    assert response.json() == assignment_body(assignment)
    assert assignment.url == "https://example.org/form"


def test_a_due_date_after_the_end_is_a_400_on_the_field(client_for, collaborative):
    response = client_for("alice").post(
        urls("assignment-list"),
        {"kind": "reading", "title": "Late", "due_date": "2030-01-01"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["due_date"]
    assert "after the collaborative ends" in response.json()["errors"]["due_date"][0]


def test_an_unknown_kind_is_a_400(client_for, collaborative):
    response = client_for("alice").post(
        urls("assignment-list"), {"kind": "poster", "title": "X"}, format="json"
    )

    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_patch_changes_an_assignment(client_for, storyboard):
    response = client_for("alice").patch(
        urls("assignment-detail", pk=storyboard.pk), {"due_date": "2026-01-31"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["due_date"] == "2026-01-31"
    assert response.json()["title"] == "Storyboard"


def test_deleting_an_assignment_teams_did_is_a_409_without_confirm(client_for, storyboard, team):
    CompletionFactory(assignment=storyboard, team=team)
    client = client_for("alice")

    refused = client.delete(urls("assignment-detail", pk=storyboard.pk))
    confirmed = client.delete(urls("assignment-detail", pk=storyboard.pk) + "?confirm=true")

    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("1 team already did “Storyboard”.")
    assert confirmed.status_code == 204
    with scopes_disabled():
        assert not Assignment.objects.exists()


# --- Completions ----------------------------------------------------------------------------


def test_a_team_member_uploads_a_storyboard(client_for, tess, team, storyboard):
    response = client_for("tess").post(
        completions_url(storyboard),
        {"team": team.pk, "note": "Our poster", "file": upload("Riverside.pdf", PDF)},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    with scopes_disabled():
        completion = AssignmentCompletion.objects.get()
    assert response.json() == {
        "id": completion.pk,
        "url": absolute(f"{BASE}/assignments/{storyboard.pk}/completions/{completion.pk}/"),
        "team": team.pk,
        "team_name": "Riverside",
        "completed_at": response.json()["completed_at"],
        "completed_by": "tess@clinic.example",
        "status": "late",  # due 10 January 2026, done later
        "note": "Our poster",
        "file_name": "Riverside.pdf",
        "content_type": "application/pdf",
        "download": absolute(
            f"{BASE}/assignments/{storyboard.pk}/completions/{completion.pk}/file/"
        ),
    }


def test_marking_again_replaces_the_file_and_answers_200(
    client_for, tess, team, storyboard, django_capture_on_commit_callbacks
):
    client = client_for("tess")
    client.post(
        completions_url(storyboard),
        {"team": team.pk, "file": upload("v1.pdf", PDF)},
        format="multipart",
    )
    with scopes_disabled():
        old = AssignmentCompletion.objects.get().file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            completions_url(storyboard),
            {"team": team.pk, "file": upload("v2.pdf", PNG)},
            format="multipart",
        )

    assert response.status_code == 200
    assert response.json()["file_name"] == "v2.png"
    assert response.json()["content_type"] == "image/png"
    assert not default_storage.exists(old)


@pytest.mark.parametrize("content", [EXE, HTML, TEXT], ids=["exe", "html", "text"])
def test_a_file_renamed_pdf_is_a_400_on_the_file_field(client_for, tess, team, storyboard, content):
    response = client_for("tess").post(
        completions_url(storyboard),
        {"team": team.pk, "file": upload("storyboard.pdf", content)},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]
    assert "is not a PDF or an image" in response.json()["errors"]["file"][0]
    with scopes_disabled():
        assert not AssignmentCompletion.objects.exists()


def test_an_oversize_file_is_a_400(client_for, tess, team, storyboard, settings):
    settings.UPLOAD_MAX_BYTES = 100

    response = client_for("tess").post(
        completions_url(storyboard),
        {"team": team.pk, "file": upload("big.pdf", PDF + b"x" * 200)},
        format="multipart",
    )

    assert response.status_code == 400
    assert "files can be at most" in response.json()["errors"]["file"][0]


def test_a_storyboard_without_a_file_is_a_400(client_for, tess, team, storyboard):
    response = client_for("tess").post(
        completions_url(storyboard), {"team": team.pk, "note": "Done"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": ["“Storyboard” needs a file: upload your team's PDF or image."]
    }


def test_a_reading_is_marked_done_with_json(client_for, tess, team, collaborative):
    reading = AssignmentFactory(collaborative=collaborative, title="Read the guide")

    response = client_for("tess").post(completions_url(reading), {"team": team.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["file_name"] is None
    assert response.json()["download"] is None


def test_a_member_of_another_team_gets_403(client_for, tess, other_team, storyboard):
    response = client_for("tess").post(
        completions_url(storyboard),
        {"team": other_team.pk, "file": upload("s.pdf", PDF)},
        format="multipart",
    )

    assert response.status_code == 403
    with scopes_disabled():
        assert not AssignmentCompletion.objects.exists()


def test_a_team_of_another_collaborative_is_a_400_for_staff(client_for, org_a, storyboard):
    stranger = TeamFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = client_for("alice").post(
        completions_url(storyboard),
        {"team": stranger.pk, "file": upload("s.pdf", PDF)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"team": ["Choose a team of this collaborative."]}


def test_a_team_member_sees_only_their_teams_completions(
    client_for, tess, team, other_team, storyboard
):
    mine = CompletionFactory(assignment=storyboard, team=team)
    theirs = CompletionFactory(assignment=storyboard, team=other_team)

    listed = client_for("tess").get(completions_url(storyboard)).json()["results"]

    assert [row["id"] for row in listed] == [mine.pk]
    hidden = client_for("tess").get(completions_url(storyboard, theirs.pk))
    assert hidden.status_code == 404


def test_faculty_see_every_teams_completions(client_for, faculty, team, other_team, storyboard):
    CompletionFactory(assignment=storyboard, team=team)
    CompletionFactory(assignment=storyboard, team=other_team)

    listed = client_for("faculty").get(completions_url(storyboard)).json()["results"]

    assert [row["team_name"] for row in listed] == ["Hillside", "Riverside"]


def test_faculty_cannot_undo_a_teams_completion(client_for, faculty, team, storyboard):
    completion = CompletionFactory(assignment=storyboard, team=team)

    response = client_for("faculty").delete(completions_url(storyboard, completion.pk))

    assert response.status_code == 403
    with scopes_disabled():
        assert AssignmentCompletion.objects.exists()


def test_a_team_member_undoes_their_completion(client_for, tess, team, storyboard):
    completion = CompletionFactory(assignment=storyboard, team=team)

    response = client_for("tess").delete(completions_url(storyboard, completion.pk))

    assert response.status_code == 204
    with scopes_disabled():
        assert not AssignmentCompletion.objects.exists()
        assert AuditEntry.objects.filter(action="bsc.prework.completion_undone").exists()


def test_the_file_downloads_as_an_attachment_with_a_token(
    api_client, tess, org_a, team, storyboard
):
    token = ApiTokenFactory(user=tess, organization=org_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    created = api_client.post(
        completions_url(storyboard),
        {"team": team.pk, "file": upload("poster.png", PNG)},
        format="multipart",
    ).json()

    response = api_client.get(created["download"])

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="poster.png"'
    assert b"".join(response.streaming_content) == PNG
    with scopes_disabled():
        assert AuditEntry.objects.get(action="bsc.prework.completed").actor_token == token


def test_a_completion_without_a_file_has_no_download(client_for, team, storyboard):
    completion = CompletionFactory(assignment=storyboard, team=team)

    response = client_for("alice").get(completions_url(storyboard, completion.pk, "file"))

    assert response.status_code == 404


# --- Cross-tenant and query counts -------------------------------------------------------------


def test_another_organizations_assignments_and_completions_are_404_under_org_a(
    client_for, collaborative, org_b
):
    foreign_collab = CollaborativeFactory(organization=org_b, slug="tf-cbt")
    foreign = AssignmentFactory(collaborative=foreign_collab)
    foreign_completion = CompletionFactory(assignment=foreign)
    client = client_for("alice")

    for method in ("get", "patch", "put", "delete"):
        assert getattr(client, method)(urls("assignment-detail", pk=foreign.pk)).status_code == 404
    assert client.get(completions_url(foreign)).status_code == 404
    assert client.get(completions_url(foreign, foreign_completion.pk)).status_code == 404
    assert client.get(completions_url(foreign, foreign_completion.pk, "file")).status_code == 404
    assert client.get(urls("assignment-list")).json()["results"] == []


def test_a_team_of_another_organization_is_unknown(client_for, collaborative, storyboard, org_b):
    foreign_team = TeamFactory(collaborative=CollaborativeFactory(organization=org_b))

    response = client_for("alice").post(
        completions_url(storyboard),
        {"team": foreign_team.pk, "file": upload("s.pdf", PDF)},
        format="multipart",
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["errors"]["team"][0]


def test_the_completion_list_runs_the_same_queries_for_2_and_50_teams(
    client_for, faculty, collaborative, storyboard, django_assert_num_queries
):
    client = client_for("faculty")

    def get(count: int) -> None:
        # 1 session, 2 user, 3 organization by slug, 4 collaborative by slug (middleware),
        # 5 membership, 6 leadership roles, 7 roster places (OrganizationPermission),
        # 8 savepoint, 9 the assignment, 10 count, 11 the page of completions with their
        # teams, users and assignment, 12 release savepoint.
        with django_assert_num_queries(12):
            response = client.get(completions_url(storyboard))
        assert response.json()["count"] == count

    for _ in range(2):
        CompletionFactory(assignment=storyboard, team=TeamFactory(collaborative=collaborative))
    get(2)
    for _ in range(48):
        CompletionFactory(assignment=storyboard, team=TeamFactory(collaborative=collaborative))
    get(50)
