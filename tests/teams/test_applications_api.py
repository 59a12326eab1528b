"""``/api/v1/organizations/<org>/collaboratives/<collab>/``: application window, questions,
readiness statements and applications (apply, list, accept, decline, withdraw)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from bsc.audit import AuditEntry
from teams.models import (
    Application,
    ApplicationQuestion,
    ApplicationStatus,
    ApplicationWindow,
    ReadinessItem,
    Team,
    TeamMember,
)
from tests.factories import (
    ApiTokenFactory,
    ApplicationFactory,
    ApplicationMemberFactory,
    TeamFactory,
)
from tests.teams.applications_support import (
    answers_for,
    collaborative_in,
    full_roster,
    open_window,
    scores_for,
    submit,
)

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


@pytest.fixture
def collaborative(org_a):
    return collaborative_in(org_a)


@pytest.fixture
def window(collaborative):
    return open_window(collaborative)


def api(name: str, org: str = "org-a", collab: str = "tf-cbt", **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs={"org": org, "collab": collab, **kwargs})


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _questions(window):
    with scopes_disabled():
        return list(window.questions.order_by("order"))


def _items(window):
    with scopes_disabled():
        return list(window.readiness_items.order_by("order"))


def apply_body(window, **overrides):
    return {
        "team_name": "Riverside",
        "site_name": "Riverside Family Services",
        "is_member_site": False,
        "answers": answers_for(window),
        "readiness": scores_for(window, 4, 2),
        "members": full_roster(),
        **overrides,
    }


# --- The window -------------------------------------------------------------------------------


def test_every_member_reads_the_application_form(bob, window):
    response = as_user(bob).get(api("application-window"))
    assert response.status_code == 200
    questions, items = _questions(window), _items(window)
    assert response.json() == {
        "opens_at": iso(window.opens_at),
        "closes_at": iso(window.closes_at),
        "instructions": "Teams of five to ten people from one agency.",
        "is_open": True,
        "questions": [
            {
                "id": question.pk,
                "url": BASE + api("application-question-detail", pk=question.pk),
                "text": question.text,
                "help_text": "",
                "is_required": question.is_required,
                "order": question.order,
            }
            for question in questions
        ],
        "readiness_items": [
            {
                "id": item.pk,
                "url": BASE + api("readiness-item-detail", pk=item.pk),
                "statement": item.statement,
                "max_score": item.max_score,
                "order": item.order,
            }
            for item in items
        ],
    }


def test_a_collaborative_without_a_window_answers_404(bob, collaborative):
    response = as_user(bob).get(api("application-window"))
    assert response.status_code == 404
    assert response.json() == {
        "detail": "This collaborative has no application window yet: create it with PUT first."
    }


def test_staff_open_applications_with_put(alice, collaborative):
    response = as_user(alice).put(
        api("application-window"),
        {
            "opens_at": "2027-02-01T09:00:00Z",
            "closes_at": "2027-03-03T17:00:00Z",
            "instructions": "Teams of five.",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["closes_at"] == "2027-03-03T17:00:00Z"
    assert response.json()["is_open"] is False
    with scopes_disabled():
        window = ApplicationWindow.objects.get(collaborative=collaborative)
        assert AuditEntry.objects.get(action="bsc.application_window.created").actor == alice
    assert window.instructions == "Teams of five."


def test_staff_move_the_closing_time_with_patch(alice, window):
    response = as_user(alice).patch(
        api("application-window"), {"closes_at": "2099-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 200
    window.refresh_from_db()
    assert window.closes_at == datetime(2099, 1, 1, tzinfo=UTC)
    assert window.instructions == "Teams of five to ten people from one agency."


def test_patch_without_a_window_answers_404(alice, collaborative):
    response = as_user(alice).patch(
        api("application-window"), {"closes_at": "2099-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert not ApplicationWindow.objects.exists()


def test_a_window_closing_before_it_opens_is_400(alice, window):
    before = window.closes_at
    response = as_user(alice).patch(
        api("application-window"), {"closes_at": iso(window.opens_at)}, format="json"
    )
    assert response.status_code == 400
    message = "Applications must close after they open: choose a later time."
    assert response.json() == {
        "detail": f"closes_at: {message}",
        "errors": {"closes_at": [message]},
    }
    window.refresh_from_db()
    assert window.closes_at == before


def test_the_window_of_an_archived_collaborative_cannot_change(alice, window):
    collaborative = window.collaborative
    collaborative.archived_at = timezone.now()
    collaborative.save()
    response = as_user(alice).patch(
        api("application-window"), {"instructions": "New"}, format="json"
    )
    assert response.status_code == 409


# --- Questions and readiness statements ---------------------------------------------------------


def test_staff_add_a_question_at_the_top(alice, window):
    response = as_user(alice).post(
        api("application-question-list"),
        {"text": "Who leads the team?", "help_text": "Name and role", "order": 1},
        format="json",
    )
    assert response.status_code == 201
    with scopes_disabled():
        question = ApplicationQuestion.objects.get(text="Who leads the team?")
    assert response.json() == {
        "id": question.pk,
        "url": BASE + api("application-question-detail", pk=question.pk),
        "text": "Who leads the team?",
        "help_text": "Name and role",
        "is_required": True,
        "order": 1,
    }
    assert [q.text for q in _questions(window)] == [
        "Who leads the team?",
        "Why does your agency want to join?",
        "Anything else we should know?",
    ]


def test_adding_a_question_without_a_window_is_a_conflict(alice, collaborative):
    response = as_user(alice).post(
        api("application-question-list"), {"text": "Who leads?"}, format="json"
    )
    assert response.status_code == 409
    with scopes_disabled():
        assert not ApplicationQuestion.objects.exists()


def test_an_empty_question_is_400(alice, window):
    response = as_user(alice).post(api("application-question-list"), {"text": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"text": ["This field may not be blank."]}


def test_staff_move_a_question_with_patch(alice, window):
    first, second = _questions(window)
    response = as_user(alice).patch(
        api("application-question-detail", pk=first.pk), {"order": 2}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["order"] == 2
    assert response.json()["text"] == first.text
    assert [q.pk for q in _questions(window)] == [second.pk, first.pk]


def test_staff_remove_a_question(alice, window):
    first, second = _questions(window)
    response = as_user(alice).delete(api("application-question-detail", pk=first.pk))
    assert response.status_code == 204
    assert [(q.pk, q.order) for q in _questions(window)] == [(second.pk, 1)]


def test_a_readiness_scale_out_of_range_is_400(alice, window):
    response = as_user(alice).post(
        api("readiness-item-list"), {"statement": "We meet", "max_score": 11}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "max_score": ["Ensure this value is less than or equal to 10."]
    }
    with scopes_disabled():
        assert ReadinessItem.objects.count() == 2


def test_staff_change_a_readiness_statement_with_put(alice, window):
    item = _items(window)[0]
    response = as_user(alice).put(
        api("readiness-item-detail", pk=item.pk),
        {"statement": "Leaders give time", "max_score": 7},
        format="json",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.statement, item.max_score, item.order) == ("Leaders give time", 7, 1)


def test_a_question_of_another_collaborative_is_404(alice, window, org_a):
    other = open_window(collaborative_in(org_a, slug="other", name="Other"))
    question = _questions(other)[0]
    response = as_user(alice).get(api("application-question-detail", pk=question.pk))
    assert response.status_code == 404


# --- Applying -------------------------------------------------------------------------------


def test_a_member_applies(bob, window, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(bob).post(api("application-list"), apply_body(window), format="json")
    assert response.status_code == 201
    with scopes_disabled():
        application = Application.objects.get()
    body = response.json()
    assert (
        response["Location"] == body["url"] == BASE + api("application-detail", pk=application.pk)
    )
    questions, items = _questions(window), _items(window)
    assert body == {
        "id": application.pk,
        "url": BASE + api("application-detail", pk=application.pk),
        "team_name": "Riverside",
        "site_name": "Riverside Family Services",
        "is_member_site": False,
        "status": "submitted",
        "applicant": "bob@example.org",
        "submitted_at": iso(application.submitted_at),
        "answers": [
            {
                "question_id": question.pk,
                "question": question.text,
                "answer": f"Answer to: {question.text}",
            }
            for question in questions
        ],
        "readiness": [
            {"item_id": items[0].pk, "statement": items[0].statement, "score": 4, "max_score": 5},
            {"item_id": items[1].pk, "statement": items[1].statement, "score": 2, "max_score": 4},
        ],
        "readiness_score": 6,
        "readiness_max_score": 9,
        "readiness_percent": 67,
        "members": full_roster(),
        "composition_warnings": [],
        "decided_at": None,
        "decided_by": None,
        "decision_note": "",
        "team": None,
    }
    assert [message.to for message in mail.outbox] == [["bob@example.org"]]


def test_an_application_through_a_token_is_logged_with_the_token(bob, window, token_client):
    token = ApiTokenFactory(user=bob, organization=window.organization)
    response = token_client(token).post(api("application-list"), apply_body(window), format="json")
    assert response.status_code == 201
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.application.submitted")
        application = Application.objects.get()
    assert (entry.actor, entry.actor_token) == (bob, token)
    assert application.applicant == bob


@pytest.fixture
def token_client():
    def authenticate(token):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
        return client

    return authenticate


def test_every_problem_of_an_application_is_reported_at_once(bob, window):
    body = apply_body(
        window,
        answers={},
        readiness={str(_items(window)[0].pk): 9},
        members=[{"full_name": "Rosa", "roles": ["wizard"]}],
    )
    response = as_user(bob).post(api("application-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "answers": ["Answer “Why does your agency want to join?”: it is required."],
        "readiness": [
            "Score “Leaders give staff protected time for improvement work.” from 1 to 5 (not 9).",
            "Score “We already collect data on children's treatment every month.” from 1 to 4.",
        ],
        "members": ["Rosa: “wizard” is not a team role."],
    }
    with scopes_disabled():
        assert not Application.objects.exists()


def test_an_application_after_the_window_closed_is_400(bob, collaborative, org_a):
    org_a.time_zone = "Europe/Berlin"
    org_a.save()
    window = open_window(
        collaborative,
        opens_at=datetime(2025, 2, 1, 8, 0, tzinfo=UTC),
        closes_at=datetime(2025, 3, 3, 16, 0, tzinfo=UTC),
    )
    response = as_user(bob).post(api("application-list"), apply_body(window), format="json")
    assert response.status_code == 400
    message = "Applications closed on 3 March 2025 at 17:00."
    assert response.json() == {"detail": message, "errors": {"non_field_errors": [message]}}
    with scopes_disabled():
        assert not Application.objects.exists()


def test_a_taken_team_name_is_400_on_the_field(bob, alice, window):
    submit(window, alice, team_name="Riverside")
    response = as_user(bob).post(
        api("application-list"), apply_body(window, team_name="riverside"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "team_name": ["A team called “riverside” has already applied to this collaborative."]
    }


def test_a_roster_is_required(bob, window):
    body = apply_body(window)
    del body["members"]
    response = as_user(bob).post(api("application-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"members": ["This field is required."]}


# --- Reading ----------------------------------------------------------------------------------


def test_staff_list_every_application_newest_first(alice, bob, window):
    first = submit(window, bob, team_name="Hillside")
    second = submit(window, alice, team_name="Riverside")
    response = as_user(alice).get(api("application-list"))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [second.pk, first.pk]


def test_a_member_lists_only_their_own_applications(alice, bob, window):
    mine = submit(window, bob, team_name="Hillside")
    submit(window, alice, team_name="Riverside")
    response = as_user(bob).get(api("application-list"))
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_a_member_does_not_see_someone_elses_application(alice, bob, window):
    theirs = submit(window, alice, team_name="Riverside")
    assert as_user(bob).get(api("application-detail", pk=theirs.pk)).status_code == 404


def test_the_list_filters_by_status(alice, bob, window):
    submit(window, bob, team_name="Hillside")
    response = as_user(alice).get(api("application-list"), {"status": "accepted"})
    assert response.json()["count"] == 0
    response = as_user(alice).get(api("application-list"), {"status": "maybe"})
    assert response.status_code == 400


def test_the_list_shows_composition_warnings(alice, bob, window):
    submit(window, bob, members=full_roster()[:3])
    [row] = as_user(alice).get(api("application-list")).json()["results"]
    assert row["composition_warnings"] == [
        "Needs at least 5 members (has 3).",
        "Needs at least 2 clinicians (has 1).",
    ]


# --- Deciding and withdrawing -------------------------------------------------------------


def test_staff_accept_an_application_into_a_team(alice, bob, window, org_a):
    application = submit(window, bob)
    response = as_user(alice).post(
        api("application-accept", pk=application.pk), {"note": "Welcome"}, format="json"
    )
    assert response.status_code == 200
    with scopes_disabled():
        team = Team.objects.get()
        assert TeamMember.objects.filter(team=team).count() == 5
    body = response.json()
    assert (body["status"], body["team"], body["decision_note"], body["decided_by"]) == (
        "accepted",
        team.pk,
        "Welcome",
        "alice@example.org",
    )


def test_deciding_twice_is_409(alice, bob, window):
    application = submit(window, bob)
    client = as_user(alice)
    client.post(api("application-decline", pk=application.pk), {}, format="json")
    response = client.post(api("application-accept", pk=application.pk), {}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        "This application was already declined by Alice Admin on "
    )
    with scopes_disabled():
        assert not Team.objects.exists()


def test_accepting_under_a_taken_team_name_is_409_and_changes_nothing(alice, bob, window):
    application = submit(window, bob, team_name="Riverside")
    TeamFactory(collaborative=window.collaborative, name="Riverside")
    response = as_user(alice).post(api("application-accept", pk=application.pk), {}, format="json")
    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["team_name"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_note_too_long_is_400(alice, bob, window):
    application = submit(window, bob)
    response = as_user(alice).post(
        api("application-decline", pk=application.pk), {"note": "x" * 5001}, format="json"
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_applicant_withdraws_with_the_api(bob, window):
    application = submit(window, bob)
    response = as_user(bob).post(api("application-withdraw", pk=application.pk))
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_withdrawing_a_decided_application_is_409(alice, bob, window):
    application = submit(window, bob)
    as_user(alice).post(api("application-accept", pk=application.pk), {}, format="json")
    response = as_user(bob).post(api("application-withdraw", pk=application.pk))
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


# --- Cross-tenant ---------------------------------------------------------------------------


@pytest.fixture
def org_b_objects(org_b, carol):
    collaborative = collaborative_in(org_b, slug="b-collab", name="B Collaborative")
    window = open_window(collaborative)
    application = submit(window, carol, team_name="Southside")
    return window, application


def test_org_bs_objects_are_404_under_org_a(alice, window, org_b_objects):
    other_window, application = org_b_objects
    client = as_user(alice)
    question, item = _questions(other_window)[0], _items(other_window)[0]
    urls = [
        api("application-detail", pk=application.pk),
        api("application-question-detail", pk=question.pk),
        api("readiness-item-detail", pk=item.pk),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(api("application-accept", pk=application.pk), {}, format="json").status_code
        == 404
    )
    assert client.delete(api("application-question-detail", pk=question.pk)).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    with scopes_disabled():
        assert ApplicationQuestion.objects.filter(pk=question.pk).exists()


def test_org_bs_collaborative_is_404_under_org_a(alice, org_b_objects):
    response = as_user(alice).get(api("application-list", collab="b-collab"))
    assert response.status_code == 404


def test_org_bs_admin_cannot_reach_org_as_applications(alice, carol, window):
    application = submit(window, alice)
    client = as_user(carol)
    assert client.get(api("application-list")).status_code == 404
    assert client.get(api("application-detail", pk=application.pk)).status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def _add_applications(collaborative, count: int) -> None:
    for _ in range(count):
        application = ApplicationFactory(collaborative=collaborative)
        ApplicationMemberFactory(application=application, roles=["clinician"])
        ApplicationMemberFactory(application=application, roles=["senior_leader"])


def test_the_list_runs_the_same_queries_for_2_and_50_applications(
    alice, window, django_assert_num_queries
):
    client = as_user(alice)
    _add_applications(window.collaborative, 2)
    # 1 organization by slug, 2 collaborative by slug (middleware), 3 savepoint
    # (ATOMIC_REQUESTS), 4 membership, 5 leadership roles, 6 roster places (access),
    # 7 count, 8 the page of applications with applicant, decider and team, 9 their
    # proposed rosters, 10 release savepoint.
    with django_assert_num_queries(10):
        response = client.get(api("application-list"), {"page_size": 100})
    assert response.json()["count"] == 2

    _add_applications(window.collaborative, 48)
    with django_assert_num_queries(10):
        response = client.get(api("application-list"), {"page_size": 100})
    assert response.json()["count"] == 50
