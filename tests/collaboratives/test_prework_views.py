"""Pre-work pages: the list, the grid, staff's assignment forms, and a team marking work done."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from bsc.audit import AuditEntry
from collaboratives.models import Assignment, AssignmentCompletion
from tests.collaboratives.prework_support import EXE, HTML, PDF, PNG, upload
from tests.factories import (
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
    """A clinician on the Riverside team's roster, with an account."""
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
        due_date=date(2099, 1, 1),
        instructions="One poster about your agency.",
    )


@pytest.fixture
def reading(collaborative):
    return AssignmentFactory(
        collaborative=collaborative, title="Read the guide", due_date=date(2020, 1, 1)
    )


def url(name: str, collaborative, **kwargs) -> str:
    return reverse(name, kwargs={"org": "org-a", "collab": collaborative.slug, **kwargs})


def team_url(name: str, assignment, team) -> str:
    return url(name, assignment.collaborative, pk=assignment.pk, team=team.pk)


# --- The list -------------------------------------------------------------------------------


def test_a_team_member_sees_their_teams_status_and_the_button(
    client, tess, team, storyboard, reading
):
    client.force_login(tess)

    response = client.get(url("assignment_list", storyboard.collaborative))

    page = response.content.decode()
    assert response.status_code == 200
    assert "One poster about your agency." in page
    assert "Not done yet" in page  # the storyboard, due in 2099
    assert "Overdue" in page  # the reading, due in 2020
    assert team_url("assignment_complete", storyboard, team) in page
    assert url("prework_progress", storyboard.collaborative) not in page


def test_a_member_without_a_team_sees_the_list_without_buttons(bob_client, storyboard, team):
    page = bob_client.get(url("assignment_list", storyboard.collaborative)).content.decode()

    assert "Storyboard" in page
    assert "Mark as done" not in page
    assert url("assignment_create", storyboard.collaborative) not in page


def test_faculty_see_counts_and_the_link_to_the_grid(client, faculty, storyboard, team, other_team):
    CompletionFactory(assignment=storyboard, team=team)
    client.force_login(faculty)

    page = client.get(url("assignment_list", storyboard.collaborative)).content.decode()

    assert "1 of 2 teams done" in page
    assert url("prework_progress", storyboard.collaborative) in page
    assert url("assignment_create", storyboard.collaborative) not in page


def test_the_sub_navigation_lists_pre_work(bob_client, collaborative):
    page = bob_client.get(url("assignment_list", collaborative)).content.decode()

    assert f'href="{url("assignment_list", collaborative)}" aria-current="page"' in page


# --- The grid ---------------------------------------------------------------------------------


def test_the_grid_shows_every_team_against_every_assignment(
    client, faculty, storyboard, reading, team, other_team
):
    CompletionFactory(
        assignment=reading,
        team=team,
        completed_at=timezone.make_aware(timezone.datetime(2019, 12, 30, 12)),
    )
    client.force_login(faculty)

    response = client.get(url("prework_progress", storyboard.collaborative))

    assert response.status_code == 200
    grid = response.context["grid"]
    assert [row.team.name for row in grid.rows] == ["Hillside", "Riverside"]
    statuses = {
        (cell.team.name, cell.assignment.title): cell.status.label
        for row in grid.rows
        for cell in row.cells
    }
    assert statuses[("Riverside", "Read the guide")] == "Done on time"
    assert statuses[("Hillside", "Read the guide")] == "Overdue"
    assert statuses[("Hillside", "Storyboard")] == "Not done yet"


def test_a_member_cannot_see_the_grid(client, tess, storyboard):
    client.force_login(tess)

    assert client.get(url("prework_progress", storyboard.collaborative)).status_code == 403


def _grid_queries(client, collaborative, django_assert_num_queries):
    # 1 session, 2 user, 3 organization, 4 membership, 5 collaborative, 6 leadership roles,
    # 7 roster places (middleware), 8 savepoint, 9 assignments, 10 active teams,
    # 11 completions, 12 the organization switcher in the navbar, 13 release savepoint.
    with django_assert_num_queries(13):
        response = client.get(url("prework_progress", collaborative))
    assert response.status_code == 200
    return response


def test_the_grid_runs_the_same_queries_for_2_and_50_teams(
    client, faculty, collaborative, storyboard, reading, django_assert_num_queries
):
    client.force_login(faculty)
    for _ in range(2):
        CompletionFactory(assignment=storyboard, team=TeamFactory(collaborative=collaborative))
    response = _grid_queries(client, collaborative, django_assert_num_queries)
    assert len(response.context["grid"].rows) == 2

    for index in range(48):
        team = TeamFactory(collaborative=collaborative)
        if index % 2:
            CompletionFactory(assignment=storyboard, team=team)
    response = _grid_queries(client, collaborative, django_assert_num_queries)
    assert len(response.context["grid"].rows) == 50


def test_the_list_runs_the_same_queries_for_2_and_50_teams(
    alice_client, collaborative, storyboard, reading, django_assert_num_queries
):
    def get():
        # 1-7 middleware (as for the grid), 8 savepoint, 9 assignments, 10 active teams,
        # 11 their completions, 12 the organization switcher, 13 release savepoint.
        with django_assert_num_queries(13):
            response = alice_client.get(url("assignment_list", collaborative))
        assert response.status_code == 200
        return response

    for _ in range(2):
        CompletionFactory(assignment=reading, team=TeamFactory(collaborative=collaborative))
    get()
    for _ in range(48):
        CompletionFactory(assignment=reading, team=TeamFactory(collaborative=collaborative))
    assert "50 of 50 teams done" in get().content.decode()


# --- Assignments (staff) ------------------------------------------------------------------


def test_staff_add_an_assignment(alice_client, collaborative):
    response = alice_client.post(
        url("assignment_create", collaborative),
        {
            "kind": "storyboard",
            "title": "Storyboard",
            "instructions": "A poster",
            "url": "",
            "due_date": "2026-01-20",
            "requires_upload": "on",
        },
    )

    assert response.status_code == 302
    with scopes_disabled():
        assignment = Assignment.objects.get()
    assert assignment.requires_upload
    assert assignment.due_date == date(2026, 1, 20)
    assert response["Location"].endswith(f"#assignment-{assignment.pk}")


def test_a_due_date_after_the_end_gets_a_message_on_the_field(alice_client, collaborative):
    response = alice_client.post(
        url("assignment_create", collaborative),
        {"kind": "reading", "title": "Late", "due_date": "2030-01-01"},
    )

    assert response.status_code == 200
    assert "after the collaborative ends" in response.context["form"].errors["due_date"][0]


def test_faculty_cannot_add_assignments(client, faculty, collaborative):
    client.force_login(faculty)

    response = client.post(
        url("assignment_create", collaborative), {"kind": "reading", "title": "X"}
    )

    assert response.status_code == 403


def test_staff_edit_an_assignment(alice_client, storyboard):
    response = alice_client.post(
        url("assignment_update", storyboard.collaborative, pk=storyboard.pk),
        {"kind": "storyboard", "title": "Team storyboard", "due_date": "2026-02-01"},
    )

    assert response.status_code == 302
    with scopes_disabled():
        storyboard.refresh_from_db()
    assert storyboard.title == "Team storyboard"
    assert not storyboard.requires_upload


def test_deleting_an_assignment_teams_did_needs_confirmation(alice_client, storyboard, team):
    CompletionFactory(assignment=storyboard, team=team)
    delete = url("assignment_delete", storyboard.collaborative, pk=storyboard.pk)

    assert "1 team</strong> already did" in alice_client.get(delete).content.decode()
    refused = alice_client.post(delete)
    confirmed = alice_client.post(delete, {"confirm_all": "on"})

    assert refused.status_code == 409
    assert confirmed.status_code == 302
    with scopes_disabled():
        assert not Assignment.objects.exists()


# --- Completing ------------------------------------------------------------------------------


def test_a_team_member_hands_in_a_storyboard(client, tess, team, storyboard):
    client.force_login(tess)
    done = team_url("assignment_complete", storyboard, team)

    form_page = client.get(done)
    response = client.post(done, {"note": "Our poster", "file": upload("Riverside.pdf", PDF)})

    assert 'enctype="multipart/form-data"' in form_page.content.decode()
    assert response.status_code == 302
    with scopes_disabled():
        completion = AssignmentCompletion.objects.get()
        assert AuditEntry.objects.filter(action="bsc.prework.completed", actor=tess).exists()
    assert completion.team == team
    assert completion.file_name == "Riverside.pdf"


def test_a_file_that_is_not_what_its_name_says_gets_a_message_on_the_field(
    client, tess, team, storyboard
):
    client.force_login(tess)

    response = client.post(
        team_url("assignment_complete", storyboard, team),
        {"note": "", "file": upload("storyboard.pdf", HTML, "application/pdf")},
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "is not a PDF or an image" in error
    with scopes_disabled():
        assert not AssignmentCompletion.objects.exists()


def test_a_storyboard_without_a_file_gets_a_message_on_the_field(client, tess, team, storyboard):
    client.force_login(tess)

    response = client.post(team_url("assignment_complete", storyboard, team), {"note": "Done"})

    assert response.context["form"].errors["file"] == [
        "“Storyboard” needs a file: upload your team's PDF or image."
    ]


def test_a_png_named_pdf_is_kept_as_png_and_the_page_says_so(client, tess, team, storyboard):
    client.force_login(tess)

    response = client.post(
        team_url("assignment_complete", storyboard, team),
        {"file": upload("storyboard.pdf", PNG)},
        follow=True,
    )

    assert "The file is a PNG image, so it is kept as storyboard.png." in (
        response.content.decode()
    )


def test_a_member_of_another_team_cannot_mark_it_done(client, tess, other_team, storyboard):
    client.force_login(tess)

    response = client.post(
        team_url("assignment_complete", storyboard, other_team), {"file": upload("s.pdf", PDF)}
    )

    assert response.status_code == 403
    with scopes_disabled():
        assert not AssignmentCompletion.objects.exists()


def test_faculty_cannot_mark_work_done_for_a_team(client, faculty, team, reading):
    client.force_login(faculty)

    response = client.post(team_url("assignment_complete", reading, team), {})

    assert response.status_code == 403


def test_staff_mark_work_done_for_any_team(alice_client, other_team, reading):
    response = alice_client.post(team_url("assignment_complete", reading, other_team), {})

    assert response.status_code == 302
    with scopes_disabled():
        assert AssignmentCompletion.objects.get().team == other_team


def test_a_team_of_another_collaborative_is_404(alice_client, org_a, reading):
    stranger = TeamFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = alice_client.get(team_url("assignment_complete", reading, stranger))

    assert response.status_code == 404


def test_a_team_member_undoes_a_completion(client, tess, team, reading):
    CompletionFactory(assignment=reading, team=team)
    client.force_login(tess)

    response = client.post(team_url("assignment_undo", reading, team))

    assert response.status_code == 302
    with scopes_disabled():
        assert not AssignmentCompletion.objects.exists()


# --- Downloading ------------------------------------------------------------------------------


@pytest.fixture
def handed_in(client, tess, team, storyboard):
    client.force_login(tess)
    client.post(team_url("assignment_complete", storyboard, team), {"file": upload("s.pdf", PNG)})
    client.logout()
    with scopes_disabled():
        return AssignmentCompletion.objects.get()


def test_a_team_member_downloads_the_file_as_an_attachment(client, tess, handed_in):
    client.force_login(tess)

    response = client.get(team_url("assignment_file", handed_in.assignment, handed_in.team))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="s.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_faculty_download_any_teams_file(client, faculty, handed_in):
    client.force_login(faculty)

    response = client.get(team_url("assignment_file", handed_in.assignment, handed_in.team))

    assert response.status_code == 200


def test_a_member_of_another_team_cannot_download_the_file(client, org_a, other_team, handed_in):
    stranger = UserFactory(email="hal@hillside.example")
    MembershipFactory(user=stranger, organization=org_a)
    TeamMemberFactory(team=other_team, user=stranger, email=stranger.email)
    client.force_login(stranger)

    response = client.get(team_url("assignment_file", handed_in.assignment, handed_in.team))

    assert response.status_code == 403


def test_a_plain_member_cannot_download_the_file(client, bob, handed_in):
    client.force_login(bob)

    response = client.get(team_url("assignment_file", handed_in.assignment, handed_in.team))

    assert response.status_code == 403


def test_no_file_is_a_404(alice_client, team, reading):
    CompletionFactory(assignment=reading, team=team)

    assert alice_client.get(team_url("assignment_file", reading, team)).status_code == 404


def test_the_file_is_never_linked_from_a_public_media_address(client, tess, handed_in):
    client.force_login(tess)

    page = client.get(url("assignment_list", handed_in.assignment.collaborative)).content.decode()

    assert "/media/" not in page
    assert team_url("assignment_file", handed_in.assignment, handed_in.team) in page


def test_an_exe_is_refused(client, tess, team, storyboard):
    client.force_login(tess)

    response = client.post(
        team_url("assignment_complete", storyboard, team), {"file": upload("s.pdf", EXE)}
    )

    assert "It is a EXE file." in response.context["form"].errors["file"][0]
