"""What the theme shows around a public article: its language and direction, last-updated
date, tag links, related articles, the feedback placeholder's strings, and the page's
canonical URL (the language alternates are the sitemap's: :mod:`.sitemap`).

Collecting only (:func:`page_info` returns a :class:`PageInfo`); ``theme/main.html`` renders
it. URLs are relative to the language's root (``faq/a/``) unless said absolute.
"""

from __future__ import annotations

import heapq
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from babel.core import UnknownLocaleError
from babel.dates import format_date

import kbtools.sites.helpcenter as helpcenter
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.git import History
from kbtools.sites.catalogs import catalog, direction
from kbtools.sites.helpcenter import TAGS, Link, tag_slug
from kbtools.sites.site import page_url, site_path

MAX_RELATED = 5
FEEDBACK_ENDPOINT = "api/feedback"
"""Default of ``extra.feedback_endpoint`` (relative to the site root)."""


@dataclass(frozen=True)
class PageInfo:
    lang: str
    """The reader's language (the site's)."""
    content_lang: str
    """The language the article is written in (English on a fallback page)."""
    dir: str
    """Writing direction of the content."""
    updated: str | None
    tags: tuple[Link, ...]
    related: tuple[Link, ...]
    canonical: str | None
    strings: Mapping[str, str] = field(default_factory=dict)
    """The ``article.*`` and ``feedback.*`` strings of the reader's catalog."""

    @property
    def reader_dir(self) -> str:
        """Writing direction of the reader's language (the site's)."""
        return direction(self.lang)

    @property
    def fallback(self) -> bool:
        return self.content_lang != self.lang


class Published:
    """A site's articles (every language), indexed for what each page asks of them: the
    titles in a language, the articles sharing a tag or a folder, the languages a source is
    written in. Made once per site build, so a page's info does not walk every article."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles = list(articles)
        self._order = {a.path: n for n, a in enumerate(self.articles)}
        self._by_tag: dict[str, list[Article]] = {}
        self._by_folder: dict[str, list[Article]] = {}
        self._written: dict[str, set[str]] = {}
        for a in self.articles:
            if a.source:
                self._written.setdefault(a.source, set()).add(a.lang)
            if a.is_translation or a.name == "index":
                continue
            for tag in set(a.tags):
                self._by_tag.setdefault(tag, []).append(a)
            self._by_folder.setdefault(posixpath.dirname(a.path), []).append(a)
        self._titles: dict[str, dict[str, str]] = {}
        self._ranked: dict[str, list[tuple]] = {}

    def titles(self, lang: str) -> dict[str, str]:
        """Source path -> its title as readers of ``lang`` see it (their translation's)."""
        found = self._titles.get(lang)
        if found is None:
            found = {a.path: a.title for a in self.articles if not a.is_translation}
            found.update({a.source: a.title for a in self.articles
                          if a.is_translation and a.lang == lang})
            self._titles[lang] = found
        return found

    def neighbours(self, source: Article) -> list[Article]:
        """The source articles (not indexes) sharing a tag or the folder with ``source``, in
        the site's order."""
        found = {a.path: a for tag in set(source.tags) for a in self._by_tag.get(tag, ())}
        found.update((a.path, a) for a in self._by_folder.get(posixpath.dirname(source.path),
                                                              ()))
        found.pop(source.path, None)
        return sorted(found.values(), key=lambda a: self._order[a.path])

    def related(self, source: Article, lang: str) -> tuple[Link, ...]:
        """:func:`related` of ``source`` for readers of ``lang``, from its neighbours ranked
        once for every language: only the articles tied at the cut are ordered by their
        titles in ``lang``."""
        ranked = self._ranked.get(source.path)
        if ranked is None:
            ranked = self._ranked[source.path] = sorted(_scored(source, self.neighbours(source)))
        chosen: list[tuple] = []
        for item in ranked:  # (score, site order, path, title)
            if len(chosen) >= MAX_RELATED and item[0] != chosen[-1][0]:
                break
            chosen.append(item)
        return _best(chosen, self.titles(lang))

    def has_tag_page(self, tag: str) -> bool:
        """Whether the site has a page for ``tag``: some source article, not an index page,
        carries it (:func:`~kbtools.sites.helpcenter.topic_pages`)."""
        return tag in self._by_tag

    def written(self, source: str) -> set[str]:
        """The languages ``source`` has a translation in."""
        return self._written.get(source, set())


class PublicExtras:
    """What the theme shows around each page of a public site (``theme/main.html``): the
    help-center home's data, an article's :class:`PageInfo`, a page's canonical URL; with
    what they share made once (each language's home, :class:`Published`; git's history is
    the run's, :attr:`~kbtools.content.knowledge_base.KnowledgeBase.history`)."""

    def __init__(self, kb: KnowledgeBase, articles: Mapping[str, Article]) -> None:
        self.kb, self.articles = kb, articles
        self._homes: dict[str, helpcenter.Home] = {}
        self._published: Published | None = None

    def of(self, src_uri: str, home: bool, lang: str, site_url: str | None,
           feedback_endpoint: str | None) -> tuple[dict, str | None]:
        """The extras of the staged page ``src_uri`` (a help-center ``home``) for readers of
        ``lang``, and the day (ISO) its article last changed in git (None: unknown)."""
        kb = self.kb
        if home:
            found = self._homes.get(lang)
            if found is None:
                found = self._homes[lang] = helpcenter.home(kb, self.articles.values(), lang)
            return {"kb_home": found, "kb_blocks": found,
                    "kb_canonical": canonical_url(kb, "", lang, site_url)}, None
        article = self.articles.get(src_uri)
        if article is None:
            return {"kb_canonical": canonical_url(kb, page_url(src_uri), lang, site_url)}, None
        if self._published is None:
            self._published = Published(self.articles.values())
        info = page_info(kb, article, self._published, reader_lang=lang, site_url=site_url,
                         history=kb.history)
        day = changed_on(kb.history, article)
        return {"kb_page": info, "kb_canonical": info.canonical,
                "kb_feedback_endpoint": feedback_endpoint or FEEDBACK_ENDPOINT}, \
            day.isoformat() if day is not None else None


def page_info(kb: KnowledgeBase, article: Article,
              published: Published | Iterable[Article], *,
              reader_lang: str, site_url: str | None, history: History | None) -> PageInfo:
    """The extras of ``article``'s page for readers of ``reader_lang``; ``published`` are
    the site's articles (every language; a :class:`Published` made once answers faster)."""
    if not isinstance(published, Published):
        published = Published(published)
    text = catalog(kb, reader_lang)
    source = kb.corpus.get(article.source) if article.is_translation else article
    source = source or article
    tags = tuple(Link(text.tag(tag), f"{TAGS}/{tag_slug(tag)}/") for tag in source.tags
                 if published.has_tag_page(tag))  # (a tag only index pages carry has none)
    strings = {f"article.{k}": v for k, v in text.section("article").items()}
    strings.update({f"feedback.{k}": v for k, v in text.section("feedback").items()})
    updated = last_updated(history, article, reader_lang)
    return PageInfo(
        reader_lang, article.lang, direction(article.lang),
        text.text("article.updated", date=updated) if updated else None,
        tags, published.related(source, reader_lang),
        _canonical(kb, source, published, reader_lang, site_url), strings)


def last_updated(history: History | None, article: Article, lang: str) -> str | None:
    """The date of the newest commit touching ``article``'s file, in ``lang``'s long date
    format (``2 November 2026``, ``2 نوفمبر 2026``); None without history."""
    day = changed_on(history, article)
    if day is None:
        return None
    try:
        return format_date(day, format="long", locale=lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return day.isoformat()


def changed_on(history: History | None, article: Article) -> date | None:
    """The (UTC) day of the newest commit touching ``article``'s file; None without one."""
    if history is None or not history.available:
        return None
    when = history.last_changed(article.path)
    return None if when is None else datetime.fromtimestamp(when, UTC).date()


def related(source: Article, published: Iterable[Article],
            titles: Mapping[str, str]) -> tuple[Link, ...]:
    """Up to :data:`MAX_RELATED` published source articles sharing the most tags with
    ``source`` (then the same folder), by title (``published``: the candidates, in the
    site's order; :meth:`Published.neighbours` holds only those that can be chosen)."""
    return _best(_scored(source, published), titles)


def _best(scored: Iterable[tuple], titles: Mapping[str, str]) -> tuple[Link, ...]:
    """The :data:`MAX_RELATED` best of ``scored`` (:func:`_scored`'s), by score, then title
    as ``titles`` give it, then the site's order; a link is made for those only."""
    keyed = ((score, titles.get(path, title).casefold(), n, titles.get(path, title), path)
             for score, n, path, title in scored)
    return tuple(Link(title, page_url(site_path(path)))
                 for *_, title, path in heapq.nsmallest(MAX_RELATED, keyed))


def _scored(source: Article, published: Iterable[Article]) -> Iterator[tuple]:
    """``(score, site order, path, title)`` of each article of ``published`` that
    :func:`related` may choose for ``source``; the lower the score, the closer (more tags
    shared, then the same folder)."""
    folder = posixpath.dirname(source.path)
    mine = set(source.tags)
    for n, other in enumerate(published):
        if other.is_translation or other.path == source.path or other.name == "index":
            continue
        shared = len(mine.intersection(other.tags))
        same = posixpath.dirname(other.path) == folder
        if shared or same:
            yield (-shared, not same), n, other.path, other.title


def _canonical(kb: KnowledgeBase, source: Article, published: Published,
               reader_lang: str, site_url: str | None) -> str | None:
    """The canonical URL of ``source``'s page for ``reader_lang`` (a fallback copy's is the
    source's)."""
    written = {kb.config.default_language} | published.written(source.path)
    return canonical_url(kb, page_url(site_path(source.path)), reader_lang, site_url, written)


def canonical_url(kb: KnowledgeBase, url: str, reader_lang: str, site_url: str | None,
                  written: Iterable[str] | None = None) -> str | None:
    """The absolute canonical URL of the page at ``url`` (relative to a language's root) for
    readers of ``reader_lang``, given the ``written`` languages (all of the KB's when None):
    a reader's language without its own version has the default language's. None without
    ``site_url``."""
    if not site_url:
        return None
    default = kb.config.default_language
    written = set(kb.config.languages if written is None else written)
    lang = reader_lang if reader_lang in written else default
    return language_root(site_url, lang, default) + url


def language_root(site_url: str, lang: str, default: str) -> str:
    """The absolute URL of ``lang``'s site (``https://help.example/ar/``)."""
    root = site_url if site_url.endswith("/") else site_url + "/"
    return root if lang == default else f"{root}{lang}/"


DESCRIPTION_CHARS = 160
"""Longest page description (``<meta name="description">``, what search engines show)."""


def describe(html: str) -> str:
    """A page description from its (sanitized) HTML: the text of the first paragraph that is
    not in a banner, cut at a word under :data:`DESCRIPTION_CHARS`."""
    reader = _FirstParagraph()
    reader.feed(html)
    text = " ".join("".join(reader.text).split())
    if len(text) > DESCRIPTION_CHARS:
        text = text[:DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


class _FirstParagraph(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._depth = 0  # inside <p> (not in an admonition)
        self._skip = 0  # inside an admonition (banners, notes)
        self.done = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._skip or "admonition" in classes:
            self._skip += tag != "br" and tag != "img"
        elif tag == "p" and not self.done:
            self._depth += 1

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= 1
        elif tag == "p" and self._depth:
            self._depth -= 1
            self.done = bool("".join(self.text).strip())

    def handle_data(self, data):
        if self._depth and not self._skip and not self.done:
            self.text.append(data)
