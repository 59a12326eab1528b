"""The composition check: plain data in, plain sentences out (no database)."""

from __future__ import annotations

import pytest

from teams.composition import (
    CompositionRules,
    composition_warnings,
    role_words,
    rules_for,
    rules_summary,
)

NATIONAL = CompositionRules.for_kind(
    "national",
    min_team_size=5,
    max_team_size=10,
    required_roles={"agency_administrator": 1, "clinical_supervisor": 1, "clinician": 2},
)
REGIONAL = CompositionRules.for_kind(
    "regional", min_team_size=3, max_team_size=10, required_roles={"clinical_supervisor": 1}
)

# A national team that fits: 5 members, both leads, an administrator, a supervisor, 2 clinicians.
FULL_NATIONAL = [
    ["senior_leader", "agency_administrator"],
    ["day_to_day_leader", "clinical_supervisor"],
    ["clinician"],
    ["clinician"],
    ["family_partner"],
]


def test_a_national_team_that_fits_gets_no_warnings():
    assert composition_warnings(rules=NATIONAL, members=FULL_NATIONAL) == []


def test_it_counts_too_few_clinicians():
    members = [*FULL_NATIONAL[:3], ["trainer"], ["family_partner"]]

    assert composition_warnings(rules=NATIONAL, members=members) == [
        "Needs at least 2 clinicians (has 1)."
    ]


def test_it_says_none_when_a_required_role_is_missing_altogether():
    members = [m for m in FULL_NATIONAL if "clinician" not in m] + [["trainer"], ["teacher"]]

    assert composition_warnings(rules=NATIONAL, members=members) == [
        "Needs at least 2 clinicians (has none)."
    ]


def test_it_asks_for_a_single_required_role_with_the_right_article():
    members = [["senior_leader"], ["day_to_day_leader", "clinical_supervisor"]] + [
        ["clinician"]
    ] * 3

    assert composition_warnings(rules=NATIONAL, members=members) == [
        "Needs an agency administrator (has none)."
    ]


def test_it_warns_about_a_team_too_small():
    members = [*FULL_NATIONAL[:2], ["clinician", "trainer"]]

    assert composition_warnings(rules=NATIONAL, members=members)[0] == (
        "Needs at least 5 members (has 3)."
    )


def test_it_warns_about_a_team_too_large():
    members = FULL_NATIONAL + [["clinician"]] * 7

    assert composition_warnings(rules=NATIONAL, members=members) == [
        "Has 12 members; the most for this collaborative is 10."
    ]


def test_a_team_of_exactly_the_maximum_is_fine():
    members = FULL_NATIONAL + [["clinician"]] * 5

    assert composition_warnings(rules=NATIONAL, members=members) == []


def test_a_national_team_needs_a_senior_leader():
    members = [["agency_administrator"], *FULL_NATIONAL[1:]]

    assert composition_warnings(rules=NATIONAL, members=members) == ["Has no senior leader."]


def test_a_national_team_needs_a_day_to_day_leader():
    members = [FULL_NATIONAL[0], ["clinical_supervisor"], *FULL_NATIONAL[2:]]

    assert composition_warnings(rules=NATIONAL, members=members) == ["Has no day-to-day leader."]


def test_a_regional_team_may_do_without_a_day_to_day_leader():
    members = [["senior_leader"], ["clinical_supervisor"], ["clinician"]]

    assert composition_warnings(rules=REGIONAL, members=members) == []


def test_a_regional_team_still_needs_a_senior_leader_and_a_clinical_supervisor():
    members = [["day_to_day_leader"], ["clinician"], ["community_partner"]]

    assert composition_warnings(rules=REGIONAL, members=members) == [
        "Has no senior leader.",
        "Needs a clinical supervisor (has none).",
    ]


def test_an_empty_roster_lists_every_gap_in_a_fixed_order():
    assert composition_warnings(rules=NATIONAL, members=[]) == [
        "Needs at least 5 members (has none).",
        "Has no senior leader.",
        "Has no day-to-day leader.",
        "Needs an agency administrator (has none).",
        "Needs a clinical supervisor (has none).",
        "Needs at least 2 clinicians (has none).",
    ]


def test_one_member_counts_towards_every_role_they_hold():
    rules = CompositionRules(
        min_team_size=1, required_roles={"clinician": 1, "clinical_supervisor": 1}
    )

    assert (
        composition_warnings(
            rules=rules, members=[["senior_leader", "clinician", "clinical_supervisor"]]
        )
        == []
    )


def test_a_role_listed_twice_for_one_member_counts_once():
    rules = CompositionRules(required_roles={"clinician": 2})

    assert composition_warnings(
        rules=rules, members=[["senior_leader"], ["clinician", "clinician"]]
    ) == ["Needs at least 2 clinicians (has 1)."]


def test_a_lead_named_in_the_required_roles_is_warned_about_once_with_its_count():
    rules = CompositionRules(required_roles={"senior_leader": 2})

    assert composition_warnings(rules=rules, members=[["clinician"]]) == [
        "Needs at least 2 senior leaders (has none)."
    ]


def test_a_required_count_of_zero_is_no_requirement():
    rules = CompositionRules(required_roles={"clinician": 0})

    assert composition_warnings(rules=rules, members=[["senior_leader"]]) == []


def test_it_reports_members_without_a_role():
    rules = CompositionRules()

    assert composition_warnings(rules=rules, members=[["senior_leader"], []]) == [
        "1 member has no team role."
    ]
    assert composition_warnings(rules=rules, members=[["senior_leader"], [], []]) == [
        "2 members have no team role."
    ]


def test_a_minimum_of_one_reads_in_the_singular():
    rules = CompositionRules(min_team_size=1, expected_leads=())

    assert composition_warnings(rules=rules, members=[]) == ["Needs at least 1 member (has none)."]


def test_no_size_limits_means_no_size_warnings():
    rules = CompositionRules(min_team_size=0, max_team_size=None, expected_leads=())

    assert composition_warnings(rules=rules, members=[["clinician"]] * 40) == []


def test_it_takes_the_rules_as_plain_data():
    rules = {
        "kind": "national",
        "min_team_size": 2,
        "max_team_size": 10,
        "required_roles": {"clinician": 2},
    }

    assert composition_warnings(rules=rules, members=[["clinician"]]) == [
        "Needs at least 2 members (has 1).",
        "Has no senior leader.",
        "Has no day-to-day leader.",
        "Needs at least 2 clinicians (has 1).",
    ]


def test_plain_data_may_name_the_expected_leads_instead_of_a_kind():
    rules = {"expected_leads": ["day_to_day_leader"]}

    assert composition_warnings(rules=rules, members=[["clinician"]]) == [
        "Has no day-to-day leader."
    ]


def test_it_takes_members_as_any_iterables_of_roles():
    members = (frozenset(roles) for roles in FULL_NATIONAL)

    assert composition_warnings(rules=NATIONAL, members=members) == []


def test_an_unknown_required_role_reads_as_its_name():
    rules = CompositionRules(required_roles={"peer_mentor": 2}, expected_leads=())

    assert composition_warnings(rules=rules, members=[]) == [
        "Needs at least 2 peer mentor (has none)."
    ]


def test_required_roles_come_in_the_order_of_the_role_list_not_of_the_rules():
    rules = CompositionRules(
        required_roles={"teacher": 1, "clinician": 1, "trainer": 1}, expected_leads=()
    )

    assert composition_warnings(rules=rules, members=[]) == [
        "Needs a trainer (has none).",
        "Needs a clinician (has none).",
        "Needs a teacher (has none).",
    ]


@pytest.mark.parametrize(
    ("role", "count", "words"),
    [
        ("clinician", 1, "clinician"),
        ("clinician", 2, "clinicians"),
        ("day_to_day_leader", 3, "day-to-day leaders"),
        ("other", 1, "member in another role"),
        ("other", 2, "members in another role"),
    ],
)
def test_role_words_read_naturally(role, count, words):
    assert role_words(role, count) == words


def test_the_rules_of_a_collaborative_come_from_its_fields():
    from collaboratives.models import Collaborative

    collaborative = Collaborative(
        kind="regional", min_team_size=4, max_team_size=8, required_roles={"clinician": 1}
    )

    assert rules_for(collaborative) == CompositionRules(
        min_team_size=4,
        max_team_size=8,
        required_roles={"clinician": 1},
        expected_leads=("senior_leader",),
    )


def test_the_rules_read_as_one_sentence():
    assert rules_summary(NATIONAL) == (
        "5 to 10 members, including a senior leader, a day-to-day leader, an agency "
        "administrator, a clinical supervisor and at least 2 clinicians."
    )


def test_a_summary_of_rules_without_limits_or_roles_is_short():
    assert rules_summary(CompositionRules(expected_leads=())) == "Any number of members."
    assert rules_summary({"min_team_size": 3, "kind": "regional"}) == (
        "At least 3 members, including a senior leader."
    )
