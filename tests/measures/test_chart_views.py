"""The chart pages: a team's dashboard, one chart in full with its settings form and
history, the CSV, the faculty review board and one measure for every team."""

from __future__ import annotations

import csv
import io

import pytest
from django_scopes import scopes_disabled

from measures.models import ChartSettings, ChartSettingsChange
from tests.factories import TeamFactory
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.django_db

BASE = "/orgs/org-a/collaboratives/tfcbt"
# Days from referral to first session (lower is better): a year at about 30 days, then
# six months at about 15: a shift to the better side.
WAITS = [30, 31, 29, 32, 30, 28, 31, 30, 29, 31, 30, 32, 15, 14, 16, 15, 13, 14]


@pytest.fixture
def world(org_a):
    world = make_world(org_a)
    add_values(world.team, world.mean, {month(i + 1): v for i, v in enumerate(WAITS)})
    # Hillside gets worse: waits grow after the first year.
    worse = [15, 14, 16, 15, 14, 16, 15, 14, 15, 16, 14, 15, 30, 31, 29, 32, 30, 31]
    add_values(world.other_team, world.mean, {month(i + 1): v for i, v in enumerate(worse)})
    return world


def dashboard_url(world, team=None) -> str:
    return f"{BASE}/teams/{(team or world.team).pk}/charts/"


def chart_url(world, measure=None, team=None) -> str:
    team = team or world.team
    return f"{BASE}/teams/{team.pk}/measures/{(measure or world.mean).pk}/chart/"


def settings_post(version: int = 0, **fields) -> dict[str, str]:
    data = {
        "version": str(version),
        "chart_type": "",
        "rule_set": "",
        "freeze_month": "",
        "phase-TOTAL_FORMS": "2",
        "phase-INITIAL_FORMS": "0",
        "phase-MIN_NUM_FORMS": "0",
        "phase-MAX_NUM_FORMS": "24",
        "exclude-TOTAL_FORMS": "2",
        "exclude-INITIAL_FORMS": "0",
        "exclude-MIN_NUM_FORMS": "0",
        "exclude-MAX_NUM_FORMS": "24",
    }
    data.update({key.replace("__", "-"): value for key, value in fields.items()})
    return data


def saved_settings(world, measure=None):
    with scopes_disabled():
        return ChartSettings.objects.filter(team=world.team, measure=measure or world.mean).first()


# --- Team dashboard ----------------------------------------------------------------------


def test_the_dashboard_shows_every_measure_of_the_team_with_its_own(client, world):
    client.force_login(world.member)
    response = client.get(dashboard_url(world))

    assert response.status_code == 200
    for measure in (world.percentage, world.rate, world.count, world.mean, world.custom):
        assert measure.name in response.content.decode()
    assert "Our own measure" in response.content.decode()


def test_the_dashboard_shows_the_variation_icon_and_the_latest_value_against_the_goal(
    client, world
):
    client.force_login(world.member)
    response = client.get(dashboard_url(world))
    card = next(c for c in response.context["cards"] if c.measure == world.mean)

    assert card.headline.variation == "improving"
    assert card.headline.latest == "14 days"
    assert card.headline.goal == "14 days"
    assert card.headline.meets_goal is True
    assert 'aria-label="Special cause: improving"' in response.content.decode()


def test_each_dashboard_card_links_to_the_full_chart(client, world):
    client.force_login(world.member)
    response = client.get(dashboard_url(world))

    assert f'href="{chart_url(world)}"' in response.content.decode()


def test_another_teams_dashboard_is_not_found_for_a_team_member(client, world):
    client.force_login(world.member)

    assert client.get(dashboard_url(world, world.other_team)).status_code == 404


def test_faculty_open_any_teams_dashboard(client, world):
    client.force_login(world.faculty)

    assert client.get(dashboard_url(world, world.other_team)).status_code == 200


def test_an_applicant_team_has_no_dashboard(client, world):
    with scopes_disabled():
        applicant = TeamFactory(collaborative=world.collaborative, status="applicant")
    client.force_login(world.faculty)

    assert client.get(dashboard_url(world, applicant)).status_code == 404


def test_the_team_page_links_to_its_dashboard(client, world):
    client.force_login(world.member)
    response = client.get(f"{BASE}/teams/{world.team.pk}/")

    assert f'href="{dashboard_url(world)}"' in response.content.decode()


# --- One chart ---------------------------------------------------------------------------


def test_the_chart_page_explains_the_signal_below_the_chart(client, world):
    client.force_login(world.member)
    response = client.get(chart_url(world))
    chart = response.context["chart"]

    assert response.status_code == 200
    assert any(item.tone == "improvement" for item in chart["explanations"])
    assert "chart-tone-improvement" in response.content.decode()


def test_the_chart_page_offers_the_data_as_csv(client, world):
    client.force_login(world.member)
    response = client.get(chart_url(world))

    assert f'href="{chart_url(world)[:-1]}.csv"' in response.content.decode()


def test_the_csv_has_a_row_per_month(client, world):
    client.force_login(world.member)
    response = client.get(chart_url(world)[:-1] + ".csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert len(rows) == 1 + len(WAITS)


def test_a_chart_without_values_says_so(client, world):
    client.force_login(world.member)
    response = client.get(chart_url(world, world.count))

    assert response.status_code == 200
    assert response.context["chart"] is None
    assert "No values yet" in response.content.decode()


def test_a_custom_measure_of_another_team_is_not_found(client, world):
    client.force_login(world.faculty)

    assert client.get(chart_url(world, world.custom, world.other_team)).status_code == 404


def test_a_measure_of_another_collaborative_is_not_found(client, world):
    from tests.factories import MeasureFactory

    with scopes_disabled():
        elsewhere = MeasureFactory(organization=world.organization)
    client.force_login(world.faculty)

    assert client.get(chart_url(world, elsewhere)).status_code == 404


def test_the_lead_gets_the_settings_form_and_a_clinician_does_not(client, world):
    client.force_login(world.lead)
    assert client.get(chart_url(world)).context["forms"] is not None

    client.force_login(world.member)
    assert client.get(chart_url(world)).context["forms"] is None


def test_the_chart_type_choices_are_the_ones_the_measure_allows(client, world):
    client.force_login(world.faculty)
    form = client.get(chart_url(world)).context["forms"].main

    assert [value for value, _ in form.fields["chart_type"].choices] == ["", "run", "i"]


def test_a_phase_break_with_a_label_splits_the_chart_into_two_phases(client, world):
    client.force_login(world.lead)
    response = client.post(
        chart_url(world),
        settings_post(phase__0__month="2027-01", phase__0__label="New intake process"),
    )

    assert response.status_code == 302
    assert saved_settings(world).phase_breaks == [
        {"month": "2027-01-01", "label": "New intake process"}
    ]
    page = client.get(chart_url(world))
    assert [phase["number"] for phase in page.context["phases"]] == [1, 2]
    assert page.context["phases"][1]["label"] == "New intake process"
    assert "New intake process" in page.content.decode()


def test_an_excluded_month_needs_a_reason(client, world):
    client.force_login(world.lead)
    response = client.post(chart_url(world), settings_post(exclude__0__month="2026-03"))

    assert response.status_code == 200
    assert response.context["forms"].exclusions.forms[0].errors["reason"]
    assert saved_settings(world) is None


def test_a_frozen_baseline_with_phases_is_refused_by_the_service_on_the_form(client, world):
    client.force_login(world.lead)
    response = client.post(
        chart_url(world),
        settings_post(freeze_month="2026-06", phase__0__month="2027-01", phase__0__label="x"),
    )

    assert response.status_code == 200
    errors = response.context["forms"]
    assert errors.main.errors.get("freeze_month") or errors.section_errors["phases"]
    assert saved_settings(world) is None


def test_a_stale_version_answers_409_and_keeps_the_other_change(client, world):
    client.force_login(world.lead)
    client.post(chart_url(world), settings_post(rule_set="anhoj"))
    response = client.post(chart_url(world), settings_post(version=0, phase__0__month="2027-01"))

    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode()
    settings = saved_settings(world)
    assert (settings.rule_set, settings.phase_breaks, settings.version) == ("anhoj", [], 1)
    assert response.context["forms"].main.initial["version"] == 1


def test_a_phase_break_is_removed_with_its_remove_box(client, world):
    client.force_login(world.lead)
    client.post(
        chart_url(world), settings_post(phase__0__month="2027-01", phase__0__label="Intake")
    )
    form = client.get(chart_url(world)).context["forms"]
    assert form.phases.initial_form_count() == 1
    data = settings_post(
        version=1, phase__0__month="2027-01", phase__0__label="Intake", phase__0__DELETE="on"
    )
    data.update({"phase-TOTAL_FORMS": "3", "phase-INITIAL_FORMS": "1"})
    response = client.post(chart_url(world), data)

    assert response.status_code == 302
    assert saved_settings(world).phase_breaks == []
    assert [p["number"] for p in client.get(chart_url(world)).context["phases"]] == [1]


def test_the_conflict_message_lists_what_the_user_asked_for(client, world):
    client.force_login(world.lead)
    client.post(chart_url(world), settings_post(rule_set="anhoj"))
    response = client.post(
        chart_url(world),
        settings_post(version=0, exclude__0__month="2026-03", exclude__0__reason="Outage"),
    )

    assert response.context["yours"] == [
        "Run chart rules: Anhøj rules → the collaborative's default",
        "Left out March 2026: “Outage”",
    ]


def test_an_archived_collaborative_shows_no_settings_form_and_refuses_changes(client, world):
    from django.utils import timezone

    with scopes_disabled():
        world.collaborative.archived_at = timezone.now()
        world.collaborative.save(update_fields=["archived_at"])
    client.force_login(world.faculty)

    assert client.get(chart_url(world)).context["forms"] is None
    assert client.post(chart_url(world), settings_post(rule_set="anhoj")).status_code == 403


def test_a_clinician_cannot_change_the_settings(client, world):
    client.force_login(world.member)
    response = client.post(chart_url(world), settings_post(rule_set="anhoj"))

    assert response.status_code == 403
    assert saved_settings(world) is None


def test_the_history_says_who_changed_what(client, world):
    client.force_login(world.faculty)
    client.post(
        chart_url(world),
        settings_post(exclude__0__month="2026-03", exclude__0__reason="Records system outage"),
    )
    response = client.get(chart_url(world))
    entry = response.context["history"][0]

    assert entry["by"] == "Fay Faculty"
    assert entry["lines"] == ["Left out March 2026: “Records system outage”"]
    with scopes_disabled():
        assert ChartSettingsChange.objects.count() == 1


def test_another_teams_chart_under_anonymized_sharing_shows_the_pseudonym(client, org_a):
    world = make_world(org_a, data_sharing="anonymized")
    add_values(world.other_team, world.mean, {month(i + 1): v for i, v in enumerate(WAITS)})
    client.force_login(world.member)
    response = client.get(chart_url(world, team=world.other_team))

    assert response.status_code == 200
    assert response.context["team_label"] == "Team A"
    assert world.other_team.name not in response.content.decode()


def test_another_teams_chart_is_not_found_when_teams_do_not_share(client, org_a):
    world = make_world(org_a, data_sharing="none")
    client.force_login(world.member)

    assert client.get(chart_url(world, team=world.other_team)).status_code == 404


# --- Review board ------------------------------------------------------------------------


def board_url(**query) -> str:
    url = f"{BASE}/charts/"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_faculty_see_every_team_and_measure_on_the_review_board(client, world):
    client.force_login(world.faculty)
    response = client.get(board_url())

    assert response.status_code == 200
    labels = [row.label for row in response.context["rows"]]
    assert labels == ["Hillside Centre", "Riverside Clinic"]
    assert [m.pk for m in response.context["measures"]] == [
        world.percentage.pk,
        world.rate.pk,
        world.count.pk,
        world.mean.pk,
    ]


def test_team_members_cannot_open_the_review_board(client, world):
    client.force_login(world.lead)

    assert client.get(board_url()).status_code == 403


def test_sorting_by_signal_puts_the_concerning_team_first(client, world):
    with scopes_disabled():
        third = TeamFactory(collaborative=world.collaborative, name="Aardvark House")
    add_values(third, world.mean, {month(i + 1): 20 + (i % 3) for i in range(18)})
    client.force_login(world.faculty)
    rows = client.get(board_url(sort="signal")).context["rows"]

    assert [row.label for row in rows] == ["Hillside Centre", "Riverside Clinic", "Aardvark House"]


def test_sorting_by_one_measure_orders_by_its_icon(client, world):
    client.force_login(world.faculty)
    rows = client.get(board_url(sort="signal", measure=world.mean.pk)).context["rows"]
    index = [m.pk for m in client.get(board_url()).context["measures"]].index(world.mean.pk)

    assert [row.cells[index].headline.variation for row in rows] == ["concerning", "improving"]


def test_each_board_cell_links_to_the_teams_chart_with_a_text_alternative(client, world):
    client.force_login(world.faculty)
    content = client.get(board_url()).content.decode()

    assert f'href="{chart_url(world)}"' in content
    label = "Riverside Clinic, Days from referral to first session: Special cause: improving"
    assert label in content


def test_the_navigation_shows_run_charts_to_faculty_only(client, world):
    client.force_login(world.faculty)
    assert board_url() in client.get(f"{BASE}/").content.decode()

    client.force_login(world.lead)
    assert board_url() not in client.get(f"{BASE}/").content.decode()


# --- One measure, every team -------------------------------------------------------------


def measure_board_url(world, measure=None) -> str:
    return f"{BASE}/charts/measures/{(measure or world.mean).pk}/"


def test_the_measure_board_shows_the_aggregate_and_every_team(client, world):
    client.force_login(world.faculty)
    response = client.get(measure_board_url(world))

    assert response.status_code == 200
    assert response.context["aggregate_chart"] is not None
    assert sorted(item["team"].label for item in response.context["multiples"]) == [
        "Hillside Centre",
        "Riverside Clinic",
    ]
    assert all(item["chart"] for item in response.context["multiples"])


def test_the_measure_board_gives_the_share_of_teams_meeting_goal_per_month(client, world):
    client.force_login(world.faculty)
    meeting = client.get(measure_board_url(world)).context["meeting"]

    # January 2026: Hillside (15 days) misses the goal of 14, Riverside (30) too.
    assert (meeting[0]["teams"], meeting[0]["meeting"]) == (2, 0)
    # June 2027: Riverside meets it (14 days), Hillside does not (31).
    assert (meeting[-1]["teams"], meeting[-1]["meeting"], meeting[-1]["percent"]) == (2, 1, 50.0)


def test_a_team_member_compares_teams_under_anonymized_sharing(client, org_a):
    world = make_world(org_a, data_sharing="anonymized")
    add_values(world.other_team, world.mean, {month(i + 1): v for i, v in enumerate(WAITS)})
    client.force_login(world.member)
    response = client.get(measure_board_url(world))

    labels = [item["team"].label for item in response.context["multiples"]]
    assert labels == ["Riverside Clinic", "Team A"]
    assert world.other_team.name not in response.content.decode()


def test_team_members_cannot_compare_teams_when_teams_do_not_share(client, org_a):
    world = make_world(org_a, data_sharing="none")
    client.force_login(world.member)

    assert client.get(measure_board_url(world)).status_code == 403


def test_a_teams_own_measure_has_no_measure_board(client, world):
    client.force_login(world.faculty)

    assert client.get(measure_board_url(world, world.custom)).status_code == 404


def test_the_dashboard_offers_compare_teams_when_the_collaborative_shares(client, world):
    client.force_login(world.member)
    content = client.get(dashboard_url(world)).content.decode()

    assert f'href="{measure_board_url(world)}"' in content


def test_small_multiples_share_one_scale(client, world):
    client.force_login(world.faculty)
    multiples = client.get(measure_board_url(world)).context["multiples"]
    ranges = {tuple(item["chart"]["figure"]["layout"]["yaxis"]["range"]) for item in multiples}

    assert len(ranges) == 1
    low, high = ranges.pop()
    assert low < 13 and high > 32  # every team's lowest and highest wait fits


def test_small_multiples_can_fit_their_own_data(client, world):
    client.force_login(world.faculty)
    response = client.get(measure_board_url(world) + "?scale=own")

    assert all(
        "range" not in item["chart"]["figure"]["layout"]["yaxis"]
        for item in response.context["multiples"]
    )


def test_a_board_cell_shows_the_month_of_a_value_older_than_the_newest(client, world):
    # The newest month on the board is June 2027 (month 18).
    add_values(world.team, world.percentage, {month(17): (5, 10)})
    add_values(world.other_team, world.percentage, {month(18): (5, 10)})
    client.force_login(world.faculty)
    rows = client.get(board_url()).context["rows"]
    index = [m.pk for m in client.get(board_url()).context["measures"]].index(world.percentage.pk)
    behind = {row.label: row.cells[index].behind for row in rows}

    assert behind == {"Hillside Centre": False, "Riverside Clinic": True}


def test_saving_unchanged_settings_says_nothing_changed(client, world):
    client.force_login(world.lead)
    response = client.post(chart_url(world), settings_post(), follow=True)

    assert "Nothing had changed" in response.content.decode()
    assert saved_settings(world) is None
