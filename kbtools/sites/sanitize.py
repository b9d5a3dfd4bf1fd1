"""Allowlist sanitizing of public page HTML (nh3), keeping Material's components working.

Only the HTML rendered from authors' markdown goes through here (the theme's own templates
and scripts are trusted). What survives: text formatting, links, images, tables, headings
with their anchors, admonitions and details, content tabs (radio inputs and labels), code
blocks with highlighting, task lists, footnotes, our banners and copy boxes. Scripts, styles,
event handlers, iframes, forms, ``javascript:`` URLs and HTML comments never do.
"""

from __future__ import annotations

import nh3

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre",
    "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
})
_COMMON = {"class", "id", "title", "lang", "dir"}
ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href"},
    "img": _COMMON | {"src", "alt", "width", "height", "loading"},
    "input": _COMMON | {"type", "name", "checked", "disabled"},
    "label": _COMMON | {"for"},
    "details": _COMMON | {"open"},
    "div": _COMMON | {"data-tabs", "data-kb-copy", "data-kb-banner"},
    "ol": _COMMON | {"start"},
    "td": _COMMON | {"colspan", "rowspan", "align"},
    "th": _COMMON | {"colspan", "rowspan", "align", "scope"},
    "abbr": _COMMON,
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def sanitize(html: str) -> str:
    """Return ``html`` with everything outside the allowlist removed (comments included)."""
    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), strip_comments=True, link_rel=None)
