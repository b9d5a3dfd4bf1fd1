"""Links, images and heading anchors in markdown bodies, resolved to repo paths.

Shared by the stale report (broken links), the public site (no public page may link to an
internal one) and search (headings). Code blocks are skipped: a link shown as an example is
not a link.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from kbtools.content.model import Article

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"(!?)\[(?:[^\]\[]++|\[[^\]]*+\])*+\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_HTML_SRC = re.compile(r"""<(?:img|a)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", re.I)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\{\s*#([\w-]+)[^}]*\}\s*$")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


@dataclass(frozen=True, slots=True)
class Link:
    """A link in ``article`` at ``line``: ``target`` as written, resolved to ``path``/``anchor``.

    ``path`` is repo-relative (None for external links and pure ``#anchor`` links, whose
    anchor refers to the article itself).
    """

    line: int
    target: str
    path: str | None
    anchor: str | None
    image: bool
    external: bool


def links(article: Article) -> list[Link]:
    """Every link and image in ``article``'s body, in order."""
    return _links(article.path, article.body, article.body_line)


def headings(article: Article) -> list[tuple[int, int, str, str]]:
    """``(line, level, text, anchor)`` for each heading, anchors as MkDocs makes them."""
    return list(_headings(article.body, article.body_line))


def anchors(article: Article) -> frozenset[str]:
    return frozenset(anchor for _, _, _, anchor in _headings(article.body, article.body_line))


def slugify(text: str) -> str:
    """Python-Markdown's default ``toc`` slug: what MkDocs uses for heading ids."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _prose_lines(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    fence = None
    for number, line in enumerate(body.split("\n"), first_line):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        yield number, line


def _headings(body: str, first_line: int):
    seen: dict[str, int] = {}
    for number, line in _prose_lines(body, first_line):
        match = _HEADING.match(line)
        if not match:
            continue
        text = match.group(2)
        custom = _ATTR_ID.search(text)
        if custom:
            anchor = custom.group(1)
            text = text[: custom.start()].strip()
        else:
            anchor = _slug_unique(slugify(_plain(text)), seen)
        yield number, len(match.group(1)), text, anchor


_IDCOUNT = re.compile(r"^(.*)_([0-9]+)$")


def _slug_unique(slug: str, seen: dict[str, int]) -> str:
    """Python-Markdown's ``toc.unique``: ``x``, ``x_1``, ``x_2``; an empty slug (a heading
    with no Latin letters) becomes ``_1``, ``_2``, ... as in the built site."""
    while slug in seen or not slug:
        match = _IDCOUNT.match(slug)
        slug = f"{match.group(1)}_{int(match.group(2)) + 1}" if match else f"{slug}_1"
    seen[slug] = 0
    return slug


def _plain(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]", "", text)


@lru_cache(maxsize=4096)
def _resolve(base_dir: str, target: str) -> tuple[str | None, str | None, bool]:
    if _EXTERNAL.match(target) or target.startswith("//"):
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


def _links(path: str, body: str, first_line: int) -> list[Link]:
    base_dir = posixpath.dirname(path)
    found = []
    for number, line in _prose_lines(body, first_line):
        if "](" not in line and "]:" not in line and "<" not in line:
            continue
        stripped = _INLINE_CODE.sub("", line)
        targets = [(m.group(2), bool(m.group(1))) for m in _LINK.finditer(stripped)]
        ref = _REFDEF.match(stripped)
        if ref:
            targets.append((ref.group(1), False))
        targets += [(m.group(1), m.group(0).lower().startswith("<img")) for m in _HTML_SRC.finditer(stripped)]
        for target, image in targets:
            resolved, anchor, external = _resolve(base_dir, target)
            found.append(Link(number, target, resolved, anchor, image, external))
    return found
