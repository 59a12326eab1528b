"""Pages of progress assessments.

- ``progress/``: the collaborative's view: each team's faculty and self score
  per month, this month's distribution and the share of teams at 4 or more;
- ``progress/scoring/``: the faculty scoring sheet, every team for one month on
  one screen, each with its own small form;
- ``progress/scale/``: the scale's wording, editable by staff;
- ``teams/<team>/progress/``: a team's months, faculty score and feedback beside
  its self-score, with the self-score form for its leads; a POST there saves one
  score (``kind`` faculty or self), from this page or from the scoring sheet.

Who may do what is asked of ``teams.assessment_permissions``; every write is
one call to ``teams.services.assessments``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin, TeamViewMixin
from collaboratives.permissions import REVIEW_REPORTS, VIEW_COLLABORATIVE
from teams import assessment_permissions as rules
from teams.forms.assessments import AssessmentForm, ScaleForm, initial_for
from teams.models import AssessmentKind
from teams.selectors import assessments as selectors
from teams.services import assessments as services

FIELD_LABELS = {
    "score": "score",
    "justification": "justification",
    "comments": "comments",
    "suggestions": "suggestions",
    "shared_with_team": "sharing with the team",
}


def _month_param(request: HttpRequest, collaborative: Any) -> Any:
    text = request.GET.get("month")
    if not text:
        return None
    month = selectors.parse_month(text)
    if month is None or not selectors.is_assessment_month(collaborative, month):
        raise Http404("No such month in this collaborative.")
    return month


class ProgressOverviewView(CollaborativeViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "teams/assessments/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        month = _month_param(self.request, self.collaborative)
        overview = selectors.progress_overview(self.collaborative, self.access, month=month)
        kwargs.update(
            overview=overview,
            words={level.score: level.label for level in overview.levels},
            month_choices=list(reversed(overview.months)),
            can_score=rules.can_score_teams(self.access) and not self.collaborative.is_archived,
            chart_data=overview.chart_data(),
        )
        return super().get_context_data(**kwargs)


class ScoringSheetView(CollaborativeViewMixin, TemplateView):
    """Faculty score every active team for one month, one compact form per team."""

    permission = REVIEW_REPORTS
    template_name = "teams/assessments/sheet.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        month = _month_param(self.request, self.collaborative) or selectors.default_month(
            self.collaborative
        )
        levels = selectors.scale_levels(self.collaborative)
        month_text = f"{month:%Y-%m}"
        rows = []
        for row in selectors.scoring_sheet(self.collaborative, month):
            form = AssessmentForm(
                kind=AssessmentKind.FACULTY,
                levels=levels,
                initial=initial_for(row.faculty, month_text),
                prefix=f"team{row.team.pk}",
            )
            rows.append({"row": row, "form": form})
        kwargs.update(
            month=month,
            rows=rows,
            words={level.score: level.label for level in levels},
            month_choices=list(reversed(selectors.assessment_months(self.collaborative))),
            scored=sum(1 for item in rows if item["row"].faculty),
            editable=not self.collaborative.is_archived,
        )
        return super().get_context_data(**kwargs)


class ScaleView(CollaborativeViewMixin, TemplateView):
    """The scale's levels; staff reword them for this collaborative."""

    permission = VIEW_COLLABORATIVE
    template_name = "teams/assessments/scale.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        levels = selectors.scale_levels(self.collaborative)
        can_edit = rules.can_edit_scale(self.access) and not self.collaborative.is_archived
        kwargs.setdefault("form", ScaleForm(levels=levels) if can_edit else None)
        kwargs.update(levels=levels, can_edit=can_edit)
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not rules.can_edit_scale(self.access):
            raise PermissionDenied("Only staff reword the scale.")
        self.collaborative.organization = self.organization
        form = ScaleForm(request.POST, levels=selectors.scale_levels(self.collaborative))
        if form.is_valid():
            try:
                services.scale_update(
                    collaborative=self.collaborative,
                    actor=request.user,
                    levels=form.service_levels(),
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "The scale's wording is saved.")
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TeamAssessmentsView(TeamViewMixin, TemplateView):
    """A team's months: faculty score and feedback beside the team's self-score."""

    permission = VIEW_COLLABORATIVE
    template_name = "teams/assessments/team.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.team.collaborative = self.collaborative
        levels = selectors.scale_levels(self.collaborative)
        rows = selectors.team_months(self.team, self.access)
        month = (
            kwargs.pop("posted_month", None)
            or _month_param(self.request, self.collaborative)
            or selectors.default_month(self.collaborative)
        )
        current = next((row for row in rows if row.month == month), None)
        editable = not self.collaborative.is_archived
        can_self = rules.can_self_assess(self.access, self.team) and editable
        can_score = rules.can_score_teams(self.access) and editable
        month_text = f"{month:%Y-%m}"
        if can_self and "self_form" not in kwargs:
            kwargs["self_form"] = AssessmentForm(
                kind=AssessmentKind.SELF,
                levels=levels,
                initial=initial_for(current.self_score if current else None, month_text),
                prefix="self",
            )
        if can_score and "faculty_form" not in kwargs:
            kwargs["faculty_form"] = AssessmentForm(
                kind=AssessmentKind.FACULTY,
                levels=levels,
                initial=initial_for(current.faculty if current else None, month_text),
                prefix="faculty",
            )
        history = selectors.assessment_history(self.team, self.access)
        for entry in history:
            entry.changed_labels = [
                FIELD_LABELS.get(name, name) for name in entry.data.get("fields", [])
            ]
        kwargs.update(
            rows=rows,
            month=month,
            month_choices=list(reversed(selectors.assessment_months(self.collaborative))),
            words={level.score: level.label for level in levels},
            can_self=can_self,
            can_score=can_score,
            history=history,
            has_scores=any(row.faculty or row.self_score for row in rows),
            page_label="Progress",
        )
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = request.POST.get("kind", "")
        if kind not in AssessmentKind.values:
            raise Http404("No such kind of score.")
        if not rules.can_edit_assessment(self.access, kind, self.team):
            raise PermissionDenied("You may not enter this score for this team.")
        self.collaborative.organization = self.organization
        self.team.collaborative = self.collaborative
        self.team.organization = self.organization
        from_sheet = request.POST.get("next") == "sheet"
        prefix = f"team{self.team.pk}" if from_sheet else kind
        levels = selectors.scale_levels(self.collaborative)
        form = AssessmentForm(request.POST, kind=kind, levels=levels, prefix=prefix)
        month_text = request.POST.get(f"{prefix}-month")
        if form.is_valid():
            try:
                assessment = services.assessment_save(
                    team=self.team,
                    month=form.cleaned_data["month"],
                    kind=kind,
                    actor=request.user,
                    data=form.service_data(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleAssessmentError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(self._back(from_sheet, month_text))
            except DomainError as error:
                form.add_domain_error(error)
            else:
                what = "Self-score" if kind == AssessmentKind.SELF else "Score"
                shared = kind == AssessmentKind.SELF or assessment.shared_with_team
                messages.success(
                    request,
                    f"{what} {selectors.score_text(assessment.score)} for "
                    f"{self.team.name}, {assessment.month:%B %Y}, saved"
                    + ("." if shared else " as a draft the team does not see yet."),
                )
                return HttpResponseRedirect(self._back(from_sheet, f"{assessment.month:%Y-%m}"))
        if from_sheet:
            errors = " ".join(
                str(message) for field_errors in form.errors.values() for message in field_errors
            )
            messages.error(request, f"{self.team.name}: nothing was saved. {errors}")
            return HttpResponseRedirect(self._back(True, month_text))
        key = "self_form" if kind == AssessmentKind.SELF else "faculty_form"
        posted = selectors.parse_month(month_text)
        if posted is not None and not selectors.is_assessment_month(self.collaborative, posted):
            posted = None
        context = self.get_context_data(**{key: form, "posted_month": posted})
        return self.render_to_response(context, status=400)

    def _back(self, from_sheet: bool, month: str | None) -> str:
        args = {"org": self.organization.slug, "collab": self.collaborative.slug}
        query = f"?month={month}" if month and selectors.parse_month(month) else ""
        if from_sheet:
            return reverse("assessment_sheet", kwargs=args) + query + f"#team-{self.team.pk}"
        return reverse("team_assessments", kwargs={**args, "team": self.team.pk}) + query
