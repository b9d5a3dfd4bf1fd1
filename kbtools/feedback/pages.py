"""Which article a public page shows, and what a page URL in a vote may look like.

The public site puts a default-language article at its directory URL (``docs/faq/refund.md``
-> ``/faq/refund/``) and each translation under its language's folder (``/ru/faq/refund/``);
a language without a translation shows the source there (a fallback page), so a vote on it
counts for the source article, in the reader's language.
"""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

from kbtools.errors import UsageError
from kbtools.feedback.votes import MAX_PAGE
from kbtools.sites.site import PUBLIC, SITES, page_url, site_path

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase


def page_paths(kb: KnowledgeBase) -> dict[str, str]:
    """Public page URL (``/ru/faq/refund/``) -> repo path of the article it shows.

    A translation is on the public site when its source article is public.
    """
    roots = tuple(f"{root}/" for root in SITES[PUBLIC].content_roots)
    default = kb.config.default_language
    sources = {a.path: a for a in kb.corpus.articles
               if not a.is_translation and a.is_public and a.path.startswith(roots)}
    found: dict[str, str] = {}
    for path in sources:
        url = page_url(site_path(path))
        found[f"/{url}"] = path
        for lang in kb.config.languages:
            if lang != default:
                found[f"/{lang}/{url}"] = path  # a fallback page, unless translated
    for article in kb.corpus.articles:
        if article.is_translation and article.source in sources:
            found[f"/{article.lang}/{page_url(site_path(article.source))}"] = article.path
    return found


def normalize_page(value: object) -> str:
    """A vote's page as a URL path under the site root (``/faq/refund/``).

    Takes that path, the same without the leading ``/``, or with ``index.html`` at the end.
    Raises :class:`UsageError` for anything else (a full URL, a query, ``..``).
    """
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_PAGE:
        raise UsageError(f"page must be the page's path under the site root, such as "
                         f"/faq/refund/ (at most {MAX_PAGE} characters)")
    parts = urllib.parse.urlsplit(value.strip())
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        raise UsageError("page must be the page's path under the site root, such as "
                         "/faq/refund/, without a host, query or fragment")
    path = urllib.parse.unquote(parts.path).lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    segments = path.split("/")[:-1] if path.endswith("/") else path.split("/")
    if path and any(s in ("", ".", "..") or "\\" in s or "\x00" in s for s in segments):
        raise UsageError("page must be the page's path under the site root, such as "
                         "/faq/refund/")
    if path and not path.endswith("/"):
        path += "/"
    return "/" + path
