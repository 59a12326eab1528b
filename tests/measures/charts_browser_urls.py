"""A test-only page that shows one chart inside the real base template (CSP included)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import include, path

from measures.charts import chart_block
from tests.measures.charts_support import NOISE, add_shift, context, run_chart

PAGE = Template(
    """{% extends "base.html" %}
{% block title %}Chart{% endblock %}
{% block extra_head %}{% include "measures/charts/_scripts.html" %}{% endblock %}
{% block content %}{% include "measures/charts/_chart.html" %}{% endblock %}"""
)


def chart_page(request):
    analysis = add_shift(
        run_chart([*NOISE[:12], 40, 41, 39, 42, 40, 38, 41, 40]), range(13, 21), "below"
    )
    chart = chart_block(analysis, context(20, direction="down"), chart_id="chart-1")
    return HttpResponse(PAGE.render(RequestContext(request, {"chart": chart})))


# The site's own URLs too: the navigation of base.html reverses them.
urlpatterns = [path("test-chart/", chart_page), path("", include("bsc.urls"))]
