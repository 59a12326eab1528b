"""The safe Markdown filter: Markdown renders, user HTML never runs."""

from __future__ import annotations

import re

from django.template import Context, Template

from collaboratives.templatetags.markdown import render_markdown

LIVE_TAG_WITH_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)


def render(text: str) -> str:
    return Template("{% load markdown %}{{ text|markdown }}").render(Context({"text": text}))


def test_script_tag_is_shown_as_text():
    html = render("<script>alert(1)</script>")

    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_img_with_onerror_is_shown_as_text():
    html = render("<img src=x onerror=alert(1)>")

    assert "<img" not in html
    assert not LIVE_TAG_WITH_HANDLER.search(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_inline_html_link_with_onclick_is_text():
    html = render('Look <a href="https://example.org" onclick="steal()">here</a>')

    assert not LIVE_TAG_WITH_HANDLER.search(html)
    assert "&lt;a href=" in html


def test_emphasis_lists_and_quotes_render():
    html = render("**bold** and _soft_\n\n- one\n- two\n\n> quoted")

    assert "<strong>bold</strong>" in html
    assert "<em>soft</em>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<blockquote>" in html


def test_https_link_gets_rel_noopener_nofollow():
    html = render("[guide](https://example.org/guide)")

    assert '<a href="https://example.org/guide" rel="noopener nofollow">guide</a>' in html


def test_mailto_link_is_kept():
    assert 'href="mailto:faculty@example.org"' in render("[write](mailto:faculty@example.org)")


def test_javascript_link_loses_its_href():
    html = render("[click](javascript:alert(1))")

    assert "javascript:" not in html.lower()
    assert ">click</a>" in html


def test_uppercase_javascript_scheme_loses_its_href():
    assert "javascript" not in render("[click](JaVaScRiPt:alert(1))").lower()


def test_data_url_link_loses_its_href():
    assert "data:" not in render("[click](data:text/html,hello)")


def test_relative_link_loses_its_href():
    assert "href" not in render("[here](/admin/)")


def test_image_is_shown_as_its_description():
    html = render("![run chart of falls](https://tracker.example/pixel.png)")

    assert "<img" not in html
    assert "pixel.png" not in html
    assert "<em>run chart of falls</em>" in html


def test_top_level_headings_are_demoted_below_the_page_headings():
    html = render("# Big\n\n## Smaller\n\n### Third")

    assert "<h1" not in html and "<h2" not in html
    assert "<h3>Big</h3>" in html
    assert "<h4>Smaller</h4>" in html


def test_code_block_shows_html_as_text():
    html = render("```\n<b>bold?</b>\n```")

    assert "<pre><code>&lt;b&gt;bold?&lt;/b&gt;" in html


def test_single_newline_becomes_a_line_break():
    assert "first<br>" in render("first\nsecond")


def test_table_renders_with_alignment():
    html = render("| Team | Falls |\n|:--|--:|\n| A | 3 |")

    assert '<table class="table table-sm w-auto">' in html
    assert '<td align="right">3</td>' in html


def test_empty_and_none_render_nothing():
    assert render("") == ""
    assert render_markdown(None) == ""


def test_ampersand_and_less_than_are_escaped():
    assert "x &amp; y &lt;3" in render("x & y <3")
