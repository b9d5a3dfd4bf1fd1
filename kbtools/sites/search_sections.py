"""A page's search-index entries from the sanitizer's own pass over its HTML (the internal site).

Material's search plugin reads every page's HTML once more after it is rendered: its
``Parser`` (an ``HTMLParser``) splits the page into sections at its headings, and
``SearchIndex.create_entry_for_section`` makes each section an entry of
``search/search_index.json``. On the internal site that HTML has just been parsed and written
again, tag by tag, by :func:`~kbtools.sites.sanitize.sanitize_internal`: a second parse of the
same page, 5 % of a build.

:class:`Sections` is fed by the sanitizer as it writes: each tag it writes, and the text
between them in one piece, are what a parse of the written HTML would hand Material's parser
(the tags as written, their kept attributes with their values; comments, dropped tags and
rejected attributes never reach it). So a Material ``Parser`` driven by it splits the page into
the same sections, :class:`PageIndexer` makes them entries with Material's own ``SearchIndex``
and adds them to the site's index before Material's ``on_page_context`` would parse the page:
the index is Material's, entry for entry, and the page is marked for Material's search to
skip. Checked by building with and without it
(``kbtools.sites.build(share=False)``, :mod:`tests.test_shared_fragments`): the same bytes.

It applies when the site's search is Material's, enabled, and when the page's final HTML is
the sanitizer's output (no plugin after kb changed it); otherwise Material parses the page as
before. The public site's sanitizer (nh3) parses in Rust and hands out no tags: Material's
parser is the one Python pass over a public page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from material.plugins.search.plugin import Parser, SearchIndex, SearchPlugin

from kbtools.sites.sanitize import sanitize_internal


class Sections:
    """The sections Material's search ``Parser`` finds in the HTML a sanitizer writes, told
    each tag and text as it writes them (:meth:`start`, :meth:`end`, :meth:`text`)."""

    __slots__ = ("_parser", "_text")

    def __init__(self) -> None:
        self._parser = Parser()
        self._text: list[str] = []

    def start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        """A start tag written with ``attrs``; ``closed``: written as ``<tag />``."""
        self._flush()
        self._parser.handle_starttag(tag, attrs)
        if closed:  # (HTMLParser's handle_startendtag)
            self._parser.handle_endtag(tag)

    def end(self, tag: str) -> None:
        self._flush()
        self._parser.handle_endtag(tag)

    def text(self, data: str) -> None:
        """Text written (as text, unescaped): a parse hands over all text between two tags in
        one piece, and so does this."""
        self._text.append(data)

    def _flush(self) -> None:
        if self._text:
            data = "".join(self._text)
            self._text.clear()
            if data:
                self._parser.handle_data(data)

    def found(self) -> list:
        """The page's sections (Material's ``Section`` objects), in order."""
        self._flush()
        return self._parser.data


def material_search(plugins) -> SearchPlugin | None:
    """The site's search plugin when it is Material's and enabled (``config.plugins``)."""
    for plugin in plugins.values():
        if isinstance(plugin, SearchPlugin) and plugin.config.enabled:
            return plugin
    return None


class PageIndexer:
    """Per language build, the search entries of the pages the internal site's sanitizer
    wrote (:meth:`cleaner`), made as soon as a page is sanitized (:meth:`sanitized`) and
    handed to Material's index just before Material would parse the page again
    (:meth:`index`). Only entries wait for that, not the sections' pieces of text and
    markup: MkDocs holds every page of a language between the two, and at 3,000 articles
    the sections took 20 MB more than the entries made of them."""

    def __init__(self, search: SearchPlugin) -> None:
        self._search = search
        self._sections: dict[str, tuple[Sections, list[str]]] = {}
        self._pages: dict[str, tuple[list[dict], list[str]]] = {}

    def cleaner(self, page) -> Callable[[str], str] | None:
        """:func:`~kbtools.sites.sanitize.sanitize_internal` for ``page``, telling its sections
        what it writes; ``page``'s HTML is what it returns, in the order called (None: search
        skips the page). Call :meth:`sanitized` once the page's HTML is made."""
        if (page.meta.get("search") or {}).get("exclude"):
            return None
        sections, written = Sections(), []
        self._sections[page.url] = (sections, written)

        def clean(html: str) -> str:
            written.append(sanitize_internal(html, into=sections))
            return written[-1]

        return clean

    def sanitized(self, page) -> None:
        """``page``'s HTML is made (its table of contents too): its entries are made now,
        as Material's ``add_entry_from_context`` would make them."""
        found = self._sections.pop(page.url, None)
        if found is not None:
            index = SearchIndex()
            add_entries(index, page, found[0].found())
            self._pages[page.url] = (index.entries, found[1])

    def index(self, page) -> bool:
        """Add ``page``'s entries to Material's index if its HTML is what the sanitizer wrote
        (no plugin changed it since); then Material skips the page. False: Material's
        search is left to parse it."""
        entries, written = self._pages.pop(page.url, (None, None))
        if entries is None or page.content != "".join(written):
            return False
        self._search.search_index.entries.extend(entries)
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return True


def add_entries(index: SearchIndex, page, sections: Iterable) -> None:
    """Material's ``SearchIndex.add_entry_from_context`` for sections already found."""
    for section in sections:
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)
