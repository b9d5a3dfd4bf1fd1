"""The one Markdown reader: what a body holds, parsed once, with the file line of everything.

Every tool that needs headings, links, code or prose asks :func:`read` (or :func:`read_inline`
for a one-line text such as a title) instead of scanning the text itself; a tool that needs
only links and heading ids asks :func:`outline`, the same reading without the prose (about a
third less work, and small enough to keep between runs: :class:`kbtools.content.bodycache.BodyCache`).

Why markdown-it-py and not Python-Markdown's own tree (which the sites render with): the tools
need *where* things are (a finding's ``path:line:col``, a translation that keeps every byte
outside its prose, a link rewritten in place), and Python-Markdown's element tree keeps no
source positions. markdown-it-py keeps a line range on every block, and its documented
plugin API (rule rulers, token stream, ``state.pos``) lets this package record the offsets
of inline elements too. Where the two dialects differ, this reader follows the site:

- heading ids are made by Python-Markdown's own ``toc.slugify`` and ``toc.unique`` (the
  sites' ``toc`` uses the default slugify and separator, see ``kbtools/sites/mkdocs.yml``),
  after ids set with ``attr_list`` (``## Title {#custom}``), from the text the toc sees
  (code kept, tags, images and footnote marks dropped);
- admonitions (``!!!``), collapsible blocks (``???``, ``???+``) and content tabs
  (``=== "Tab"``) hold 4-space indented Markdown, as with ``admonition``,
  ``pymdownx.details`` and ``pymdownx.tabbed``; footnotes and definition lists come from
  mdit-py-plugins;
- Jinja macros (``{{ }}``, ``{% %}``, ``{## ##}``) are macros, never prose;
- an HTML comment that Markdown leaves unclosed hides the text up to the next ``-->`` or
  the end of the body, as a browser would.

Known differences: a hash heading needs a space after its ``#`` (CommonMark); raw HTML blocks
end at a blank line (CommonMark), so Markdown after a blank line inside ``<div>`` is read
as Markdown, as ``md_in_html`` does with ``markdown="1"``.

Offsets are positions in the body string; lines are file lines (``first_line`` is the file
line of the body's first line, ``Article.body_line`` for an article).

The package: :mod:`.document` (what is returned), :mod:`.parser` (markdown-it and this site's
rules), :mod:`.reader` (the token stream), :mod:`.inline` (inline tokens), :mod:`.tags`
(raw HTML), :mod:`.found` (what a reading collects), :mod:`.plain` (the outline of a plain
body, read line by line with markdown-it's answers: most bodies, in a fraction of the time).
"""

from __future__ import annotations

from functools import lru_cache

import markdown as _markdown
import markdown_it as _markdown_it
import mdit_py_plugins as _mdit_py_plugins

from kbtools.content.markdown.document import (
    MARKUP_KINDS,
    PROSE_KINDS,
    Code,
    Document,
    Heading,
    Link,
    Outline,
    Prose,
    Span,
    slugify,
)
from kbtools.content.markdown.plain import plain_outline
from kbtools.content.markdown.reader import collect, collect_inline

__all__ = ["ENGINE", "MARKUP_KINDS", "PROSE_KINDS", "Code", "Document", "Heading", "Link",
           "Outline", "Prose", "Span", "outline", "read", "read_inline", "slugify"]

ENGINE = (f"markdown-it-py {_markdown_it.__version__}, mdit-py-plugins "
          f"{_mdit_py_plugins.__version__}, Markdown {_markdown.__version__}")
"""The libraries a reading depends on (caches of readings are dropped when they change)."""


@lru_cache(maxsize=4096)
def read(body: str, first_line: int = 1) -> Document:
    """Parse ``body`` (a Markdown text; ``first_line`` is its first line's file line)."""
    found, hidden = collect(_spaced(body), first_line, full=True)
    return found.document(hidden)


@lru_cache(maxsize=4096)
def outline(body: str, first_line: int = 1, *, plain: bool = True) -> Outline:
    """The headings, links and ids of ``body``: the same as ``read(body, first_line)``'s,
    read without collecting prose, code and markup (and without parsing the inline text of
    paragraphs that cannot hold a link or an id). A plain body (:mod:`.plain`: headings,
    paragraphs, list items, fences and containers with one-line links) is read line by
    line, with the same answers, unless ``plain`` is False."""
    if plain:
        found_plain = plain_outline(body, first_line)
        if found_plain is not None:
            return found_plain
    found, _ = collect(_spaced(body), first_line, full=False)
    return found.outline()


@lru_cache(maxsize=1024)
def read_inline(text: str) -> Prose:
    """``text`` read as inline Markdown only (no block syntax): a title, a table cell."""
    return collect_inline(_spaced(text)) or Prose("inline", 1, 0, len(text), "")


def _spaced(text: str) -> str:
    # markdown-it reads \r\n as one character: a space instead keeps every offset
    return text.replace("\r", " ") if "\r" in text else text
