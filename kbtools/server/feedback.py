"""``POST /api/feedback`` on ``kb serve --public``: the site's "Was this helpful?" votes.

The body is one JSON object of at most :data:`MAX_BODY_BYTES`, with exactly
``{"page": "/faq/refund/", "lang": "en", "helpful": true}``: ``page`` a page of the public site
being served (its URL under the site root; a page that is not one is 400), ``lang`` one of the
knowledge base's languages, ``helpful`` true or false. A vote is answered 204 once it is in
the vote log (:mod:`kbtools.feedback.votes`), with the repo path of the article that page
shows; 503 when it could not be written.

Like the search box's events, votes come from the site's own pages only (403), as JSON (415),
through the Host check and with the security headers of every route. The server takes at most
:data:`VOTES_PER_MINUTE` votes a minute in all (429 after that): a help center's readers vote
far less often, and a script that votes in a loop can neither fill the disk (the log is
rotated at a fixed size as well) nor drown the real votes for long.
"""

from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kbtools.errors import StateError, UsageError
from kbtools.feedback import page_paths, record
from kbtools.feedback.pages import normalize_page
from kbtools.server.api import error, own_json_body

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

MAX_BODY_BYTES = 1024
VOTES_PER_MINUTE = 120
FIELDS = ("page", "lang", "helpful")


class VoteLimit:
    """At most ``limit`` votes in any ``window`` seconds (thread-safe)."""

    def __init__(self, limit: int = VOTES_PER_MINUTE, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._times: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """True, and counted, when one more vote fits in the window."""
        now = time.monotonic()
        with self._lock:
            while self._times and now - self._times[0] >= self.window:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return False
            self._times.append(now)
            return True


def parse_vote(body: bytes, languages: tuple[str, ...]) -> tuple[str, str, bool]:
    """``(page, lang, helpful)`` from a request body, the page normalised
    (:func:`~kbtools.feedback.pages.normalize_page`); raises :class:`UsageError` saying what is
    wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UsageError("the body must be a JSON object such as "
                         '{"page": "/faq/refund/", "lang": "en", "helpful": true}') from None
    if not isinstance(data, dict):
        raise UsageError("the body must be a JSON object such as "
                         '{"page": "/faq/refund/", "lang": "en", "helpful": true}')
    unknown = sorted(set(data) - set(FIELDS))
    missing = [name for name in FIELDS if name not in data]
    if unknown or missing:
        problem = (f"unknown field {', '.join(unknown)}" if unknown
                   else f"missing field {', '.join(missing)}")
        raise UsageError(f"{problem} (a vote has exactly {', '.join(FIELDS)})")
    lang, helpful = data["lang"], data["helpful"]
    if lang not in languages:
        raise UsageError(f"lang must be one of this site's languages ({', '.join(languages)}), "
                         f"got {str(lang)[:20]!r}")
    if not isinstance(helpful, bool):
        raise UsageError("helpful must be true or false")
    return normalize_page(data["page"]), lang, helpful


class FeedbackApi:
    """The vote endpoint for the public site in ``site_dir``; ``is_page`` says whether an HTML
    page's text belongs to the public site."""

    def __init__(self, kb: KnowledgeBase, site_dir: Path | None,
                 is_page: Callable[[str], bool], limit: VoteLimit | None = None) -> None:
        self.kb = kb
        self.folder = Path(site_dir).resolve() if site_dir else None
        self.is_page = is_page
        self.limit = limit or VoteLimit()
        self.state_dir = kb.root / kb.config.state_dir
        self._paths: dict[str, str] | None = None

    async def vote(self, request: Request) -> Response:
        body = await own_json_body(request, MAX_BODY_BYTES, "votes")
        if isinstance(body, Response):
            return body
        try:
            page, lang, helpful = parse_vote(body, self.kb.config.languages)
        except UsageError as exc:
            return error(400, str(exc))
        return await run_in_threadpool(self._record, page, lang, helpful)

    def _record(self, page: str, lang: str, helpful: bool) -> Response:
        if not self._is_site_page(page):
            return error(400, f"page {page} is not a page of this site: send the path under "
                              "the site root of the page voted on, such as /faq/refund/")
        if not self.limit.allow():
            return error(429, "too many votes right now; try again in a minute")
        if self._paths is None:
            self._paths = page_paths(self.kb)
        try:
            record(self.state_dir, page=page, path=self._paths.get(page), lang=lang,
                   helpful=helpful)
        except StateError:  # the path and cause are the operator's business, not the reader's
            return error(503, "the vote could not be recorded; try again later")
        return Response(status_code=204, headers={"cache-control": "no-store"})

    def _is_site_page(self, page: str) -> bool:
        if self.folder is None:
            return False
        file = (self.folder / page.lstrip("/") / "index.html").resolve()
        if self.folder not in file.parents or not file.is_file():
            return False
        try:
            return self.is_page(file.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return False
