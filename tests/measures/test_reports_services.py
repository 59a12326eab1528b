"""The monthly report service: saving, history, states, conflicts, locks and e-mails."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from measures.models import MetricValue, MonthlyReport, ReportEvent, ValueChange
from measures.services import reports as services
from tests.measures.reports_support import FULL_VALUES, MARCH, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def _report(world, month=MARCH):
    with scope(organization=world.organization):
        world.team.collaborative = world.collaborative
        return services.report_get_or_create(team=world.team, month=month)


def _save(world, report, values=None, *, actor=None, version=None, narrative=None):
    with scope(organization=world.organization):
        return services.report_save(
            report=report,
            version=report.version if version is None else version,
            values=values or {},
            narrative=narrative,
            actor=actor or world.member,
        )


def test_it_creates_a_report_lazily_once_per_month(world):
    first = _report(world)
    second = _report(world)
    assert first.pk == second.pk
    with scopes_disabled():
        assert MonthlyReport.objects.count() == 1
    assert first.status == "not_started"


def test_it_refuses_a_month_outside_the_collaborative(world):
    with pytest.raises(DomainError):
        _report(world, dt.date(2027, 1, 1))


def test_the_first_save_makes_a_draft_and_writes_history(world):
    report = _report(world)
    result = _save(world, report, {"completion": {"numerator": 3, "denominator": 10}})
    assert result.changed
    assert result.report.status == "draft"
    assert result.report.version == 1
    with scopes_disabled():
        change = ValueChange.objects.get()
        assert change.old == {}
        assert change.new["numerator"] == "3"
        assert change.changed_by == world.member
        assert AuditEntry.objects.filter(action="bsc.report.saved").count() == 1


def test_saving_the_same_values_again_writes_nothing(world):
    report = _report(world)
    report = _save(world, report, FULL_VALUES).report
    result = _save(world, report, FULL_VALUES)
    assert not result.changed
    assert result.report.version == report.version
    with scopes_disabled():
        assert ValueChange.objects.count() == 2


def test_a_changed_value_keeps_the_old_one_in_history(world):
    report = _report(world)
    report = _save(world, report, FULL_VALUES).report
    _save(world, report, {"completion": {"numerator": 4, "denominator": 10}}, actor=world.lead)
    with scopes_disabled():
        change = ValueChange.objects.filter(value__measure=world.percentage).last()
        assert change.old["numerator"] == "3"
        assert change.new["numerator"] == "4"
        assert change.changed_by == world.lead
        assert MetricValue.objects.get(measure=world.percentage).numerator == Decimal(4)


def test_it_rejects_a_numerator_above_the_denominator_and_saves_nothing(world):
    report = _report(world)
    with pytest.raises(services.ReportErrors) as error:
        _save(
            world,
            report,
            {"completion": {"numerator": 12, "denominator": 10}, "dropouts": {"value": 1}},
        )
    assert "completion.numerator" in error.value.errors
    with scopes_disabled():
        assert MetricValue.objects.count() == 0


def test_it_rejects_fractions_for_counts_and_negatives(world):
    report = _report(world)
    with pytest.raises(services.ReportErrors) as error:
        _save(world, report, {"dropouts": {"value": "1.5"}, "wait": {"value": "-2"}})
    assert "dropouts.value" in error.value.errors
    assert "wait.value" in error.value.errors


def test_a_stale_version_changes_nothing(world):
    report = _report(world)
    saved = _save(world, report, FULL_VALUES).report
    with pytest.raises(services.StaleReportError) as error:
        _save(world, saved, {"dropouts": {"value": 9}}, version=0)
    assert error.value.report.version == saved.version
    with scopes_disabled():
        assert MetricValue.objects.get(measure=world.count).value == Decimal(2)


def test_submit_needs_every_required_value(world):
    report = _save(
        world, _report(world), {"completion": {"numerator": 3, "denominator": 10}}
    ).report
    with pytest.raises(services.ReportErrors) as error, scope(organization=world.organization):
        services.report_submit(report=report, actor=world.lead)
    assert list(error.value.errors) == ["dropouts"]


def test_submit_accepts_not_available_with_a_reason(world):
    values = {
        "completion": {"numerator": 3, "denominator": 10},
        "dropouts": {"not_available": True, "not_available_reason": "Registry down"},
    }
    report = _save(world, _report(world), values).report
    with scope(organization=world.organization):
        report = services.report_submit(report=report, actor=world.lead)
    assert report.status == "submitted"
    assert report.submitted_by == world.lead
    with scopes_disabled():
        assert ReportEvent.objects.get().kind == "submitted"
        assert AuditEntry.objects.filter(action="bsc.report.submitted").exists()


def _submitted(world):
    report = _save(world, _report(world), FULL_VALUES).report
    with scope(organization=world.organization):
        return services.report_submit(report=report, actor=world.lead)


def test_return_needs_feedback(world):
    report = _submitted(world)
    with pytest.raises(DomainError) as error, scope(organization=world.organization):
        services.report_return(report=report, feedback=" ", actor=world.faculty)
    assert error.value.field == "feedback"


def test_return_emails_the_leads_with_the_feedback(world, django_capture_on_commit_callbacks):
    report = _submitted(world)
    with django_capture_on_commit_callbacks(execute=True), scope(organization=world.organization):
        report = services.report_return(
            report=report, feedback="Check the denominator.", actor=world.faculty
        )
    assert report.status == "returned"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lead@clinic.example"]
    assert "Check the denominator." in mail.outbox[0].body
    with scopes_disabled():
        assert ReportEvent.objects.filter(kind="returned", note="Check the denominator.").exists()


def test_accept_emails_the_leads(world, django_capture_on_commit_callbacks):
    report = _submitted(world)
    with django_capture_on_commit_callbacks(execute=True), scope(organization=world.organization):
        report = services.report_accept(report=report, actor=world.faculty)
    assert report.status == "accepted"
    assert "accepted" in mail.outbox[0].subject


def test_only_a_submitted_report_can_be_accepted(world):
    report = _save(world, _report(world), FULL_VALUES).report
    with pytest.raises(ConflictError), scope(organization=world.organization):
        services.report_accept(report=report, actor=world.faculty)


def test_an_accepted_report_refuses_changes_until_reopened(world):
    report = _submitted(world)
    with scope(organization=world.organization):
        report = services.report_accept(report=report, actor=world.faculty)
    with pytest.raises(ConflictError):
        _save(world, report, {"dropouts": {"value": 5}})
    with scope(organization=world.organization):
        report = services.report_reopen(report=report, actor=world.faculty)
    assert report.status == "draft"
    assert _save(world, report, {"dropouts": {"value": 5}}).changed


def test_a_returned_report_becomes_a_draft_when_changed_and_can_be_resubmitted(world):
    report = _submitted(world)
    with scope(organization=world.organization):
        report = services.report_return(report=report, feedback="Fix it", actor=world.faculty)
    report = _save(world, report, {"dropouts": {"value": 1}}).report
    assert report.status == "draft"
    with scope(organization=world.organization):
        report = services.report_submit(report=report, actor=world.lead)
    assert report.status == "submitted"


def test_a_submitted_report_stays_submitted_when_edited_and_can_be_resubmitted(world):
    report = _submitted(world)
    report = _save(world, report, {"dropouts": {"value": 1}}).report
    assert report.status == "submitted"
    with scope(organization=world.organization):
        assert services.changed_since_submission(report)
        report = services.report_submit(report=report, actor=world.lead)
    with scopes_disabled():
        assert ReportEvent.objects.filter(kind="submitted").count() == 2


def test_a_locked_month_refuses_saves_until_staff_unlock_it(org_a, alice):
    world = make_world(org_a, lock_after_days=5)
    report = _report(world, dt.date(2026, 1, 1))
    with pytest.raises(ConflictError) as error:
        _save(world, report, FULL_VALUES)
    assert "locked" in error.value.message
    with scope(organization=org_a):
        report = services.report_unlock(report=report, days=3, actor=alice)
    assert report.unlocked_until is not None
    assert _save(world, report, FULL_VALUES).changed
    with scopes_disabled():
        assert ReportEvent.objects.filter(kind="unlocked").exists()
        assert AuditEntry.objects.filter(action="bsc.report.unlocked").exists()


def test_unlock_refuses_a_silly_number_of_days(world, alice):
    report = _report(world)
    with pytest.raises(DomainError), scope(organization=world.organization):
        services.report_unlock(report=report, days=0, actor=alice)
