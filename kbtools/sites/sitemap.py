"""The sites' sitemaps: every page in every language, with its language versions; the public
site's as a search engine should read it, without fallback copies.

A site's sitemap (:func:`site_sitemap`) has a ``<url>`` per page and language and an
``<xhtml:link rel="alternate" hreflang>`` per language, fallback copies included, which the
internal site keeps. On the public site they would mislead: the English
text published under ``ar/`` because the page has no Arabic translation yet would be announced
as the Arabic version, while that page's own ``<link rel="canonical">`` names the English page
(:mod:`kbtools.sites.pageinfo`). :func:`public_sitemap` leaves those copies out, as ``<url>`` and as
alternate, and adds the ``x-default`` alternate (the default language's page), so the sitemap
and the pages' heads say the same thing; an article's ``<lastmod>`` is the day it last changed
in git, not the day of the build. :func:`write_sitemap` writes either, and its ``.gz``.

Material's pages fetch ``sitemap.xml`` at their language's root (``ar/sitemap.xml``) to know
which links instant navigation may follow; :func:`write_language_sitemaps` writes one there per
language: that language's entries of the site's sitemap (a sitemap lists only URLs below its
own folder), from the pages themselves, not read back from the site's.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from kbtools import atomic

SITEMAP = "sitemap.xml"
"""Where MkDocs writes the sitemap, under the site folder (and ``sitemap.xml.gz`` next to it)."""
_SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XHTML = "http://www.w3.org/1999/xhtml"
_ATTRIBUTE = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
"""What ElementTree escapes in an attribute's value besides ``&<>``."""


Entries = Iterable[tuple[str, list[tuple[str, str]]]]
"""A site's pages for its sitemap: each page's URL and its alternates (language code, URL),
URLs relative to the site's root (:meth:`kbtools.sites.languages.Languages.sitemap_entries`)."""


def site_sitemap(site_url: str, entries: Entries, day: str) -> bytes:
    """The sitemap of every page in every language, fallback copies included (the internal
    site's), each with its ``hreflang`` alternates and ``day`` as ``<lastmod>``."""
    base = _base(site_url)
    pieces = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org'
              '/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for own, alternates in entries:
        pieces.append(f"\n    <url>\n        <loc>{escape(_absolute(base, own))}</loc>"
                      f"\n        <lastmod>{day}</lastmod>"
                      f"\n        <changefreq>daily</changefreq>")
        pieces.extend(f'\n        <xhtml:link rel="alternate" hreflang="{code}" '
                      f"href={quoteattr(_absolute(base, url))}/>" for code, url in alternates)
        pieces.append("\n    </url>")
    pieces.append("\n</urlset>")
    return "".join(pieces).encode("utf-8")


@dataclass(frozen=True)
class Pruning:
    """What the public site's sitemaps leave out and add (see :func:`public_sitemap`)."""

    fallback_urls: Iterable[str] = ()
    default_language: str | None = None
    """The language whose page is each entry's ``x-default`` (None: no ``x-default``)."""
    modified: Mapping[str, str] | None = None


def public_sitemap(site_url: str, entries: Entries, day: str, pruning: Pruning) -> bytes:
    """The sitemap as search engines should read it: :func:`site_sitemap` without the
    fallback copies (``pruning.fallback_urls``: page URLs relative to ``site_url``,
    ``ar/faq/refund/``), as ``<url>`` and as alternate, with an ``x-default`` alternate on
    every entry that has the default language's, and ``<lastmod>`` the day
    ``pruning.modified`` gives the page (when its article last changed in git), else ``day``.
    Written as ElementTree writes an indented tree, an entry at a time."""
    return _written(_base(site_url), entries, day, pruning)


def write_sitemaps(site_dir: Path, site_url: str, day: str, languages: Iterable[str],
                   entries_of: Callable[[str | None], Entries],
                   pruning: Pruning | None = None) -> None:
    """Write the site's sitemap (:func:`site_sitemap`, or :func:`public_sitemap` with
    ``pruning``) and each language's (:func:`write_language_sitemaps`); ``entries_of(None)``
    gives every language's pages, ``entries_of(lang)`` one language's."""
    entries = entries_of(None)
    write_sitemap(Path(site_dir), site_sitemap(site_url, entries, day) if pruning is None
                  else public_sitemap(site_url, entries, day, pruning))
    write_language_sitemaps(site_dir, site_url, day, languages, entries_of, pruning)


def write_language_sitemaps(site_dir: Path, site_url: str, day: str, languages: Iterable[str],
                            entries_of: Callable[[str], Entries],
                            pruning: Pruning | None = None) -> int:
    """Write ``<lang>/sitemap.xml`` for every language but the first (the default language's
    is the site's own) whose folder ``site_dir`` has: that language's entries (``entries_of``)
    as the site's sitemap has them, ``pruning`` applied on the public site; return how many
    were written."""
    base, written = _base(site_url), 0
    for lang in list(languages)[1:]:
        folder = Path(site_dir) / lang
        if folder.is_dir():
            prefix = urljoin(base, f"{lang}/")
            atomic.write_bytes(folder / SITEMAP, _written(
                base, entries_of(lang), day, pruning or Pruning(), prefix=prefix))
            written += 1
    return written


def _written(base: str, entries: Entries, day: str, pruning: Pruning, *,
             prefix: str | None = None) -> bytes:
    """``entries`` (those whose URL starts with ``prefix``, when given) as ElementTree writes
    an indented sitemap, ``pruning`` applied."""
    copies = {urljoin(base, url) for url in pruning.fallback_urls}
    days = {urljoin(base, url): when for url, when in (pruning.modified or {}).items()}
    pieces, linked = [], False
    for own, alternates in entries:
        loc = _absolute(base, own)
        if loc in copies or (prefix is not None and not loc.startswith(prefix)):
            continue
        links = [(code, href) for code, url in alternates
                 if (href := _absolute(base, url)) not in copies]
        default = next((href for code, href in links if code == pruning.default_language), None)
        if default is not None:
            links.append(("x-default", default))
        pieces.append(f"  <url>\n    <loc>{escape(loc)}</loc>\n"
                      f"    <lastmod>{escape(days.get(loc, day))}</lastmod>\n"
                      f"    <changefreq>daily</changefreq>\n")
        pieces.extend(f'    <xhtml:link rel="alternate" hreflang="{escape(code, _ATTRIBUTE)}" '
                      f'href="{escape(href, _ATTRIBUTE)}" />\n' for code, href in links)
        linked = linked or bool(links)
        pieces.append("  </url>\n")
    declared = f' xmlns:xhtml="{_XHTML}"' if linked else ""  # only when used, as ElementTree
    head = f"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=\"{_SM}\"{declared}"
    if not pieces and prefix is not None:  # an element made empty, not read empty
        return (head + " />\n").encode("utf-8")
    return (head + ">\n" + "".join(pieces) + "</urlset>\n").encode("utf-8")


def _base(site_url: str) -> str:
    return site_url if site_url.endswith("/") else site_url + "/"


def _absolute(base: str, url: str) -> str:
    return base if url == "./" else base + url


def write_sitemap(site_dir: Path, data: bytes) -> None:
    """Write ``data`` as ``site_dir``'s sitemap, and its ``.gz``."""
    path = Path(site_dir) / SITEMAP
    atomic.write_bytes(path, data)
    atomic.write_bytes(path.with_name(SITEMAP + ".gz"), gzip.compress(data, mtime=0))
