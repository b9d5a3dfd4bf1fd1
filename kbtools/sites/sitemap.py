"""The public site's sitemap, as a search engine should read it: every language version of a
page, and no fallback copy.

A site's sitemap has a ``<url>`` per page and language and an ``<xhtml:link
rel="alternate" hreflang>`` per language (:meth:`kbtools.sites.languages.Languages.sitemap`),
fallback copies included, which the internal site keeps. On the public site they would mislead: the English
text published under ``ar/`` because the page has no Arabic translation yet would be announced
as the Arabic version, while that page's own ``<link rel="canonical">`` names the English page
(:mod:`kbtools.sites.pageinfo`). :func:`pruned_sitemap` drops those copies, as ``<url>`` and as
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

from kbtools import atomic

SITEMAP = "sitemap.xml"
"""Where MkDocs writes the sitemap, under the site folder (and ``sitemap.xml.gz`` next to it)."""
_SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XHTML = "http://www.w3.org/1999/xhtml"
ET.register_namespace("", _SM)  # written back with the prefixes MkDocs gave them
ET.register_namespace("xhtml", _XHTML)


def pruned_sitemap(xml: bytes, site_url: str, fallback_urls: Iterable[str],
                   default_language: str, modified: Mapping[str, str] | None = None) -> bytes:
    """``xml`` (a sitemap) without the fallback copies (``fallback_urls``: page URLs relative
    to ``site_url``, ``ar/faq/refund/``), with an ``x-default`` alternate on every entry that
    has the default language's, and with ``<lastmod>`` set to ``modified``'s day (per page
    URL, when its article last changed in git) instead of the build's. Raises
    :class:`ValueError` when ``xml`` is not a sitemap."""
    root = _urlset(xml)
    copies = {urljoin(site_url, url) for url in fallback_urls}
    days = {urljoin(site_url, url): day for url, day in (modified or {}).items()}
    for entry in list(root):
        loc = entry.findtext(f"{{{_SM}}}loc", "").strip()
        if loc in copies:
            root.remove(entry)
            continue
        lastmod = entry.find(f"{{{_SM}}}lastmod")
        if loc in days and lastmod is not None:
            lastmod.text = days[loc]
        links = entry.findall(f"{{{_XHTML}}}link")
        for link in links:
            if link.get("href") in copies or link.get("hreflang") == "x-default":
                entry.remove(link)
        default = next((link.get("href") for link in links
                        if link.get("hreflang") == default_language
                        and link.get("href") not in copies), None)
        if default is not None:
            ET.SubElement(entry, f"{{{_XHTML}}}link",
                          {"rel": "alternate", "hreflang": "x-default", "href": default})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


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


def _urlset(xml: bytes) -> ET.Element:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ValueError(f"{SITEMAP} is not XML: {exc}") from None
    if root.tag != f"{{{_SM}}}urlset":
        raise ValueError(f"{SITEMAP} is not a sitemap (root element {root.tag!r})")
    return root
