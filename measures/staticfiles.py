"""Serve plotly.min.js from the installed plotly package as ``plotly/plotly.min.js``.

The charts are drawn offline (no CDN, CSP ``script-src 'self'``), and the plotly
Python package already ships the matching plotly.js build. This finder exposes
that one file, so ``{% static 'plotly/plotly.min.js' %}`` works with runserver,
WhiteNoise and ``collectstatic`` alike, and the browser and the server always use
the same plotly version.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "plotly/plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """A staticfiles finder for the single file ``plotly/plotly.min.js``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PACKAGE_DATA))
        self.storage.prefix = "plotly"

    def check(self, **kwargs):
        from django.core import checks

        if not (PACKAGE_DATA / "plotly.min.js").is_file():
            return [
                checks.Error(
                    "plotly.min.js is missing from the plotly package.",
                    hint=f"Reinstall plotly; looked in {PACKAGE_DATA}.",
                    id="measures.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        if path != PLOTLY_JS:
            return [] if find_all else None
        match = str(PACKAGE_DATA / "plotly.min.js")
        return [match] if find_all else match

    def list(self, ignore_patterns):
        if ignore_patterns and matches_patterns("plotly.min.js", ignore_patterns):
            return
        yield "plotly.min.js", self.storage
