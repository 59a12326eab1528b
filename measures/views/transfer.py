"""Spreadsheet pages: a team's CSV template and upload, and the collaborative's export.

The template and the upload belong to one team (``teams/<int:team>/values/``):
anyone who may see the team downloads its template, anyone who may edit its
reports (roster members, staff: ``can_edit_report``) uploads. The export is
for every member, and shows what the collaborative's data sharing allows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin, TeamViewMixin
from collaboratives.permissions import VIEW_COLLABORATIVE
from measures.forms.transfer import ImportForm
from measures.services import transfer as services
from teams.models import Team

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(*parts: str) -> str:
    return "-".join(part for part in parts if part)


class ValuesTemplateView(TeamViewMixin, View):
    """The team's CSV template for ``?from=YYYY-MM&to=YYYY-MM``, filled with its values."""

    permission = VIEW_COLLABORATIVE
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            months = services.month_range(
                self.collaborative, request.GET.get("from"), request.GET.get("to")
            )
        except DomainError as error:
            return HttpResponse(error.message, status=400, content_type="text/plain")
        body = services.template_csv(team=self.team, months=months)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        name = _filename(
            self.collaborative.slug, f"team-{self.team.pk}", f"{months[0]:%Y-%m}", "values"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


class ValuesImportView(TeamViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    team_access = "can_edit_report"
    template_name = "measures/transfer/import.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        months = services.collaborative_months(self.collaborative)
        kwargs.setdefault("form", ImportForm())
        kwargs.update(
            first_month=f"{months[0]:%Y-%m}",
            last_month=f"{months[-1]:%Y-%m}",
            columns=services.COLUMNS,
        )
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            result = services.values_import(
                team=self.team, content=form.cleaned_data["file"].read(), actor=request.user
            )
        except services.ImportErrors as error:
            return self.render_to_response(
                self.get_context_data(form=form, import_error=error.message, errors=error.errors),
                status=400,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if result.created or result.changed:
            messages.success(
                request,
                f"Imported {result.rows} rows: {result.created} new values, {result.changed} "
                f"changed, {result.unchanged} unchanged.",
            )
        else:
            messages.info(request, "The file matches what is saved already; nothing changed.")
        return redirect(request.path)


class ValuesExportView(CollaborativeViewMixin, View):
    """All values the caller may see, or one team's (``?team=<id>``), as CSV or Excel."""

    permission = VIEW_COLLABORATIVE
    http_method_names = ["get"]
    file_format = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        team = None
        raw = request.GET.get("team")
        if raw:
            try:
                pk = int(raw)
            except ValueError:
                raise Http404("No such team.") from None
            team = get_object_or_404(Team.objects.filter(collaborative=self.collaborative), pk=pk)
            if pk not in services.export_team_labels(self.collaborative, self.access):
                raise Http404("No such team.")
        rows = services.export_rows(collaborative=self.collaborative, access=self.access, team=team)
        name = _filename(self.collaborative.slug, f"team-{team.pk}" if team else "", "values")
        if self.file_format == "xlsx":
            body: Any = services.export_xlsx(rows, title=f"{self.collaborative.name} values")
            response = HttpResponse(body, content_type=XLSX_TYPE)
        else:
            body = services.export_csv(rows)
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.{self.file_format}"'
        return response
