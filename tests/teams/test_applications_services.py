"""Application services: the window and its form, applying, withdrawing, deciding, inviting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Invitation
from accounts.services import invitation_accept
from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from teams.models import (
    Application,
    ApplicationMember,
    ApplicationStatus,
    ApplicationWindow,
    ReadinessItem,
    Team,
    TeamMember,
    TeamMemberRole,
)
from teams.services import applications as services
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.teams.applications_support import (
    answers_for,
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


def _entries(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action).order_by("id"))


def _application(pk):
    with scopes_disabled():
        return Application.objects.get(pk=pk)


# --- The window -------------------------------------------------------------------------------


def test_it_opens_an_application_window(collaborative, alice, org_a):
    opens = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    closes = datetime(2027, 3, 3, 17, 0, tzinfo=UTC)
    with scope(organization=org_a):
        window = services.application_window_save(
            collaborative=collaborative,
            opens_at=opens,
            closes_at=closes,
            instructions="  Who should apply  ",
            actor=alice,
        )
    with scopes_disabled():
        window = ApplicationWindow.objects.get(pk=window.pk)
    assert (window.opens_at, window.closes_at, window.instructions) == (
        opens,
        closes,
        "Who should apply",
    )
    [entry] = _entries("bsc.application_window.created")
    assert entry.actor == alice
    assert entry.description == "opened applications to “TF-CBT Collaborative”"


def test_it_changes_the_window_and_records_what_changed(window, alice, org_a):
    later = window.closes_at + timedelta(days=7)
    with scope(organization=org_a):
        services.application_window_save(
            collaborative=window.collaborative,
            opens_at=window.opens_at,
            closes_at=later,
            instructions=window.instructions,
            actor=alice,
        )
    window.refresh_from_db()
    assert window.closes_at == later
    [entry] = _entries("bsc.application_window.changed")
    assert entry.data["changed"] == ["closes_at"]


def test_it_refuses_a_window_that_closes_before_it_opens(collaborative, alice, org_a):
    opens = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.application_window_save(
            collaborative=collaborative, opens_at=opens, closes_at=opens, actor=alice
        )
    assert error.value.field == "closes_at"
    with scopes_disabled():
        assert not ApplicationWindow.objects.exists()


def test_it_refuses_to_change_the_window_of_an_archived_collaborative(window, alice, org_a):
    collaborative = window.collaborative
    collaborative.archived_at = timezone.now()
    collaborative.save()
    with scope(organization=org_a), pytest.raises(ConflictError):
        services.application_window_save(
            collaborative=collaborative,
            opens_at=window.opens_at,
            closes_at=window.closes_at + timedelta(days=1),
            actor=alice,
        )


# --- Questions and readiness statements ------------------------------------------------------


def _question_texts(window):
    with scopes_disabled():
        return list(window.questions.order_by("order").values_list("order", "text"))


def test_it_adds_a_question_at_the_end(window, alice, org_a):
    with scope(organization=org_a):
        services.application_question_create(
            window=window, text=" Who is your senior leader? ", actor=alice
        )
    assert _question_texts(window)[-1] == (3, "Who is your senior leader?")
    [entry] = _entries("bsc.application_question.added")
    assert entry.description == "added the application question “Who is your senior leader?”"


def test_it_adds_a_question_at_a_chosen_place(window, alice, org_a):
    with scope(organization=org_a):
        services.application_question_create(window=window, text="First", position=1, actor=alice)
    assert [text for _order, text in _question_texts(window)] == [
        "First",
        "Why does your agency want to join?",
        "Anything else we should know?",
    ]


def test_it_refuses_an_empty_question(window, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.application_question_create(window=window, text="   ", actor=alice)
    assert error.value.field == "text"


def test_it_moves_a_question_and_renumbers_the_others(window, alice, org_a):
    with scopes_disabled():
        last = window.questions.order_by("order").last()
    with scope(organization=org_a):
        services.application_question_move(question=last, position=1, actor=alice)
    assert _question_texts(window) == [
        (1, "Anything else we should know?"),
        (2, "Why does your agency want to join?"),
    ]
    [entry] = _entries("bsc.application_question.changed")
    assert entry.data["changes"] == {"order": [2, 1]}


def test_it_removes_a_question_and_closes_the_gap(window, alice, org_a):
    with scopes_disabled():
        first = window.questions.order_by("order").first()
    with scope(organization=org_a):
        services.application_question_delete(question=first, actor=alice)
    assert _question_texts(window) == [(1, "Anything else we should know?")]
    assert _entries("bsc.application_question.removed")[0].data == {
        "text": "Why does your agency want to join?"
    }


def test_it_refuses_a_readiness_scale_out_of_range(window, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.readiness_item_create(
            window=window, statement="We meet weekly", max_score=11, actor=alice
        )
    assert error.value.field == "max_score"
    with scopes_disabled():
        assert ReadinessItem.objects.count() == 2


def test_it_changes_a_readiness_statement(window, alice, org_a):
    with scopes_disabled():
        item = window.readiness_items.order_by("order").first()
    with scope(organization=org_a):
        services.readiness_item_update(
            item=item, statement="Leaders give time", max_score=7, actor=alice
        )
    item.refresh_from_db()
    assert (item.statement, item.max_score) == ("Leaders give time", 7)
    [entry] = _entries("bsc.readiness_item.changed")
    assert entry.data["changes"]["max_score"] == [5, 7]


# --- Applying -----------------------------------------------------------------------------


def test_it_submits_an_application_with_answers_scores_and_roster(
    window, bob, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(window, bob, scores={**scores_for(window, 4, 2)})

    application = _application(application.pk)
    with scopes_disabled():
        questions = list(window.questions.order_by("order"))
        items = list(window.readiness_items.order_by("order"))
        people = list(application.proposed_members.order_by("id"))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.applicant == bob
    assert application.answers == {
        str(questions[0].pk): {
            "question": "Why does your agency want to join?",
            "answer": "Answer to: Why does your agency want to join?",
            "position": 1,
        },
        str(questions[1].pk): {
            "question": "Anything else we should know?",
            "answer": "Answer to: Anything else we should know?",
            "position": 2,
        },
    }
    assert application.readiness == {
        str(items[0].pk): {
            "statement": "Leaders give staff protected time for improvement work.",
            "score": 4,
            "max_score": 5,
            "position": 1,
        },
        str(items[1].pk): {
            "statement": "We already collect data on children's treatment every month.",
            "score": 2,
            "max_score": 4,
            "position": 2,
        },
    }
    assert application.readiness_score == 6
    assert [(p.full_name, p.roles) for p in people][:2] == [
        ("Rosa Leader", ["senior_leader", "agency_administrator"]),
        ("Sam Day", ["day_to_day_leader", "clinical_supervisor"]),
    ]
    assert len(people) == 5
    [entry] = _entries("bsc.application.submitted")
    assert (entry.actor, entry.data["team_name"]) == (bob, "Riverside")
    assert [message.to for message in mail.outbox] == [["bob@example.org"]]


def test_an_optional_question_may_be_left_blank(window, bob):
    with scopes_disabled():
        optional = window.questions.get(is_required=False)
    answers = {**answers_for(window), str(optional.pk): ""}
    application = submit(window, bob, answers=answers)
    assert _application(application.pk).answers[str(optional.pk)]["answer"] == ""


def test_it_refuses_an_application_before_the_window_opens(collaborative, bob, org_a):
    org_a.time_zone = "Europe/Berlin"
    org_a.save()
    window = open_window(
        collaborative,
        opens_at=datetime(2099, 2, 1, 8, 0, tzinfo=UTC),
        closes_at=datetime(2099, 3, 3, 16, 0, tzinfo=UTC),
    )
    with pytest.raises(DomainError) as error:
        submit(window, bob)
    assert error.value.message == "Applications open on 1 February 2099 at 09:00."
    with scopes_disabled():
        assert not Application.objects.exists()


def test_it_refuses_an_application_after_the_window_closed(collaborative, bob, org_a):
    org_a.time_zone = "Europe/Berlin"
    org_a.save()
    window = open_window(
        collaborative,
        opens_at=datetime(2027, 2, 1, 8, 0, tzinfo=UTC),
        closes_at=datetime(2027, 3, 3, 16, 0, tzinfo=UTC),
    )
    with pytest.raises(DomainError) as error:
        submit(window, bob, now=datetime(2027, 3, 3, 16, 0, tzinfo=UTC))
    assert error.value.message == "Applications closed on 3 March 2027 at 17:00."
    with scopes_disabled():
        assert not Application.objects.exists()
        assert not ApplicationMember.objects.exists()


def test_it_refuses_an_application_without_a_window(collaborative, bob, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.application_submit(
            collaborative=collaborative,
            applicant=bob,
            team_name="Riverside",
            answers={},
            scores={},
            members=full_roster(),
        )
    assert error.value.message == "This collaborative is not taking applications."


def test_it_refuses_an_application_missing_a_required_answer(window, bob):
    with scopes_disabled():
        required = window.questions.get(is_required=True)
    answers = {**answers_for(window), str(required.pk): "   "}
    with pytest.raises(DomainError) as error:
        submit(window, bob, answers=answers)
    assert error.value.field == "answers"
    assert error.value.message == "Answer “Why does your agency want to join?”: it is required."
    with scopes_disabled():
        assert not Application.objects.exists()


def test_it_refuses_an_answer_to_a_question_not_on_the_form(window, bob):
    answers = {**answers_for(window), "999999": "Stray"}
    with pytest.raises(DomainError) as error:
        submit(window, bob, answers=answers)
    assert error.value.message == "There is no question 999999 on this application form."


@pytest.mark.parametrize("score", [0, 6, "high", True, None])
def test_it_refuses_a_readiness_score_out_of_range(window, bob, score):
    with scopes_disabled():
        item = window.readiness_items.get(max_score=5)
    scores = {**scores_for(window), str(item.pk): score}
    with pytest.raises(DomainError) as error:
        submit(window, bob, scores=scores)
    assert error.value.field == "readiness"
    assert error.value.message.startswith(
        "Score “Leaders give staff protected time for improvement work.” from 1 to 5"
    )
    with scopes_disabled():
        assert not Application.objects.exists()


def test_it_reports_every_problem_of_an_application_at_once(window):
    with scopes_disabled():
        required = window.questions.get(is_required=True)
        window = ApplicationWindow.objects.prefetch_related("questions", "readiness_items").get(
            pk=window.pk
        )
    errors = services.application_errors(
        window=window,
        answers={str(required.pk): ""},
        scores={},
        members=[{"full_name": "", "email": "not-an-address", "roles": []}],
    )
    assert errors == {
        "answers": ["Answer “Why does your agency want to join?”: it is required."],
        "readiness": [
            "Score “Leaders give staff protected time for improvement work.” from 1 to 5.",
            "Score “We already collect data on children's treatment every month.” from 1 to 4.",
        ],
        "members": [
            "Person 1: give their full name.",
            "Person 1: “not-an-address” is not an e-mail address.",
            "Person 1: choose at least one team role.",
        ],
    }


def test_it_refuses_an_application_without_anybody_on_the_roster(window, bob):
    with pytest.raises(DomainError) as error:
        submit(window, bob, members=[])
    assert (error.value.field, error.value.message) == (
        "members",
        "Add at least one person to the proposed team.",
    )


def test_it_refuses_the_same_email_twice_on_a_roster(window, bob):
    roster = full_roster()
    roster[1]["email"] = "ROSA@riverside.example"
    with pytest.raises(DomainError) as error:
        submit(window, bob, members=roster)
    assert error.value.message == (
        "Sam Day: rosa@riverside.example is already given for person 1; each person needs "
        "their own e-mail address."
    )


def test_it_refuses_an_unknown_team_role(window, bob):
    roster = full_roster()
    roster[2]["roles"] = ["wizard"]
    with pytest.raises(DomainError) as error:
        submit(window, bob, members=roster)
    assert error.value.message == "Chris Clinician: “wizard” is not a team role."


def test_it_refuses_a_second_application_with_the_same_team_name(window, bob, alice):
    submit(window, alice, team_name="Riverside")
    with pytest.raises(DomainError) as error:
        submit(window, bob, team_name="  riverside ")
    assert error.value.field == "team_name"
    assert (
        error.value.message
        == "A team called “riverside” has already applied to this collaborative."
    )
    with scopes_disabled():
        assert Application.objects.count() == 1


def test_it_refuses_the_name_of_a_team_already_in_the_collaborative(window, bob):
    TeamFactory(collaborative=window.collaborative, name="Riverside")
    with pytest.raises(DomainError) as error:
        submit(window, bob, team_name="Riverside")
    assert error.value.field == "team_name"


def test_a_withdrawn_application_frees_its_team_name(window, bob, org_a):
    first = submit(window, bob, team_name="Riverside")
    with scope(organization=org_a):
        services.application_withdraw(application=first, actor=bob)
    second = submit(window, bob, team_name="Riverside")
    assert _application(second.pk).status == ApplicationStatus.SUBMITTED


def test_a_changed_question_leaves_submitted_answers_as_they_were(window, bob, alice, org_a):
    application = submit(window, bob)
    with scopes_disabled():
        question = window.questions.get(is_required=True)
    key = str(question.pk)
    with scope(organization=org_a):
        services.application_question_update(
            question=question, text="What will you change first?", actor=alice
        )
        services.application_question_delete(question=question, actor=alice)
    stored = _application(application.pk).answers[key]
    assert stored["question"] == "Why does your agency want to join?"
    assert stored["answer"] == "Answer to: Why does your agency want to join?"


# --- Withdrawing --------------------------------------------------------------------------


def test_the_applicant_withdraws_an_undecided_application(window, bob, org_a):
    application = submit(window, bob)
    with scope(organization=org_a):
        services.application_withdraw(application=application, actor=bob)
    application = _application(application.pk)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.decided_at is not None
    [entry] = _entries("bsc.application.withdrawn")
    assert entry.actor == bob


def test_a_decided_application_cannot_be_withdrawn(window, bob, alice, org_a):
    application = submit(window, bob)
    with scope(organization=org_a):
        services.application_decline(application=application, actor=alice)
        with pytest.raises(ConflictError) as error:
            services.application_withdraw(application=application, actor=bob)
    assert error.value.status == 409
    assert error.value.message.startswith("This application was already declined by Alice Admin")
    assert _application(application.pk).status == ApplicationStatus.DECLINED


# --- Deciding -------------------------------------------------------------------------------


def test_accepting_creates_the_team_and_its_roster(window, bob, alice, org_a, org_b):
    # Rosa is a member of the organization: she is linked. Chris has an account, but in
    # another organization only: he is listed without one, like Pat who has none.
    rosa = UserFactory(email="rosa@riverside.example")
    MembershipFactory(user=rosa, organization=org_a)
    chris = UserFactory(email="chris@riverside.example")
    MembershipFactory(user=chris, organization=org_b)
    application = submit(window, bob)

    with scope(organization=org_a):
        services.application_accept(application=application, note="Welcome!", actor=alice)

    application = _application(application.pk)
    with scopes_disabled():
        team = Team.objects.get(collaborative=window.collaborative)
        members = {m.full_name: m for m in TeamMember.objects.filter(team=team)}
        roles = {
            (r.member.full_name, r.role) for r in TeamMemberRole.objects.select_related("member")
        }
    assert (team.name, team.site_name, team.is_member_site, team.status) == (
        "Riverside",
        "Riverside Family Services",
        True,
        "active",
    )
    assert application.status == ApplicationStatus.ACCEPTED
    assert (application.team, application.decided_by, application.decision_note) == (
        team,
        alice,
        "Welcome!",
    )
    assert set(members) == {
        "Rosa Leader",
        "Sam Day",
        "Chris Clinician",
        "Kim Clinician",
        "Pat Parent",
    }
    assert members["Rosa Leader"].user == rosa
    assert members["Chris Clinician"].user is None
    assert members["Pat Parent"].user is None
    assert members["Kim Clinician"].phone == "555-0104"
    assert ("Rosa Leader", "senior_leader") in roles
    assert ("Rosa Leader", "agency_administrator") in roles
    assert len(roles) == 7
    [entry] = _entries("bsc.application.accepted")
    assert entry.actor == alice
    assert entry.data["linked_accounts"] == 1
    assert entry.description == "accepted “Riverside” into “TF-CBT Collaborative”"


def test_accepting_is_all_or_nothing(window, bob, alice, org_a):
    application = submit(window, bob)
    with (
        mock.patch.object(TeamMemberRole.objects, "bulk_create", side_effect=RuntimeError),
        scope(organization=org_a),
        pytest.raises(RuntimeError),
    ):
        services.application_accept(application=application, actor=alice)
    with scopes_disabled():
        assert not Team.objects.exists()
        assert not TeamMember.objects.exists()
    assert _application(application.pk).status == ApplicationStatus.SUBMITTED
    assert _entries("bsc.application.accepted") == []


def test_accepting_under_a_taken_team_name_changes_nothing(window, bob, alice, org_a):
    application = submit(window, bob, team_name="Riverside")
    TeamFactory(collaborative=window.collaborative, name="RIVERSIDE")
    with scope(organization=org_a), pytest.raises(ConflictError) as error:
        services.application_accept(application=application, actor=alice)
    assert error.value.field == "team_name"
    assert "already part of this collaborative" in error.value.message
    assert _application(application.pk).status == ApplicationStatus.SUBMITTED
    with scopes_disabled():
        assert Team.objects.count() == 1
        assert not TeamMember.objects.exists()


def test_declining_records_the_note_and_emails_the_applicant(
    window, bob, alice, org_a, django_capture_on_commit_callbacks
):
    application = submit(window, bob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        services.application_decline(
            application=application, note="Please apply to the next wave.", actor=alice
        )
    application = _application(application.pk)
    assert (application.status, application.decision_note) == (
        "declined",
        "Please apply to the next wave.",
    )
    with scopes_disabled():
        assert not Team.objects.exists()
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert "Please apply to the next wave." in message.body
    [entry] = _entries("bsc.application.declined")
    assert entry.data["note"] == "Please apply to the next wave."


def test_deciding_twice_is_a_conflict(window, bob, alice, org_a):
    application = submit(window, bob)
    with scope(organization=org_a):
        services.application_accept(application=application, actor=alice)
        with pytest.raises(ConflictError) as error:
            services.application_decline(application=application, actor=alice)
    assert error.value.status == 409
    assert error.value.message.startswith(
        "This application was already accepted by Alice Admin on "
    )
    assert _application(application.pk).status == ApplicationStatus.ACCEPTED
    with scopes_disabled():
        assert Team.objects.count() == 1


def test_a_withdrawn_application_cannot_be_accepted(window, bob, alice, org_a):
    application = submit(window, bob)
    with scope(organization=org_a):
        services.application_withdraw(application=application, actor=bob)
        with pytest.raises(ConflictError) as error:
            services.application_accept(application=application, actor=alice)
    assert error.value.message.startswith("The applicant withdrew this application on ")
    with scopes_disabled():
        assert not Team.objects.exists()


# --- Inviting outside applicants ----------------------------------------------------------


def test_inviting_an_outsider_also_invites_them_to_the_organization(
    window, alice, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        invitation = services.application_invite(
            collaborative=window.collaborative, email=" Dana@Clinic.example ", actor=alice
        )
    with scopes_disabled():
        invitation = Invitation.objects.get(pk=invitation.pk)
    assert (invitation.email, invitation.role) == ("dana@clinic.example", "member")
    assert invitation.grants == [
        {"kind": "application_invite", "collaborative_id": window.collaborative.pk}
    ]
    assert sorted(message.subject for message in mail.outbox) == [
        "Alice Admin invited you to join Northern Network on BSC Platform",
        "Alice Admin invites you to apply to TF-CBT Collaborative",
    ]
    [entry] = _entries("bsc.application.invited")
    assert entry.data == {
        "email": "dana@clinic.example",
        "collaborative": "TF-CBT Collaborative",
        "has_account": False,
    }


def test_inviting_a_member_sends_only_the_application_link(
    window, alice, bob, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        invitation = services.application_invite(
            collaborative=window.collaborative, email="bob@example.org", actor=alice
        )
    assert invitation is None
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert message.subject == "Alice Admin invites you to apply to TF-CBT Collaborative"
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_it_refuses_to_invite_applicants_after_the_window_closed(collaborative, alice, org_a):
    window = open_window(
        collaborative,
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(days=1),
    )
    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.application_invite(
            collaborative=window.collaborative, email="dana@clinic.example", actor=alice
        )
    assert error.value.message.startswith("Applications closed on ")
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_it_refuses_to_invite_applicants_without_a_window(collaborative, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.application_invite(
            collaborative=collaborative, email="dana@clinic.example", actor=alice
        )
    assert error.value.message == "Set up the application window before inviting applicants."


def test_accepting_the_invitation_is_recorded(window, alice, org_a):
    with scope(organization=org_a):
        invitation = services.application_invite(
            collaborative=window.collaborative, email="dana@clinic.example", actor=alice
        )
    dana = UserFactory(email="dana@clinic.example")
    with scopes_disabled():
        invitation = Invitation.objects.get(pk=invitation.pk)
    invitation_accept(invitation=invitation, user=dana)
    [entry] = _entries("bsc.application.invitation_accepted")
    assert entry.actor == dana
    assert entry.description == "joined to apply to “TF-CBT Collaborative”"
