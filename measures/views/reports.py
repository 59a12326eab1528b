"""Pages of monthly reports: a team's months, and one month's report to fill in or review.

Thin views: who may open a page is the ``permission`` name and the team's
``team_access`` predicate; who may change, submit, review or unlock is asked
of ``CollaborativeAccess`` and the permission names; every write is one call
to ``measures.services.reports``, whose errors land on the form fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import TeamViewMixin
from collaboratives.permissions import (
    CONFIGURE_COLLABORATIVE,
    REVIEW_REPORTS,
    VIEW_COLLABORATIVE,
)
from measures.forms.reports import ReportForm, ReviewForm, UnlockForm
from measures.models import MonthlyReport, ReportStatus
from measures.selectors import reports as selectors
from measures.services import reports as services


class TeamReportListView(TeamViewMixin, TemplateView):
    """Every month of the collaborative for one team: status, due date, late and locked."""

    permission = VIEW_COLLABORATIVE
    template_name = "measures/reports/team_reports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.collaborative.organization = self.organization
        self.team.collaborative = self.collaborative
        kwargs["months"] = selectors.team_months(self.team)
        kwargs["page_label"] = "Monthly reports"
        return super().get_context_data(**kwargs)


class ReportMixin(TeamViewMixin):
    permission = VIEW_COLLABORATIVE
    report: MonthlyReport

    def load_report(self) -> MonthlyReport:
        month = selectors.parse_month(self.kwargs["month"])
        if month is None:
            raise Http404("No such month.")
        self.collaborative.organization = self.organization
        self.team.collaborative = self.collaborative
        try:
            return services.report_get_or_create(team=self.team, month=month)
        except DomainError as error:
            raise Http404(error.message) from None

    def report_url(self, **query: str) -> str:
        url = reverse(
            "report_edit",
            kwargs={
                "org": self.organization.slug,
                "collab": self.collaborative.slug,
                "team": self.team.pk,
                "month": f"{self.report.month:%Y-%m}",
            },
        )
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        return url


class ReportView(ReportMixin, TemplateView):
    """One month's report: the entry form for the team, read-only for everyone else."""

    template_name = "measures/reports/report.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.report = self.load_report()
        return self.render_to_response(self.get_context_data(form=self.initial_form()))

    def initial_form(self) -> ReportForm:
        entries = selectors.report_entries(self.report)
        initial: dict[str, Any] = {"version": self.report.version}
        for name in services.NARRATIVE_FIELDS:
            initial[name] = getattr(self.report, name)
        for entry in entries:
            snapshot = selectors.value_snapshot(entry.value)
            for key, item in snapshot.items():
                initial[f"{entry.measure.code}-{key}"] = item
        self._entries = entries
        return ReportForm(initial=initial, measures=[entry.measure for entry in entries])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.report = self.load_report()
        if not self.access.can_edit_report(self.team):
            raise PermissionDenied("Only the team's members can change its report.")
        submitting = "submit" in request.POST
        if submitting and not self.access.can_submit_report(self.team):
            raise PermissionDenied("Only the team's senior or day-to-day leader submits.")
        self._entries = selectors.report_entries(self.report)
        form = ReportForm(request.POST, measures=[entry.measure for entry in self._entries])
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, editing=True))
        values = form.values_by_code()
        if not form.cleaned_data.get("confirm_warnings"):
            warnings = services.pending_warnings(self.report, values)
            if warnings:
                return self.render_to_response(
                    self.get_context_data(form=form, warnings=warnings, editing=True)
                )
        try:
            result = services.report_save(
                report=self.report,
                version=form.cleaned_data["version"],
                values=values,
                narrative=form.narrative(),
                actor=request.user,
            )
        except services.StaleReportError as error:
            return self.conflict(form, error.report)
        except services.ReportErrors as error:
            form.add_report_errors(error.errors)
            return self.render_to_response(self.get_context_data(form=form, editing=True))
        except DomainError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form, editing=True))
        self.report = result.report
        if submitting:
            try:
                services.report_submit(report=self.report, actor=request.user)
            except services.ReportErrors as error:
                self.report.refresh_from_db()
                data = form.data.copy()
                data["version"] = str(self.report.version)
                form = ReportForm(data, measures=form.measures)
                form.is_valid()
                form.add_report_errors(error.errors)
                form.add_error(None, f"Your changes are saved, but not submitted. {error.message}")
                return self.render_to_response(self.get_context_data(form=form, editing=True))
            except DomainError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(self.report_url())
            messages.success(
                request, f"The {self.report.month:%B %Y} report is submitted to faculty."
            )
        elif result.changed:
            messages.success(request, "Saved as a draft.")
        else:
            messages.info(request, "Nothing had changed, so nothing was saved.")
        return HttpResponseRedirect(self.report_url())

    def conflict(self, form: ReportForm, current: MonthlyReport) -> HttpResponse:
        """Show what the other person saved beside what this user entered; keep theirs."""
        current.team = self.team
        current.collaborative = self.collaborative
        self.report = current
        self._entries = selectors.report_entries(current)
        mine = form.values_by_code()
        differences = []
        for entry in self._entries:
            theirs = selectors.value_snapshot(entry.value)
            entered = mine.get(entry.measure.code, {})
            for key in ("numerator", "denominator", "value", "not_available", "comment"):
                if key not in entered:
                    continue
                saved = theirs.get(key)
                yours = entered.get(key)
                if (saved or "") != (yours or "") and str(saved or "") != str(yours or ""):
                    differences.append(
                        {
                            "label": f"{entry.measure.name}: {key.replace('_', ' ')}",
                            "theirs": saved,
                            "yours": yours,
                            "by": entry.value.updated_by if entry.value else None,
                        }
                    )
        for name in services.NARRATIVE_FIELDS:
            if (getattr(current, name) or "") != (form.cleaned_data.get(name) or ""):
                differences.append(
                    {
                        "label": form.fields[name].label,
                        "theirs": getattr(current, name),
                        "yours": form.cleaned_data.get(name),
                        "by": None,
                    }
                )
        data = form.data.copy()
        data["version"] = str(current.version)
        rebound = ReportForm(data, measures=form.measures)
        rebound.is_valid()
        return self.render_to_response(
            self.get_context_data(
                form=rebound, conflict=differences, editing=True, status_code=409
            ),
            status=409,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        report = self.report
        access = self.access
        locked = selectors.report_is_locked(report)
        can_edit = access.can_edit_report(self.team)
        changeable = (
            can_edit
            and not locked
            and report.status != ReportStatus.ACCEPTED
            and not self.collaborative.is_archived
        )
        editing = kwargs.pop("editing", False) or (
            changeable
            and (report.status != ReportStatus.SUBMITTED or self.request.GET.get("edit") == "1")
        )
        kwargs.pop("status_code", None)
        form = kwargs.get("form")
        warnings = kwargs.get("warnings") or {}
        rows = []
        for entry in self._entries:
            measure = entry.measure
            rows.append(
                {
                    "entry": entry,
                    "measure": measure,
                    "fields": form.measure_fields(measure) if form else {},
                    "warning": warnings.get(measure.code),
                    "current": selectors.describe_value(
                        measure, selectors.value_snapshot(entry.value)
                    ),
                    "previous": selectors.describe_value(
                        measure, selectors.value_snapshot(entry.previous)
                    )
                    if entry.previous
                    else None,
                    "history": [
                        {
                            "change": change,
                            "old": selectors.describe_value(measure, change.old),
                            "new": selectors.describe_value(measure, change.new),
                        }
                        for change in reversed(entry.changes)
                    ],
                }
            )
        kwargs.update(
            report=report,
            rows=rows,
            events=list(report.events.select_related("actor")),
            is_locked=locked,
            lock_time=None,
            due_date=selectors.report_due_date(report.month, self.collaborative),
            can_edit=changeable,
            editing=editing and changeable,
            can_submit=changeable and access.can_submit_report(self.team),
            can_review=access.has(REVIEW_REPORTS) and not self.collaborative.is_archived,
            can_unlock=access.has(CONFIGURE_COLLABORATIVE) and not self.collaborative.is_archived,
            changed_since_submission=report.status == ReportStatus.SUBMITTED
            and services.changed_since_submission(report),
            review_form=ReviewForm(initial={"version": report.version}),
            unlock_form=UnlockForm(),
            page_label=f"{report.month:%B %Y}",
            reports_url=reverse(
                "team_reports",
                kwargs={
                    "org": self.organization.slug,
                    "collab": self.collaborative.slug,
                    "team": self.team.pk,
                },
            ),
        )
        return super().get_context_data(**kwargs)


class ReportActionView(ReportMixin, View):
    """Faculty and staff actions on a report: return, accept, reopen, unlock (POST only)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.report = self.load_report()
        action = self.kwargs["action"]
        try:
            if action in ("return", "accept", "reopen"):
                if not self.access.has(REVIEW_REPORTS):
                    raise PermissionDenied("Only faculty review reports.")
                form = ReviewForm(request.POST)
                feedback = request.POST.get("feedback", "")
                version = int(request.POST["version"]) if form.is_valid() else None
                if action == "return":
                    services.report_return(
                        report=self.report, feedback=feedback, actor=request.user, version=version
                    )
                    messages.success(
                        request, "The report is returned to the team with your feedback."
                    )
                elif action == "accept":
                    services.report_accept(
                        report=self.report, feedback=feedback, actor=request.user, version=version
                    )
                    messages.success(request, "The report is accepted. The team's leads are told.")
                else:
                    services.report_reopen(report=self.report, actor=request.user, note=feedback)
                    messages.success(request, "The report is open again for the team to change.")
            elif action == "unlock":
                if not self.access.has(CONFIGURE_COLLABORATIVE):
                    raise PermissionDenied("Only staff unlock a report.")
                form = UnlockForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "Unlock for 1 to 90 days.")
                    return HttpResponseRedirect(self.report_url())
                services.report_unlock(
                    report=self.report, days=form.cleaned_data["days"], actor=request.user
                )
                messages.success(
                    request,
                    f"The team can change this report for {form.cleaned_data['days']} days.",
                )
            else:
                raise Http404("No such action.")
        except services.StaleReportError:
            messages.error(
                request,
                "The report changed after you opened it. Look at it again, then decide.",
            )
        except DomainError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(self.report_url())
