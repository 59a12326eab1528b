"""The reminder log page of a team: who sees it, what it shows, and its constant query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, MonthlyReportFactory, ReminderFactory, UserFactory
from tests.measures import reminders_support
from tests.measures.reminders_support import MARCH, at

pytestmark = pytest.mark.django_db

world = reminders_support.world


def _url(world, **query) -> str:
    url = reverse(
        "reminder_log",
        kwargs={"org": "org-a", "collab": "tf-cbt", "team": world.riverside.pk},
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _reminders(world, count: int) -> None:
    report = MonthlyReportFactory(team=world.riverside, month=MARCH, status="not_started")
    for n in range(count):
        ReminderFactory(
            report=report,
            kind="overdue",
            occurrence=n + 1,
            email="sam@clinic.example",
            status="sent",
            attempts=1,
            sent_at=at("2026-04-16T12:00:00"),
        )


def test_it_shows_faculty_each_reminder_with_its_outcome(client, world):
    report = MonthlyReportFactory(team=world.riverside, month=MARCH, status="not_started")
    ReminderFactory(
        report=report,
        kind="overdue",
        occurrence=2,
        email="sam@clinic.example",
        status="failed",
        attempts=3,
        last_error="SMTPException: 451 try again later",
    )
    client.force_login(world.fay)

    response = client.get(_url(world))

    assert response.status_code == 200
    html = response.content.decode()
    assert "March 2026" in html
    assert "After the due date (2)" in html
    assert "sam@clinic.example" in html
    assert "SMTPException: 451 try again later" in html
    assert ">Failed<" in html


def test_it_filters_by_status(client, world):
    _reminders(world, 1)
    client.force_login(world.stan)

    response = client.get(_url(world, status="failed"))

    assert response.status_code == 200
    assert list(response.context["reminders"]) == []
    assert "No reminders with this status." in response.content.decode()


def test_a_team_lead_may_not_read_the_reminder_log(client, world):
    client.force_login(world.dana)

    assert client.get(_url(world)).status_code == 403


def test_a_team_of_another_collaborative_is_not_found(client, world):
    from tests.factories import CollaborativeFactory, TeamFactory

    other = TeamFactory(collaborative=CollaborativeFactory(organization=world.org, slug="other"))
    client.force_login(world.fay)
    url = reverse("reminder_log", kwargs={"org": "org-a", "collab": "tf-cbt", "team": other.pk})

    assert client.get(url).status_code == 404


def test_an_outsider_gets_404(client, world, org_b):
    carol = UserFactory()
    MembershipFactory(user=carol, organization=org_b, role="admin")
    client.force_login(carol)

    assert client.get(_url(world)).status_code == 404


@pytest.mark.parametrize("count", [2, 50])
def test_the_reminder_log_runs_the_same_queries_for_2_or_50_reminders(
    client, world, django_assert_num_queries, count
):
    _reminders(world, count)
    client.force_login(world.fay)

    # 1 session, 2 user, 3 organization, 4 membership, 5 collaborative,
    # 6 leadership roles, 7 roster places (CollaborativeAccess), 8 savepoint
    # (ATOMIC_REQUESTS), 9 team, 10 count of reminders (paginator), 11 the
    # organization again (the collaborative page's base), 12 the page of
    # reminders with their reports, 13 release savepoint.
    with django_assert_num_queries(13):
        response = client.get(_url(world))

    assert response.status_code == 200
    assert len(response.context["reminders"]) == count
