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
own folder).
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from kbtools import atomic

SITEMAP = "sitemap.xml"
"""Where MkDocs writes the sitemap, under the site folder (and ``sitemap.xml.gz`` next to it)."""
_SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XHTML = "http://www.w3.org/1999/xhtml"
ET.register_namespace("", _SM)  # written back with the prefixes MkDocs gave them
ET.register_namespace("xhtml", _XHTML)


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


def public_sitemap(site_url: str, entries: Entries, day: str, fallback_urls: Iterable[str],
                   default_language: str, modified: Mapping[str, str] | None = None) -> bytes:
    """The sitemap as search engines should read it: :func:`site_sitemap` without the
    fallback copies (``fallback_urls``: page URLs relative to ``site_url``,
    ``ar/faq/refund/``), as ``<url>`` and as alternate, with an ``x-default`` alternate on
    every entry that has the default language's, and ``<lastmod>`` the day ``modified``
    gives the page (when its article last changed in git), else ``day``. Written as
    ElementTree writes an indented tree, an entry at a time."""
    base = _base(site_url)
    copies = {urljoin(base, url) for url in fallback_urls}
    days = {urljoin(base, url): when for url, when in (modified or {}).items()}
    pieces, linked = [], False
    for own, alternates in entries:
        loc = _absolute(base, own)
        if loc in copies:
            continue
        links = [(code, href) for code, url in alternates
                 if (href := _absolute(base, url)) not in copies]
        default = next((href for code, href in links if code == default_language), None)
        if default is not None:
            links.append(("x-default", default))
        pieces.append(f"  <url>\n    <loc>{_et_text(loc)}</loc>\n"
                      f"    <lastmod>{_et_text(days.get(loc, day))}</lastmod>\n"
                      f"    <changefreq>daily</changefreq>\n")
        pieces.extend(f'    <xhtml:link rel="alternate" hreflang="{_et_attr(code)}" '
                      f'href="{_et_attr(href)}" />\n' for code, href in links)
        linked = linked or bool(links)
        pieces.append("  </url>\n")
    declared = f' xmlns:xhtml="{_XHTML}"' if linked else ""  # only when used, as ElementTree
    return (f"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=\"{_SM}\"{declared}>\n"
            + "".join(pieces) + "</urlset>\n").encode("utf-8")


def _base(site_url: str) -> str:
    return site_url if site_url.endswith("/") else site_url + "/"


def _absolute(base: str, url: str) -> str:
    return base if url == "./" else base + url


def _et_text(text: str) -> str:
    """``text`` escaped as ElementTree escapes an element's text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _et_attr(text: str) -> str:
    """``text`` escaped as ElementTree escapes an attribute's value."""
    return (_et_text(text).replace('"', "&quot;").replace("\r", "&#13;")
            .replace("\n", "&#10;").replace("\t", "&#09;"))


def write_language_sitemaps(site_dir: Path, site_url: str, languages: Iterable[str]) -> int:
    """Write ``<lang>/sitemap.xml`` for every language but the first (the default language's
    is the site's own), from the site's sitemap; return how many were written (0 when the site
    has no sitemap)."""
    path = Path(site_dir) / SITEMAP
    if not path.is_file():
        return 0
    base = site_url if site_url.endswith("/") else f"{site_url}/"
    written = 0
    for lang in list(languages)[1:]:
        folder = Path(site_dir) / lang
        if folder.is_dir():
            atomic.write_bytes(folder / SITEMAP,
                               language_sitemap(path, urljoin(base, f"{lang}/")))
            written += 1
    return written


def language_sitemap(path: Path, prefix: str) -> bytes:
    """The entries of the sitemap at ``path`` whose ``<loc>`` starts with ``prefix`` (an
    absolute URL ending in ``/``), read an entry at a time: only those are held (the whole
    tree was the internal build's peak of memory). Raises :class:`ValueError` when the file
    is not a sitemap."""
    root = kept = None
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            if root is None:
                if element.tag != f"{{{_SM}}}urlset":
                    raise ValueError(f"{SITEMAP} is not a sitemap (root element "
                                     f"{element.tag!r})")
                root, kept = element, ET.Element(element.tag, element.attrib)
            elif event == "end" and element.tag == f"{{{_SM}}}url":
                root.remove(element)
                if element.findtext(f"{{{_SM}}}loc", "").strip().startswith(prefix):
                    kept.append(element)
    except ET.ParseError as exc:
        raise ValueError(f"{SITEMAP} is not XML: {exc}") from None
    if kept is None:
        raise ValueError(f"{SITEMAP} is empty")
    ET.indent(kept)
    return ET.tostring(kept, encoding="utf-8", xml_declaration=True) + b"\n"


def write_sitemap(site_dir: Path, data: bytes) -> None:
    """Write ``data`` as ``site_dir``'s sitemap, and its ``.gz``."""
    path = Path(site_dir) / SITEMAP
    atomic.write_bytes(path, data)
    atomic.write_bytes(path.with_name(SITEMAP + ".gz"), gzip.compress(data, mtime=0))
