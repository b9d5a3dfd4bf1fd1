"""``kb review``: record that a person checked an article, editing only two front-matter fields.

The file is edited in place, not re-serialised (:func:`kbtools.content.frontmatter.set_front_matter`):
only the values of ``reviewed`` and ``reviewed_by`` are replaced (or, when missing, one line
each is added). Comments, key order, quoting, flow lists, line endings and the body stay
byte-for-byte as they were, so a translation's verdict (a hash of the body) and the git diff
a reviewer sees are exactly the two changed fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kbtools import atomic, clock
from kbtools.content import frontmatter
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.errors import ContentError, NotFoundError, UsageError

# Where a missing field is added: after the first of these keys that exists, else at the end.
_PLACE_AFTER = {"reviewed": ("owner", "audience", "title"), "reviewed_by": ("reviewed",)}


@dataclass(frozen=True, slots=True)
class ReviewResult:
    """One reviewed file: the new values, the previous ones, and whether the file changed."""

    path: str
    reviewed: date
    reviewed_by: str
    previous: date | None
    previous_by: str | None
    changed: bool


def review(kb: KnowledgeBase, paths: Sequence[str], *, by: str | None = None,
           as_of: str | date | None = None, cwd: Path | None = None) -> list[ReviewResult]:
    """Set ``reviewed`` (today, or ``as_of``) and ``reviewed_by`` in each article of ``paths``.

    ``by`` must be an active person in the owners file; without it the reviewer is the article's
    responsible owner. Every path is checked and every new text prepared before any file is
    written, so a bad path or handle changes nothing. Raises :class:`NotFoundError` (no such
    article), :class:`UsageError` (bad handle) or :class:`ContentError` (front matter that
    cannot be edited safely).
    """
    today = clock.today(as_of)
    if by is not None:
        _check_reviewer(kb, by)
    plans = []
    for raw in paths:
        article = find_article(kb, raw, cwd)
        reviewer = by or _default_reviewer(kb, article)
        file = kb.root / article.path
        original = file.read_bytes()
        updated = set_fields(original.decode("utf-8"),
                             {"reviewed": today.isoformat(), "reviewed_by": reviewer},
                             path=article.path)
        data = updated.encode("utf-8")
        plans.append((file, data, data != original,
                      ReviewResult(article.path, today, reviewer, article.reviewed,
                                   article.reviewed_by, data != original)))
    for file, data, changed, _ in plans:
        if changed:
            atomic.write_bytes(file, data)
    return [plan[3] for plan in plans]


def find_article(kb: KnowledgeBase, raw: str, cwd: Path | None = None) -> Article:
    """The article at ``raw``: a path relative to the KB root, to ``cwd``, or absolute."""
    candidates = [raw.replace("\\", "/").removeprefix("./")]
    for base in filter(None, (cwd, Path.cwd())):
        absolute = (base / raw).resolve()
        if absolute.is_relative_to(kb.root):
            candidates.append(absolute.relative_to(kb.root).as_posix())
    for candidate in candidates:
        article = kb.corpus.get(candidate)
        if article is not None:
            return article
    if (kb.root / candidates[-1]).is_file() and candidates[-1].endswith(".md"):
        raise NotFoundError(f"{candidates[-1]}: the file could not be loaded; "
                            "run `kb check` to see why, fix it, then review it")
    raise NotFoundError(f"{raw}: no such article (give a path such as docs/faq/refund.md)")


def _check_reviewer(kb: KnowledgeBase, handle: str) -> None:
    owners = kb.owners
    if handle in owners.teams:
        raise UsageError(f"--by: {handle!r} is a team; a review is done by a person "
                         f"(one of {', '.join(sorted(owners.people)) or 'nobody'})")
    person = owners.people.get(handle)
    if person is None:
        raise UsageError(f"--by: unknown handle {handle!r}: declare it in "
                         f"{kb.config.owners_file} or fix the spelling")
    if not person.active:
        raise UsageError(f"--by: {handle!r} is marked inactive in {kb.config.owners_file}")


def _default_reviewer(kb: KnowledgeBase, article: Article) -> str:
    handle = kb.owners.responsible(article.owner)
    if handle is None or handle not in kb.owners.people:
        raise UsageError(f"{article.path}: no owner who could have reviewed it; "
                         "say who did with --by HANDLE")
    return handle


def set_fields(text: str, changes: Mapping[str, str], *, path: str) -> str:
    """Return ``text`` (a markdown file) with top-level front-matter ``changes`` applied.

    Only the changed values (or one added line per missing key, ``reviewed`` after the owner,
    ``reviewed_by`` after ``reviewed``) differ from ``text``. Raises :class:`ContentError`
    naming ``path`` and the line when the front matter cannot be edited this way.
    """
    try:
        return frontmatter.set_front_matter(text, changes, after=_PLACE_AFTER)
    except frontmatter.EditError as exc:
        raise ContentError(f"{path}:{exc.line}: {exc}") from None
