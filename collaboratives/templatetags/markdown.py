"""The safe Markdown filter for text that users write (posts, comments, PDSA notes).

``{% load markdown %}{{ text|markdown }}`` renders Markdown, then sanitizes the HTML with nh3.
Two layers, so one slip does not let script through:

1. Raw HTML typed by the user is never passed through by Markdown: the HTML block and inline
   HTML processors are removed, so ``<script>`` arrives in the output as the text
   ``&lt;script&gt;``.
2. The output is cleaned with an allow-list: paragraphs, emphasis, lists, quotes, code, h3-h6,
   rules, tables and links (http, https and mailto only, ``rel="noopener nofollow"``). No images
   (they would load from anywhere, e.g. tracking pixels), no attributes that could run script.

Headings written as ``#`` or ``##`` are shown as h3/h4 so user text never outranks the page;
an image is shown as its description in italics.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

register = template.Library()

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"

# Tags whose content is dropped with them (the text of a script is never useful to readers).
_DROP_WITH_CONTENT = frozenset({"script", "style"})

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    link_rel=LINK_REL,
    url_schemes=set(URL_SCHEMES),
    url_relative="deny",
    # Tables look like the site's own (Bootstrap), whatever the user wrote.
    set_tag_attribute_values={"table": {"class": "table table-sm w-auto"}},
)


class _DemoteHeadings(Treeprocessor):
    """h1 -> h3, h2 -> h4 (the page owns h1 and h2); an image becomes its description."""

    SHIFT = {"h1": "h3", "h2": "h4"}

    def run(self, root):
        for element in root.iter():
            if element.tag in self.SHIFT:
                element.tag = self.SHIFT[element.tag]
            elif element.tag == "img":
                alt = element.get("alt") or ""
                element.attrib.clear()
                element.tag = "em"
                element.text = alt
        return None


class _UserTextExtension(Extension):
    """Treat raw HTML as text and demote headings."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)


def _markdown() -> markdown_lib.Markdown:
    return markdown_lib.Markdown(
        extensions=[
            _UserTextExtension(),
            "markdown.extensions.fenced_code",
            "markdown.extensions.sane_lists",
            "markdown.extensions.nl2br",
            "markdown.extensions.tables",
        ],
        extension_configs={"markdown.extensions.tables": {"use_align_attribute": True}},
        output_format="html",
    )


def render_markdown(text: str | None) -> SafeString:
    """User text as sanitized HTML, safe to put in a page or an HTML e-mail."""
    if not text:
        return mark_safe("")
    html = _markdown().convert(str(text))
    return mark_safe(_cleaner.clean(html))  # sanitized by nh3 just above


@register.filter(name="markdown")
def markdown_filter(value: str | None) -> SafeString:
    """``{{ post.body|markdown }}``: Markdown rendered, raw HTML shown as text, no script."""
    return render_markdown(value)
