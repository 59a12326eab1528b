"""Chart settings of a series: validated per field against the series, kept in the history,
refused on a stale version, and marking the series' snapshot stale."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from measures import charting
from measures.models import ChartSettings, ChartSettingsChange, ChartSnapshot
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a):
    world = make_world(org_a)
    add_values(world.team, world.percentage, {month(i): (i, 12) for i in range(1, 9)})
    return world


def update(world, data, *, version=0, measure=None, actor=None):
    with scope(organization=world.organization):
        return charting.update_chart_settings(
            team=world.team,
            measure=measure or world.percentage,
            actor=actor or world.faculty,
            data=data,
            expected_version=version,
            source="form",
        )


def errors_of(world, data, **kwargs):
    with pytest.raises(charting.SettingsErrors) as raised:
        update(world, data, **kwargs)
    return raised.value.errors


def test_defaults_are_unsaved_with_version_zero(world):
    with scope(organization=world.organization):
        settings = charting.chart_settings_for(world.team, world.percentage)

    assert settings.pk is None
    assert settings.version == 0
    assert settings.chart_type == ""


def test_first_save_creates_the_settings_at_version_one(world):
    settings = update(world, {"chart_type": "pp", "rule_set": "anhoj"})

    assert (settings.version, settings.chart_type, settings.rule_set) == (1, "pp", "anhoj")


def test_a_phase_break_is_kept_with_its_label_as_a_month(world):
    settings = update(world, {"phase_breaks": [{"month": "2026-04", "label": " New intake "}]})

    assert settings.phase_breaks == [{"month": "2026-04-01", "label": "New intake"}]


def test_each_change_is_kept_in_the_history_with_old_and_new(world):
    first = update(world, {"chart_type": "pp"})
    update(world, {"chart_type": "p"}, version=first.version)

    with scope(organization=world.organization):
        history = charting.settings_history(first)
    assert [(c.old["chart_type"], c.new["chart_type"]) for c in history] == [
        ("", "pp"),
        ("pp", "p"),
    ]
    assert history[0].changed_by == world.faculty


def test_a_change_is_in_the_audit_log(world):
    update(world, {"chart_type": "pp"})

    with scopes_disabled():
        assert AuditEntry.objects.filter(action="bsc.chart.settings_changed").count() == 1


def test_saving_the_same_settings_again_writes_nothing(world):
    first = update(world, {"chart_type": "pp"})

    again = update(world, {"chart_type": "pp"}, version=first.version)

    assert again.version == 1
    with scopes_disabled():
        assert ChartSettingsChange.objects.count() == 1


def test_a_stale_version_is_refused_with_the_current_settings(world):
    update(world, {"chart_type": "pp"})

    with pytest.raises(charting.StaleSettingsError) as raised:
        update(world, {"chart_type": "p"}, version=0)

    assert raised.value.status == 409
    assert raised.value.settings.chart_type == "pp"
    with scopes_disabled():
        assert ChartSettings.objects.get().chart_type == "pp"


def test_a_chart_type_that_does_not_fit_the_shape_is_refused(world):
    errors = errors_of(world, {"chart_type": "u"})

    assert "chart_type" in errors


@pytest.mark.parametrize(
    ("measure_name", "allowed", "refused"),
    [
        ("percentage", ["run", "p", "pp"], ["u", "up", "c", "i"]),
        ("rate", ["run", "u", "up"], ["p", "pp", "c", "i"]),
        ("count", ["run", "c"], ["p", "u", "i", "g"]),
        ("mean", ["run", "i"], ["p", "u", "c"]),
    ],
)
def test_each_shape_allows_its_own_charts(world, measure_name, allowed, refused):
    measure = getattr(world, measure_name)
    assert list(charting.allowed_charts(measure)) == allowed
    for chart in refused:
        assert "chart_type" in errors_of(world, {"chart_type": chart}, measure=measure)


def test_an_unknown_rule_set_is_refused(world):
    assert "rule_set" in errors_of(world, {"rule_set": "westgard"})


def test_a_phase_break_outside_the_series_is_refused(world):
    errors = errors_of(world, {"phase_breaks": [{"month": "2026-11", "label": "Later"}]})

    assert "outside the series" in errors["phase_breaks"][0]


def test_a_phase_break_in_the_first_month_is_refused(world):
    assert "phase_breaks" in errors_of(world, {"phase_breaks": [{"month": "2026-01"}]})


def test_two_phase_breaks_in_the_same_month_are_refused(world):
    errors = errors_of(
        world,
        {"phase_breaks": [{"month": "2026-04", "label": "a"}, {"month": "2026-04", "label": "b"}]},
    )

    assert "already starts a phase" in errors["phase_breaks"][0]


def test_a_phase_break_month_that_is_not_a_month_is_refused(world):
    assert "phase_breaks" in errors_of(world, {"phase_breaks": [{"month": "April"}]})


def test_phase_breaks_that_are_not_a_list_are_refused(world):
    assert "phase_breaks" in errors_of(world, {"phase_breaks": "2026-04"})


def test_a_frozen_baseline_together_with_phases_is_refused(world):
    errors = errors_of(
        world, {"freeze_month": "2026-04", "phase_breaks": [{"month": "2026-05", "label": ""}]}
    )

    assert "not both" in errors["freeze_month"][0]


def test_adding_phases_to_a_frozen_chart_names_the_phase_breaks(world):
    first = update(world, {"freeze_month": "2026-04"})

    errors = errors_of(
        world, {"phase_breaks": [{"month": "2026-05", "label": ""}]}, version=first.version
    )

    assert "phase_breaks" in errors


def test_a_frozen_baseline_outside_the_series_is_refused(world):
    assert "freeze_month" in errors_of(world, {"freeze_month": "2025-12"})


def test_an_exclusion_without_a_reason_is_refused(world):
    errors = errors_of(world, {"exclusions": [{"month": "2026-03", "reason": "  "}]})

    assert "say why" in errors["exclusions"][0]


def test_the_same_month_excluded_twice_is_refused(world):
    errors = errors_of(
        world,
        {
            "exclusions": [
                {"month": "2026-03", "reason": "Outage"},
                {"month": "2026-03", "reason": "Outage"},
            ]
        },
    )

    assert "already excluded" in errors["exclusions"][0]


def test_an_unknown_setting_is_refused(world):
    assert "colour" in errors_of(world, {"colour": "blue"})


def test_every_field_at_fault_is_named_at_once(world):
    errors = errors_of(world, {"chart_type": "c", "rule_set": "x", "exclusions": [{}]})

    assert set(errors) == {"chart_type", "rule_set", "exclusions"}


def test_a_refused_change_saves_nothing(world):
    errors_of(world, {"chart_type": "c"})

    with scopes_disabled():
        assert not ChartSettings.objects.exists()
        assert not ChartSettingsChange.objects.exists()


def test_a_change_marks_the_series_snapshot_stale(world):
    with scope(organization=world.organization):
        charting.analysis_for(world.team, world.percentage)

    update(world, {"chart_type": "pp"})

    with scopes_disabled():
        assert not ChartSnapshot.objects.get(team=world.team).is_current


def test_a_change_queues_the_refresh_on_commit(world, django_capture_on_commit_callbacks):
    with scope(organization=world.organization):
        charting.analysis_for(world.team, world.percentage)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        update(world, {"phase_breaks": [{"month": "2026-05", "label": "New intake"}]})

    assert len(callbacks) == 1
    with scopes_disabled():
        snapshot = ChartSnapshot.objects.get(team=world.team)
    assert snapshot.is_current
    assert {p["phase"] for p in snapshot.analysis["points"]} == {1, 2}


def test_a_team_cannot_chart_another_teams_own_measure(world):
    with scope(organization=world.organization), pytest.raises(charting.DomainError) as raised:
        charting.update_chart_settings(
            team=world.other_team,
            measure=world.custom,
            actor=world.faculty,
            data={"chart_type": "run"},
            expected_version=0,
        )

    assert raised.value.status == 404
