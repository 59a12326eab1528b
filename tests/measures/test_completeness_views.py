"""The completeness page and the chase list: who may open them and what they show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import TeamMemberFactory
from tests.measures.completeness_support import (  # noqa: F401 - fixtures by name
    collab_fixture,
    dana_fixture,
    fay_fixture,
    lakeside_fixture,
    local,
    months_ago,
    report,
    riverside_fixture,
)

pytestmark = pytest.mark.django_db


def _url(name: str, collab) -> str:
    return reverse(name, kwargs={"org": collab.organization.slug, "collab": collab.slug})


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("fay", 200), ("bob", 403), ("dana", 403), ("carol", 404)],
)
@pytest.mark.parametrize("name", ["completeness", "completeness_chase"])
def test_staff_and_faculty_open_the_completeness_pages_and_teams_do_not(
    client, request, collab, riverside, dana, fay, name, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(name, collab)).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, collab):
    response = client.get(_url("completeness", collab))
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign" in response["Location"]


def test_the_grid_shows_each_status_as_text_not_colour_alone(
    client, alice, collab, riverside, lakeside
):
    submitted = local(months_ago(3).year, months_ago(3).month, 2)
    report(riverside, months_ago(4), "accepted", submitted=submitted)
    report(riverside, months_ago(3), "returned", submitted=submitted)
    client.force_login(alice)
    html = client.get(_url("completeness", collab)).content.decode()
    assert f"{months_ago(4):%B %Y}: Accepted" in html
    assert f"{months_ago(3):%B %Y}: Returned for revision" in html
    assert f"{months_ago(2):%B %Y}: Missing" in html
    assert "Not yet due" in html
    assert "Legend" in html
    assert 'class="completeness-team' in html  # the sticky team column


def test_the_navigation_shows_completeness_to_faculty(client, fay, collab):
    client.force_login(fay)
    html = client.get(_url("completeness", collab)).content.decode()
    assert f'href="{_url("completeness", collab)}"' in html


def test_the_chase_list_shows_the_leads_contacts_and_a_prefilled_mail_link(
    client, alice, collab, riverside, dana
):
    TeamMemberFactory(
        team=riverside, full_name="Sue Senior", email="sue@river.example", roles=["senior_leader"]
    )
    client.force_login(alice)
    html = client.get(_url("completeness_chase", collab)).content.decode()
    assert "Sue Senior" in html and "Dana Leader" in html
    assert 'href="tel:+1 555 0100"' in html
    assert "mailto:sue@river.example,dana@example.org?subject=TF-CBT%20Collaborative" in html
    assert f"{months_ago(4):%B %Y}" in html


def test_the_chase_list_says_so_when_nobody_is_behind(client, alice, collab):
    client.force_login(alice)
    html = client.get(_url("completeness_chase", collab)).content.decode()
    assert "Nobody to chase" in html


def test_each_month_column_shows_the_due_day_people_are_told():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from measures.selectors.completeness import MonthColumn

    column = MonthColumn(
        month=dt.date(2026, 9, 1),
        deadline=dt.datetime(2026, 10, 16, tzinfo=ZoneInfo("America/New_York")),
        rates=None,
    )
    assert column.due_date == dt.date(2026, 10, 15)
