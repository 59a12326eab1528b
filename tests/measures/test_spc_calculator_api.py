"""The stateless calculator: POST a series, get the section-9 analysis back; bad input is
400 with ``errors`` naming the field and the position."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from measures.api.charts import MAX_POINTS
from measures.spc import analyze

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations/org-a/spc/analyze/"


@pytest.fixture
def client(bob):
    client = APIClient()
    client.force_login(bob)
    return client


def post(client, body):
    return client.post(URL, body, format="json")


def test_a_run_chart_answers_the_same_analysis_as_the_statistics_module(client):
    y = [3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10]

    response = post(client, {"chart": "run", "y": y})

    assert response.status_code == 200
    assert response.json() == analyze("run", y).as_dict()


def test_a_p_chart_with_phases_and_scaling_answers_its_phases(client):
    body = {
        "chart": "p",
        "y": [4, 5, 3, 4, 9, 8, 9, 10],
        "n": [10] * 8,
        "phase_breaks": [4],
        "multiply": 100,
    }

    result = post(client, body).json()

    assert [phase["phase"] for phase in result["phases"]] == [1, 2]
    assert result["points"][0]["value"] == pytest.approx(40.0)


def test_missing_values_are_nulls(client):
    response = post(client, {"chart": "i", "y": [1, None, 3, 4, 2]})

    assert response.status_code == 200
    assert response.json()["points"][1]["value"] is None


def test_a_value_that_is_not_a_number_is_named_with_its_position(client):
    response = post(client, {"chart": "run", "y": [1, 2, "three", 4]})

    assert response.status_code == 400
    assert "Position 3" in response.json()["errors"]["y"][0]


def test_a_boolean_is_not_a_number(client):
    response = post(client, {"chart": "run", "y": [1, True]})

    assert "Position 2" in response.json()["errors"]["y"][0]


def test_a_numerator_over_a_zero_denominator_answers_400_with_its_position(client):
    response = post(client, {"chart": "p", "y": [1, 2, 3], "n": [10, 0, 10]})

    assert response.status_code == 400
    assert "position 2" in response.json()["errors"]["y"][0]


def test_lengths_that_differ_name_the_denominators(client):
    response = post(client, {"chart": "p", "y": [1, 2, 3], "n": [10, 10]})

    assert response.status_code == 400
    assert "n" in response.json()["errors"]


def test_a_non_positive_time_on_a_t_chart_is_named_with_its_position(client):
    response = post(client, {"chart": "t", "y": [1, 0, 2]})

    assert "position 2" in response.json()["errors"]["y"][0]


def test_a_frozen_baseline_outside_the_series_is_named(client):
    response = post(client, {"chart": "run", "y": [1, 2, 3], "freeze": 9})

    assert "freeze" in response.json()["errors"]


def test_an_unknown_chart_is_refused(client):
    response = post(client, {"chart": "pie", "y": [1, 2]})

    assert response.status_code == 400
    assert "chart" in response.json()["errors"]


def test_a_phase_break_outside_the_series_is_named(client):
    response = post(client, {"chart": "run", "y": [1, 2, 3], "phase_breaks": [7]})

    assert response.status_code == 400
    assert "phase_breaks" in response.json()["errors"]


def test_a_position_that_is_not_a_whole_number_is_named_with_its_item(client):
    response = post(client, {"chart": "run", "y": [1, 2, 3], "exclude": [1, "two"]})

    assert "Item 2" in response.json()["errors"]["exclude"][0]


def test_a_non_positive_multiply_is_refused(client):
    response = post(client, {"chart": "run", "y": [1, 2], "multiply": 0})

    assert "multiply" in response.json()["errors"]


def test_screening_must_be_true_or_false(client):
    response = post(client, {"chart": "i", "y": [1, 2], "screen_moving_ranges": "yes"})

    assert "screen_moving_ranges" in response.json()["errors"]


def test_an_unknown_input_is_refused(client):
    response = post(client, {"chart": "run", "y": [1, 2], "colour": "blue"})

    assert "colour" in response.json()["errors"]


def test_values_that_are_not_a_list_are_refused(client):
    response = post(client, {"chart": "run", "y": "1,2,3"})

    assert "y" in response.json()["errors"]


def test_more_points_than_the_limit_are_refused(client):
    response = post(client, {"chart": "run", "y": [1] * (MAX_POINTS + 1)})

    assert response.status_code == 400
    assert str(MAX_POINTS) in response.json()["errors"]["y"][0]


def test_a_body_that_is_not_an_object_is_refused(client):
    response = post(client, [1, 2, 3])

    assert response.status_code == 400


def test_every_field_at_fault_is_named_at_once(client):
    response = post(client, {"chart": "pie", "y": [1, "x"], "freeze": "3"})

    assert set(response.json()["errors"]) == {"chart", "y", "freeze"}
    assert response.json()["detail"]


def test_an_outsider_gets_404(carol):
    client = APIClient()
    client.force_login(carol)

    assert post(client, {"chart": "run", "y": [1, 2]}).status_code == 404
