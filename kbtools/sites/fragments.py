"""Parts of pages rendered once per build and reused where they come out the same.

- **Navigation.** Material renders the whole site menu (``partials/nav.html``) and the tabs
  (``partials/tabs.html``) for every page. An item of them that is not on the page's own
  path (not ``active``) comes out the same for every page of a folder: its links are
  relative, and relative to ``billing/a/`` and to ``billing/b/`` they are the same as long as
  they do not point below either page. :class:`NavMemo` keeps, per language build, each such
  item's HTML per folder; ``theme/partials/nav.html`` and ``tabs.html`` (Material's, with the
  memo around each top-level item) ask it.
- **An article's body.** A page shown in English under another language (a fallback copy)
  has the English page's markdown, with other banners. :class:`Bodies` keeps the English
  page's HTML and table of contents, and the copy gets them instead of converting the same
  markdown again, when the HTML's links resolve to the same pages from the copy's place
  (:func:`.bodies.lands_same`).
- **A public article's body, between the two sites.** See :mod:`.exchange`.

:class:`Sharing` is what the MkDocs adapter asks at each event. All are checked by building
with and without them (``kbtools.sites.build(share=False)``): the files are the same, byte for
byte.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kbtools.sites.bodies import Body, body_key, lands_same, relative_targets
from kbtools.sites.exchange import Exchange


def folder_of(url: str) -> str:
    """The folder whose pages share relative links with the page at ``url``: its parent
    (``billing/`` for ``billing/a/`` and for ``billing/a.html``)."""
    return posixpath.dirname(url.rstrip("/")) if url.endswith("/") else posixpath.dirname(url)


def parents(urls: Iterable[str]) -> frozenset[str]:
    """Every folder URL that has a page below it (``billing/`` and ``billing/a/`` for
    ``billing/a/b/``): a page at one of them sees the pages below it with links of its own."""
    found: set[str] = set()
    for url in urls:
        parts = url.strip("/").split("/")[:-1]
        for end in range(1, len(parts) + 1):
            found.add("/".join(parts[:end]) + "/")
    return frozenset(found)


@dataclass
class NavMemo:
    """The HTML of navigation items not on the page's path, per folder, for one language
    build (:meth:`for_page` gives a page its view; None when the page has pages below it)."""

    parents: frozenset[str]
    items: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def for_page(self, url: str) -> Callable | None:
        if url in self.parents or url == "":
            return None
        folder = folder_of(url)

        def cached(kind: str, path: str, macro: Callable, *args):
            key = (folder, kind, str(path))
            html = self.items.get(key)
            if html is None:
                html = self.items[key] = macro(*args)
            return html

        return cached


class Bodies:
    """English pages' HTML bodies, for their fallback copies in the other languages."""

    def __init__(self) -> None:
        self._bodies: dict[str, Body] = {}
        self._copies: dict[str, int] = {}

    def keep(self, key: str, html: str, toc, anchors, url: str, copies: int,
             cleaned: str | None = None) -> None:
        """Keep the HTML of the page at ``url`` whose markdown body has ``key``, if it can
        move (:func:`relative_targets`), until ``copies`` copies have taken it; ``cleaned``,
        that HTML sanitized, is what is kept when given."""
        targets = relative_targets(html)
        if html and copies > 0 and targets is not None:
            self._bodies[key] = Body(html if cleaned is None else cleaned, toc,
                                     frozenset(anchors or ()), url, tuple(targets))
            self._copies[key] = copies

    def __len__(self) -> int:
        return len(self._bodies)

    def find(self, key: str, url: str, pages: frozenset[str]) -> Body | None:
        """The body kept under ``key``, for a copy at ``url``, if every one of its page links
        leads from there to a page of this build (``pages``: their URLs) at the same place
        under the copy's language as from the English page."""
        body = self._bodies.get(key)
        if body is None or not lands_same(body, url, pages):
            return None
        self._copies[key] -= 1
        if not self._copies[key]:  # the last copy: let it go
            del self._bodies[key], self._copies[key]
        return body


BANNERS_END = "\n\n"
"""What Python-Markdown puts between a page's banners (a raw HTML block) and its body."""


class Sharing:
    """What the pages of one site build share: the navigation memo of the language being
    built, the English bodies for the fallback copies, and (with an ``exchange``, building
    both sites) the public articles' bodies with the other site's build (:mod:`.exchange`).
    ``titles`` are the staged pages' (``(path, language)`` pairs that exist), ``default``
    the language copies come from."""

    def __init__(self, titles: Mapping[tuple[str, str], str], languages: Sequence[str],
                 default: str, single: Container[str] = frozenset(),
                 exchange: Exchange | None = None) -> None:
        self._titles, self._languages, self._default = titles, tuple(languages), default
        self._single = single
        """Pages written in the default language only: no copies to keep their HTML for
        (:attr:`kbtools.sites.languages.Languages.single`)."""
        self._exchange = exchange
        self._settings: str | None = None
        """The language build's :func:`~.exchange.markdown_settings` (None: no exchange)."""
        self._bodies = Bodies()
        self._nav: NavMemo | None = None
        self._pages: frozenset[str] = frozenset()
        self._keep: dict[str, tuple[str, str, int]] = {}
        self._leave: dict[str, tuple[str, str]] = {}
        self._compose: dict[str, tuple[str, Body]] = {}
        self.shared = 0
        """Fallback copies made from their English page's HTML."""
        self.exchanged = 0
        """Pages whose body the other site's build converted (:mod:`.exchange`)."""

    def start_language(self, page_urls: Iterable[str], settings: str | None = None) -> None:
        """A language build begins with these pages (its navigation memo starts empty);
        ``settings``, its :func:`~.exchange.markdown_settings`, lets its bodies go through
        the exchange (None: not)."""
        self._pages = frozenset(page_urls)
        self._nav = NavMemo(parents(self._pages))
        self._settings = settings

    def nav_for(self, url: str) -> Callable | None:
        """The theme's ``kb_nav`` for the page at ``url`` (see :class:`NavMemo`)."""
        return self._nav.for_page(url) if self._nav is not None else None

    def markdown(self, *, url: str, norm: str, locale: str, lang: str, banners: str,
                 body: str, both_sites: bool = False) -> bool:
        """Whether the page at ``url`` (source ``norm`` in ``locale``, read in ``lang``) gets
        its body's HTML from elsewhere: a fallback copy from its English page, a page of
        both sites (``both_sites``: a public article's) from the other site's build. Then its
        markdown need not be converted, :meth:`content` puts banners and body together.
        An English page with copies to come has its HTML kept by :meth:`content`, a page of
        both sites its HTML left for the other build."""
        key = body_key(norm, body)
        if locale != lang:
            found = self._bodies.find(key, url, self._pages)
            if found is not None:
                self._compose[url] = (banners, found)
                return True
            return False
        if lang == self._default and norm not in self._single:
            copies = sum((norm, other) not in self._titles for other in self._languages)
            if copies:
                self._keep[url] = (banners, key, copies)
        if both_sites and self._exchange is not None and self._settings is not None:
            name = self._exchange.key(self._settings, key)
            found = self._exchange.take(name, url, self._pages)
            if found is not None:
                self._compose[url] = (banners, found)
                return True
            self._leave[url] = (banners, name)
        return False

    def content(self, page, html: str, clean: Callable[[str], str]) -> str:
        """The HTML of ``page`` (MkDocs') as converted, through the sanitizer ``clean``: a
        copy's is made here from its English page's (its table of contents and anchors
        too), and so is a page's whose body the other site's build converted; an English
        page's body is kept, sanitized, for its copies: a body is sanitized once for its
        page and all its copies; a body for the other build is left as converted.

        Banners and body are sanitized apart: the banners are kb's own complete tags and
        Python-Markdown puts a blank line after them, so the sanitizer is back to plain text
        where the body starts and gives what it gives for the whole page."""
        composed = self._compose.pop(page.url, None)
        if composed is not None:
            banners, body = composed
            page.toc, page.present_anchor_ids = body.toc, set(body.anchors)
            if body.sanitized:
                self.shared += 1
                return _banners(banners, clean) + body.html
            self.exchanged += 1  # as converted here: what the page would have been
            html = banners + BANNERS_END + body.html if banners else body.html
        left = self._leave.pop(page.url, None)
        if left is not None:
            banners, name = left
            raw = _body(html, banners)
            if raw is not None:
                self._exchange.leave(name, raw, page.toc, page.present_anchor_ids, page.url)
        kept = self._keep.pop(page.url, None)
        if kept is not None:
            banners, key, copies = kept
            raw = _body(html, banners)
            if raw is not None:
                head = _banners(banners, clean)  # (first: ``clean`` may be told the page in order)
                cleaned = clean(raw)
                self._bodies.keep(key, raw, page.toc, page.present_anchor_ids, page.url,
                                  copies, cleaned)
                return head + cleaned
        return clean(html)

    def release(self) -> None:
        """Every page is written: let what they shared go."""
        self._bodies, self._nav, self._keep, self._compose = Bodies(), None, {}, {}
        self._leave = {}


def _body(html: str, banners: str) -> str | None:
    """A page's converted body: its HTML after its banners (None: the HTML does not start
    with them as Python-Markdown passes them on)."""
    if not banners:
        return html
    head = banners + BANNERS_END
    return html[len(head):] if html.startswith(head) else None


def _banners(banners: str, clean: Callable[[str], str]) -> str:
    """A page's banners sanitized, with what separates them from its body (none: "")."""
    return clean(banners + BANNERS_END) if banners else ""
