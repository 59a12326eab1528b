"""Completeness pages: the team x month grid of report statuses, and who to chase.

Faculty, chairs and staff (``REVIEW_REPORTS``) open both. Reads come from
``measures.selectors.completeness`` in a fixed number of queries, whatever the
number of teams.
"""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from bsc.views import CollaborativeViewMixin
from collaboratives.permissions import REVIEW_REPORTS
from measures.selectors import completeness as selectors


class CompletenessView(CollaborativeViewMixin, TemplateView):
    permission = REVIEW_REPORTS
    template_name = "measures/completeness/grid.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        grid = selectors.completeness_grid(
            self.collaborative, time_zone=self.organization.time_zone
        )
        kwargs["grid"] = grid
        kwargs["legend"] = list(selectors.CellStatus)
        kwargs["chase_count"] = sum(
            1
            for row in grid.rows
            if any(cell.status in selectors.OUTSTANDING for cell in row.cells)
        )
        return super().get_context_data(**kwargs)


class ChaseView(CollaborativeViewMixin, TemplateView):
    permission = REVIEW_REPORTS
    template_name = "measures/completeness/chase.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        grid = selectors.completeness_grid(
            self.collaborative, time_zone=self.organization.time_zone
        )
        entries = selectors.chase_list(grid)
        kwargs["entries"] = [(entry, entry.mailto(self.collaborative)) for entry in entries]
        kwargs["grid"] = grid
        return super().get_context_data(**kwargs)
