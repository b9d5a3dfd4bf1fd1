"""An article body's HTML where it can be shown in place of converting its markdown again:
what :mod:`.fragments` keeps for fallback copies and :mod:`.exchange` passes between the two
sites' builds. A body moves only where each of its page links lands on the same page."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urljoin

_URL_ATTRIBUTE = re.compile(r"""\s(href|src|srcset|poster|data|action|formaction|xlink:href|"""
                            r"""cite|background)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def relative_targets(html: str) -> list[str] | None:
    """The relative page links of ``html`` (``../b/``, ``../b/#setup``), or None when it
    has a relative link that is not a page's folder URL (an image, a file) or a URL in an
    attribute other than ``href`` and ``src``: such HTML is not moved to another place."""
    found: list[str] = []
    for match in _URL_ATTRIBUTE.finditer(html):
        name, value = match.group(1).lower(), match.group(2).strip("\"'")
        if not value or value.startswith(("#", "/")) or _SCHEME.match(value):
            continue
        if name not in ("href", "src"):
            return None
        path = value.partition("#")[0]  # (what ``urlsplit(value).path`` is here, quickly)
        if not path.endswith("/") or "?" in path:
            return None
        found.append(path)
    return found


@dataclass(frozen=True, slots=True)
class Body:
    """A page's body HTML (without its banners) and what MkDocs takes from its conversion."""

    html: str
    """Sanitized when kept for fallback copies (:class:`.fragments.Sharing`), as converted
    when left by the other site's build (:mod:`.exchange`)."""
    toc: object
    """The page's table of contents (MkDocs' ``TableOfContents``), the same where it moves."""
    anchors: frozenset[str]
    """The anchors the page has (MkDocs' ``present_anchor_ids``)."""
    url: str
    targets: tuple[str, ...]
    """The body's relative page links (:func:`relative_targets`)."""
    sanitized: bool = True
    """Whether ``html`` is sanitized or as converted."""


def body_key(src_uri: str, markdown: str) -> str:
    """The key of the body ``markdown`` of the page whose source is ``src_uri``."""
    return hashlib.blake2b(f"{src_uri}\0{markdown}".encode(), digest_size=16).hexdigest()


def lands_same(body: Body, url: str, pages: frozenset[str]) -> bool:
    """Whether ``body``, shown at ``url`` (its own page's URL under a language's folder, or
    that URL itself), has every page link land on one of ``pages`` (the URLs of the build
    showing it) at the same place as from its own page."""
    prefix = url[: len(url) - len(body.url)] if url.endswith(body.url) else None
    if prefix is None:
        return False
    for target in body.targets:
        here = _resolve(url, target)
        if here not in pages or here != prefix + _resolve(body.url, target):
            return False
    return True


def _resolve(base: str, target: str) -> str:
    """``target`` seen from the page at ``base``, as a site-root URL (``ru/billing/b/``)."""
    return urljoin("/" + base, target).lstrip("/")
