"""Application pages: set-up, invite, apply, my applications, review queue, detail, decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.models import Invitation
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
from teams.services import applications as services
from tests.factories import (
    ApplicationFactory,
    ApplicationMemberFactory,
    CollaborativeRoleFactory,
    MembershipFactory,
    TeamFactory,
)
from tests.teams.applications_support import (
    collaborative_in,
    full_roster,
    open_window,
    scores_for,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def collaborative(org_a):
    return collaborative_in(org_a)


@pytest.fixture
def window(collaborative):
    return open_window(collaborative)


def url(name: str, *args: Any) -> str:
    return reverse(name, args=["org-a", "tf-cbt", *args])


def _questions(window):
    with scopes_disabled():
        return list(window.questions.order_by("order"))


def _items(window):
    with scopes_disabled():
        return list(window.readiness_items.order_by("order"))


def apply_data(window, *, team_name="Riverside", people=None, **extra: str) -> dict[str, str]:
    """The POST of the apply form, as a browser sends it."""
    people = full_roster() if people is None else people
    data = {
        "team_name": team_name,
        "site_name": "Riverside Family Services",
        "is_member_site": "yes",
        "people-TOTAL_FORMS": str(len(people) + 1),
        "people-INITIAL_FORMS": "1",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "60",
    }
    for question in _questions(window):
        data[f"question_{question.pk}"] = f"Answer to {question.text}"
    for item in _items(window):
        data[f"score_{item.pk}"] = "3"
    rows: dict[str, Any] = {}
    for index, person in enumerate(people):
        for key in ("full_name", "email", "phone", "job_title"):
            rows[f"people-{index}-{key}"] = person[key]
        rows[f"people-{index}-roles"] = person["roles"]
    # The trailing empty row a browser sends is left out.
    for key in ("full_name", "email", "phone", "job_title"):
        rows[f"people-{len(people)}-{key}"] = ""
    return {**data, **rows, **extra}


# --- Setting up the window -------------------------------------------------------------------


def test_staff_open_the_window_set_up_page(alice_client, collaborative):
    response = alice_client.get(url("application_window"))
    assert response.status_code == 200
    assert "Teams cannot apply yet." in response.content.decode()


def test_a_member_may_not_set_up_the_window(bob_client, collaborative):
    assert bob_client.get(url("application_window")).status_code == 403


def test_faculty_see_the_queue_but_may_not_set_up_the_window(client, collaborative, org_a, bob):
    CollaborativeRoleFactory(collaborative=collaborative, user=bob, role="faculty")
    client.force_login(bob)
    assert client.get(url("application_review")).status_code == 200
    assert client.get(url("application_window")).status_code == 403


def test_staff_open_applications(alice_client, collaborative, org_a):
    response = alice_client.post(
        url("application_window"),
        {
            "opens_at": "2027-02-01T09:00",
            "closes_at": "2027-03-03T17:00",
            "instructions": "Teams of five.",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        window = ApplicationWindow.objects.get(collaborative=collaborative)
    # Read in the organization's time zone (New York: UTC-5 in winter).
    assert window.opens_at == datetime(2027, 2, 1, 14, 0, tzinfo=UTC)
    assert window.closes_at == datetime(2027, 3, 3, 22, 0, tzinfo=UTC)
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="bsc.application_window.created").exists()


def test_a_window_closing_before_it_opens_is_refused_on_the_field(alice_client, collaborative):
    response = alice_client.post(
        url("application_window"),
        {"opens_at": "2027-03-03T17:00", "closes_at": "2027-02-01T09:00"},
    )
    assert response.status_code == 200
    assert response.context["window_form"].errors == {
        "closes_at": ["Applications must close after they open: choose a later closing time."]
    }
    with scopes_disabled():
        assert not ApplicationWindow.objects.exists()


def test_staff_add_a_question(alice_client, window):
    response = alice_client.post(
        url("application_question_create"),
        {"text": "Who leads the team?", "help_text": "", "is_required": "on"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/applications/setup/#questions")
    assert [q.text for q in _questions(window)][-1] == "Who leads the team?"


def test_an_empty_question_is_refused_on_the_field(alice_client, window):
    response = alice_client.post(url("application_question_create"), {"text": ""})
    assert response.status_code == 200
    assert response.context["question_form"].errors == {"text": ["This field is required."]}
    assert len(_questions(window)) == 2


def test_staff_edit_a_question(alice_client, window):
    question = _questions(window)[1]
    page = alice_client.get(url("application_question_edit", question.pk))
    assert page.status_code == 200
    response = alice_client.post(
        url("application_question_edit", question.pk),
        {"text": "Anything else?", "help_text": "Optional", "is_required": ""},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.help_text, question.is_required) == (
        "Anything else?",
        "Optional",
        False,
    )


def test_staff_move_a_question_up(alice_client, window):
    second = _questions(window)[1]
    response = alice_client.post(url("application_question_move", second.pk), {"direction": "up"})
    assert response.status_code == 302
    assert _questions(window)[0].pk == second.pk


def test_staff_remove_a_question(alice_client, window):
    first = _questions(window)[0]
    response = alice_client.post(url("application_question_delete", first.pk))
    assert response.status_code == 302
    with scopes_disabled():
        assert not ApplicationQuestion.objects.filter(pk=first.pk).exists()


def test_a_question_of_another_collaborative_is_not_found(alice_client, window, org_a):
    other = open_window(collaborative_in(org_a, slug="other", name="Other"))
    question = _questions(other)[0]
    assert alice_client.get(url("application_question_edit", question.pk)).status_code == 404


def test_staff_add_and_change_a_readiness_statement(alice_client, window):
    alice_client.post(
        url("readiness_item_create"), {"statement": "We meet every week", "max_score": "4"}
    )
    item = _items(window)[-1]
    assert (item.statement, item.max_score) == ("We meet every week", 4)
    alice_client.post(
        url("readiness_item_edit", item.pk), {"statement": "We meet weekly", "max_score": "6"}
    )
    item.refresh_from_db()
    assert (item.statement, item.max_score) == ("We meet weekly", 6)


def test_a_readiness_scale_out_of_range_is_refused_on_the_field(alice_client, window):
    response = alice_client.post(
        url("readiness_item_create"), {"statement": "We meet", "max_score": "1"}
    )
    assert response.status_code == 200
    assert "max_score" in response.context["item_form"].errors
    with scopes_disabled():
        assert ReadinessItem.objects.count() == 2


# --- Inviting -------------------------------------------------------------------------------


def test_staff_invite_an_outside_applicant(
    alice_client, window, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(url("application_invite"), {"email": "dana@clinic.example"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Invitation.objects.get().email == "dana@clinic.example"
    assert len(mail.outbox) == 2
    page = alice_client.get(url("application_invite"))
    assert "dana@clinic.example" in page.content.decode()


def test_inviting_without_a_window_is_refused_on_the_page(alice_client, collaborative):
    response = alice_client.post(url("application_invite"), {"email": "dana@clinic.example"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Set up the application window before inviting applicants."
    ]


# --- Applying --------------------------------------------------------------------------------


def test_the_apply_page_says_when_no_applications_are_taken(bob_client, collaborative):
    response = bob_client.get(url("application_apply"))
    assert response.status_code == 200
    assert "This collaborative is not taking applications." in response.content.decode()
    assert "form" not in response.context


def test_the_apply_page_says_when_applications_open(bob_client, collaborative, org_a):
    open_window(
        collaborative,
        opens_at=datetime(2099, 2, 1, 14, 0, tzinfo=UTC),
        closes_at=datetime(2099, 3, 1, 22, 0, tzinfo=UTC),
    )
    response = bob_client.get(url("application_apply"))
    assert "Applications open on 1 February 2099 at 09:00." in response.content.decode()


def test_the_apply_page_pre_fills_the_applicant_as_the_first_person(bob_client, window):
    response = bob_client.get(url("application_apply"))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[0].initial == {"full_name": "Bob Member", "email": "bob@example.org"}
    assert len(formset.forms) == 3
    # The composition check is shown before anything is submitted, with the rules.
    assert "Needs at least 5 members (has 1)." in response.context["warnings"]
    assert response.context["team_rules"] == (
        "5 to 10 members, including a senior leader, a day-to-day leader, an agency "
        "administrator, a clinical supervisor and at least 2 clinicians."
    )


def test_a_member_applies(bob_client, bob, window, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_client.post(url("application_apply"), apply_data(window))
    with scopes_disabled():
        application = Application.objects.get()
        people = list(application.proposed_members.values_list("full_name", flat=True))
    assert response.status_code == 302
    assert response["Location"] == url("application_detail", application.pk)
    assert (application.team_name, application.applicant, application.status) == (
        "Riverside",
        bob,
        ApplicationStatus.SUBMITTED,
    )
    assert application.readiness_score == 6
    assert people == ["Rosa Leader", "Sam Day", "Chris Clinician", "Kim Clinician", "Pat Parent"]
    assert [message.to for message in mail.outbox] == [["bob@example.org"]]


def test_the_applicants_own_row_may_be_left_out(bob_client, window):
    # Shift the roster one row down and leave the pre-filled first row empty.
    people = full_roster()
    data = apply_data(window, people=[{**people[0], "full_name": "", "email": "", "roles": []}])
    data["people-0-phone"] = data["people-0-job_title"] = ""
    data.pop("people-0-roles")
    for index, person in enumerate(people, start=1):
        for key in ("full_name", "email", "phone", "job_title"):
            data[f"people-{index}-{key}"] = person[key]
        data[f"people-{index}-roles"] = person["roles"]
    data["people-TOTAL_FORMS"] = str(len(people) + 1)
    response = bob_client.post(url("application_apply"), data)
    assert response.status_code == 302
    with scopes_disabled():
        assert Application.objects.get().proposed_members.count() == 5


def test_applying_after_the_window_closed_saves_nothing(bob_client, collaborative, org_a):
    org_a.time_zone = "Europe/Berlin"
    org_a.save()
    window = open_window(
        collaborative,
        opens_at=datetime(2025, 2, 1, 8, 0, tzinfo=UTC),
        closes_at=datetime(2025, 3, 3, 16, 0, tzinfo=UTC),
    )
    response = bob_client.post(url("application_apply"), apply_data(window), follow=False)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Applications closed on 3 March 2025 at 17:00." in content
    assert 'id="application-form"' not in content
    with scopes_disabled():
        assert not Application.objects.exists()


def test_a_missing_required_answer_is_shown_on_its_field(bob_client, window):
    question = _questions(window)[0]
    data = apply_data(window, **{f"question_{question.pk}": ""})
    response = bob_client.post(url("application_apply"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"question_{question.pk}": ["This field is required."]
    }
    with scopes_disabled():
        assert not Application.objects.exists()


def test_a_missing_score_is_shown_on_its_field(bob_client, window):
    item = _items(window)[0]
    data = apply_data(window)
    data.pop(f"score_{item.pk}")
    response = bob_client.post(url("application_apply"), data)
    assert response.context["form"].errors == {f"score_{item.pk}": ["Choose a score from 1 to 5."]}


def test_a_person_without_a_role_is_shown_on_their_row(bob_client, window):
    people = full_roster()
    people[2]["roles"] = []
    response = bob_client.post(url("application_apply"), apply_data(window, people=people))
    assert response.status_code == 200
    assert response.context["formset"].forms[2].errors == {
        "roles": ["Choose at least one team role."]
    }


def test_a_taken_team_name_is_shown_on_its_field(bob_client, alice, window):
    submit(window, alice, team_name="Riverside")
    response = bob_client.post(url("application_apply"), apply_data(window, team_name="RIVERSIDE"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "team_name": ["A team called “RIVERSIDE” has already applied to this collaborative."]
    }
    with scopes_disabled():
        assert Application.objects.count() == 1


def test_adding_a_person_keeps_the_input_and_adds_an_empty_row(bob_client, window):
    data = apply_data(window, add_person="1")
    response = bob_client.post(url("application_apply"), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 7
    assert formset.forms[0].initial["full_name"] == "Rosa Leader"
    assert not response.context["form"].is_bound
    assert response.context["form"].initial["team_name"] == "Riverside"
    with scopes_disabled():
        assert not Application.objects.exists()


def test_checking_shows_the_composition_warnings_without_saving(bob_client, window):
    people = full_roster()[:3]
    response = bob_client.post(
        url("application_apply"), apply_data(window, people=people, check="1")
    )
    assert response.status_code == 200
    assert response.context["warnings"] == [
        "Needs at least 5 members (has 3).",
        "Needs at least 2 clinicians (has 1).",
    ]
    assert "Everything required is filled in." in response.content.decode()
    with scopes_disabled():
        assert not Application.objects.exists()


def test_the_composition_check_follows_the_roster_as_it_is_typed(bob_client, window):
    data = apply_data(window, people=full_roster()[:4])
    response = bob_client.post(url("application_composition"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["warnings"] == ["Needs at least 5 members (has 4)."]
    assert "<html" not in response.content.decode()


def test_my_applications_are_listed_with_their_status(bob_client, bob, alice, window):
    mine = submit(window, bob, team_name="Riverside")
    submit(window, alice, team_name="Hillside")
    response = bob_client.get(url("application_apply"))
    assert response.context["my_applications"] == [mine]
    assert "Waiting for a decision" in response.content.decode()


def test_the_applicant_withdraws_their_application(bob_client, bob, window):
    application = submit(window, bob)
    response = bob_client.post(url("application_withdraw", application.pk))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_nobody_else_withdraws_an_application(alice_client, bob, window):
    application = submit(window, bob)
    response = alice_client.post(url("application_withdraw", application.pk))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


# --- Reviewing -----------------------------------------------------------------------------


def test_a_member_may_not_see_the_review_queue(bob_client, window):
    assert bob_client.get(url("application_review")).status_code == 403


def test_the_queue_sorts_by_readiness_and_shows_the_composition_check(
    alice_client, bob, alice, window
):
    submit(
        window,
        bob,
        team_name="Hillside",
        scores=scores_for(window, 1, 1),
        members=full_roster()[:3],
    )
    submit(window, alice, team_name="Riverside", scores=scores_for(window, 5, 4))
    response = alice_client.get(url("application_review") + "?sort=score")
    rows = response.context["rows"]
    assert [row.application.team_name for row in rows] == ["Riverside", "Hillside"]
    assert [(r.readiness.score, r.readiness.max_score, r.readiness.percent) for r in rows] == [
        (9, 9, 100),
        (2, 9, 22),
    ]
    assert [len(row.warnings) for row in rows] == [0, 2]
    content = response.content.decode()
    assert "100%" in content
    assert "2 warnings" in content


def test_the_queue_lists_the_newest_first_by_default(alice_client, bob, alice, window):
    first = submit(window, bob, team_name="Hillside")
    second = submit(window, alice, team_name="Riverside")
    response = alice_client.get(url("application_review"))
    assert [row.application for row in response.context["rows"]] == [second, first]


def test_the_queue_shows_one_status(alice_client, bob, alice, window, org_a):
    withdrawn = submit(window, bob, team_name="Hillside")
    waiting = submit(window, alice, team_name="Riverside")
    with scope(organization=org_a):
        services.application_withdraw(application=withdrawn, actor=bob)
    response = alice_client.get(url("application_review") + "?status=submitted")
    assert [row.application for row in response.context["rows"]] == [waiting]


def test_the_applicant_sees_their_own_application(bob_client, bob, window):
    application = submit(window, bob)
    response = bob_client.get(url("application_detail", application.pk))
    assert response.status_code == 200
    assert response.context["can_withdraw"] is True
    assert response.context["can_decide"] is False


def test_a_member_may_not_see_someone_elses_application(bob_client, alice, window):
    application = submit(window, alice)
    assert bob_client.get(url("application_detail", application.pk)).status_code == 403


def test_an_application_of_another_collaborative_is_not_found(alice_client, bob, org_a):
    other = open_window(collaborative_in(org_a, slug="other", name="Other"))
    application = submit(other, bob)
    assert alice_client.get(url("application_detail", application.pk)).status_code == 404


def test_staff_read_an_application_in_full(alice_client, bob, window, org_a):
    MembershipFactory(organization=org_a, user__email="rosa@riverside.example")
    people = full_roster()[:3]
    application = submit(window, bob, members=people)
    response = alice_client.get(url("application_detail", application.pk))
    assert response.status_code == 200
    context = response.context
    assert [entry["question"] for entry in context["answers"]] == [
        "Why does your agency want to join?",
        "Anything else we should know?",
    ]
    assert [(s["score"], s["max_score"]) for s in context["scores"]] == [(3, 5), (3, 4)]
    assert (context["readiness"].score, context["readiness"].percent) == (6, 67)
    assert context["warnings"] == [
        "Needs at least 5 members (has 3).",
        "Needs at least 2 clinicians (has 1).",
    ]
    assert [p.has_account for p in context["people"]] == [True, False, False]
    assert context["can_decide"] is True


def test_staff_accept_an_application(alice_client, bob, window, django_capture_on_commit_callbacks):
    application = submit(window, bob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            url("application_accept", application.pk), {"note": "Welcome aboard."}
        )
    assert response.status_code == 302
    assert response["Location"] == url("application_review")
    with scopes_disabled():
        team = Team.objects.get()
        assert TeamMember.objects.filter(team=team).count() == 5
    application.refresh_from_db()
    assert (application.status, application.team) == (ApplicationStatus.ACCEPTED, team)
    [message] = mail.outbox
    assert "Welcome aboard." in message.body
    page = alice_client.get(url("application_review"))
    assert "is accepted and is now a team of this collaborative, with 5 people on its roster" in (
        page.content.decode()
    )


def test_deciding_twice_shows_a_clear_message(alice_client, bob, window):
    application = submit(window, bob)
    alice_client.post(url("application_accept", application.pk))
    response = alice_client.post(url("application_decline", application.pk), follow=True)
    assert "This application was already accepted by Alice Admin" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_accepting_under_a_taken_name_shows_a_clear_message(alice_client, bob, window):
    application = submit(window, bob, team_name="Riverside")
    TeamFactory(collaborative=window.collaborative, name="Riverside")
    response = alice_client.post(url("application_accept", application.pk), follow=True)
    assert "is already part of this collaborative" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_staff_decline_an_application(alice_client, bob, window):
    application = submit(window, bob)
    response = alice_client.post(url("application_decline", application.pk), {"note": "Next time"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decision_note) == ("declined", "Next time")


def test_a_member_may_not_decide(bob_client, alice, window):
    application = submit(window, alice)
    assert bob_client.post(url("application_accept", application.pk)).status_code == 403
    assert bob_client.post(url("application_decline", application.pk)).status_code == 403


def test_faculty_may_not_decide(client, bob, alice, window):
    CollaborativeRoleFactory(collaborative=window.collaborative, user=bob, role="faculty")
    application = submit(window, alice)
    client.force_login(bob)
    assert client.get(url("application_detail", application.pk)).status_code == 200
    assert client.post(url("application_accept", application.pk)).status_code == 403


def test_the_audit_log_filters_application_entries(alice_client, bob, window):
    submit(window, bob, team_name="Riverside")
    response = alice_client.get(reverse("audit_log", args=["org-a"]), {"action": "bsc.application"})
    page = response.content.decode()
    assert "applied to “TF-CBT Collaborative” for the team “Riverside”" in page


# --- Query counts ---------------------------------------------------------------------------


def _add_applications(collaborative, count: int) -> None:
    for _ in range(count):
        application = ApplicationFactory(
            collaborative=collaborative,
            readiness={"1": {"statement": "S", "score": 3, "max_score": 5, "position": 1}},
            readiness_score=3,
        )
        ApplicationMemberFactory(application=application, roles=["clinician"])
        ApplicationMemberFactory(application=application, roles=["senior_leader"])


def _queue(client):
    response = client.get(url("application_review"))
    assert response.status_code == 200
    return response


def test_the_review_queue_runs_the_same_queries_for_2_and_50_applications(
    alice_client, window, django_assert_num_queries
):
    collaborative = window.collaborative
    _add_applications(collaborative, 2)
    # 1 session, 2 user, 3 organization by slug, 4 membership (middleware), 5 collaborative
    # by slug, 6 the user's leadership roles, 7 their roster places (access), 8 savepoint
    # (ATOMIC_REQUESTS), 9 applications with applicant, decider and team, 10 their proposed
    # rosters, 11 the window, 12 the organization switcher in the navbar, 13 release savepoint.
    with django_assert_num_queries(13):
        response = _queue(alice_client)
    assert len(response.context["rows"]) == 2

    _add_applications(collaborative, 48)
    with django_assert_num_queries(13):
        response = _queue(alice_client)
    assert len(response.context["rows"]) == 50
