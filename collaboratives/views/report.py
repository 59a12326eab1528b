"""The collaborative report: a printable page and its PDF, for faculty, chairs and staff."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import View
from django.views.generic import TemplateView

from bsc.views import CollaborativeViewMixin
from collaboratives.permissions import REVIEW_REPORTS
from collaboratives.report import collaborative_report
from teams.assessment_permissions import can_view_collaborative_report


class ReportMixin(CollaborativeViewMixin):
    permission = REVIEW_REPORTS

    def report_context(self) -> dict[str, Any]:
        if not can_view_collaborative_report(self.access):
            raise PermissionDenied("The report is for faculty and staff.")
        self.collaborative.organization = self.organization
        return {"report": collaborative_report(self.collaborative, self.access)}


class CollaborativeReportView(ReportMixin, TemplateView):
    template_name = "collaboratives/report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.update(self.report_context())
        return super().get_context_data(**kwargs)


class CollaborativeReportPdfView(ReportMixin, View):
    """The same report as a PDF file (xhtml2pdf), named after the collaborative."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from xhtml2pdf import pisa

        context = {
            **self.report_context(),
            "collaborative": self.collaborative,
            "organization": self.organization,
        }
        html = render_to_string("collaboratives/report_pdf.html", context, request=request)
        output = BytesIO()
        result = pisa.CreatePDF(html, dest=output, encoding="utf-8")
        if result.err:
            return HttpResponse(
                "The PDF could not be made; print the report page instead.",
                status=500,
                content_type="text/plain",
            )
        response = HttpResponse(output.getvalue(), content_type="application/pdf")
        filename = f"{self.collaborative.slug}-report-{context['report'].generated_at:%Y-%m-%d}"
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
