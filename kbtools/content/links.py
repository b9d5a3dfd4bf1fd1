"""Links, images and heading anchors in markdown bodies, resolved to repo paths.

Shared by the stale report (broken links), the public site (no public page may link to an
internal one, links rewritten to the site's layout) and search (headings). Everything comes
from the one Markdown reader (:mod:`kbtools.content.markdown`): a link shown inside code is
not a link, and anchors are the ids the site renders. Each function takes the knowledge
base's :class:`~kbtools.content.bodycache.BodyCache` (``kb.bodies``) when the caller has one:
bodies read in an earlier run are then not read again.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache

from kbtools.content.bodycache import BodyCache
from kbtools.content.markdown import outline
from kbtools.content.model import Article

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


@dataclass(frozen=True, slots=True)
class Link:
    """A link in ``article`` at ``line``: ``target`` as written, resolved to ``path``/``anchor``.

    ``path`` is repo-relative (None for external links and pure ``#anchor`` links, whose
    anchor refers to the article itself). ``start``/``end`` are where ``target`` is written in
    the text that was read (a reference-style link's target is in its definition).
    """

    line: int
    target: str
    path: str | None
    anchor: str | None
    image: bool
    external: bool
    start: int = 0
    end: int = 0
    kind: str = "inline"
    """How it is written: ``inline``, ``reference``, ``autolink`` or ``html`` (raw HTML)."""


def links(article: Article, bodies: BodyCache | None = None) -> list[Link]:
    """Every link and image in ``article``'s body, in order."""
    return links_in(article.path, article.body, article.body_line, bodies)


def links_in(path: str, text: str, first_line: int = 1,
             bodies: BodyCache | None = None) -> list[Link]:
    """Every link and image in ``text``, the body of the file at repo path ``path`` whose
    first line is file line ``first_line``."""
    base_dir = posixpath.dirname(path)
    written = outline(text, first_line).links if bodies is None else bodies.links(text, first_line)
    found = []
    for link in written:
        resolved, anchor, external = _resolve(base_dir, link.target)
        found.append(Link(link.line, link.target, resolved, anchor, link.image, external,
                          link.start, link.end, link.kind))
    return found


def headings(article: Article,
             bodies: BodyCache | None = None) -> list[tuple[int, int, str, str]]:
    """``(line, level, text, anchor)`` for each heading, anchors as the site makes them."""
    found = (outline if bodies is None else bodies.outline)(article.body, article.body_line)
    return [(h.line, h.level, h.text, h.id) for h in found.headings]


def anchors(article: Article, bodies: BodyCache | None = None) -> frozenset[str]:
    """Every id on ``article``'s page a ``#fragment`` can point to."""
    if bodies is None:
        return outline(article.body, article.body_line).ids
    return bodies.ids(article.body, article.body_line)


@lru_cache(maxsize=4096)
def _resolve(base_dir: str, target: str) -> tuple[str | None, str | None, bool]:
    if _SCHEME.match(target) or target.startswith("//"):
        return None, None, True
    path_part, _, anchor = target.partition("#")
    path_part = path_part.split("?")[0]
    if not path_part:
        return None, anchor or None, False
    if path_part.startswith("/"):
        resolved = posixpath.normpath("docs" + path_part)
    else:
        resolved = posixpath.normpath(posixpath.join(base_dir, path_part))
    return resolved, anchor or None, False
