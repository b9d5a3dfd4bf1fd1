"""Translation verdicts from the content model alone (content hashes, no git).

``kbtools.translations`` adds git history (how far behind, what changed); the sites and the
stale report only need the verdict, which the pinned source hash decides. Verdicts never look
at file or commit dates: a translation is current when the source's substance (its
:func:`~kbtools.model.content_hash`) is the one the translation was made from.
"""

from __future__ import annotations

from kbtools.content.model import Article

CURRENT, OUTDATED, MISSING, ORPHANED, UNTRACKED, SKIPPED = (
    "current", "outdated", "missing", "orphaned", "untracked", "skipped")
STATUSES = (CURRENT, OUTDATED, MISSING, ORPHANED, UNTRACKED, SKIPPED)
"""Every verdict, from best to worst kept; ``skipped`` is a file that is no article (or whose
source is none), with the reason."""
EXPECTED = (CURRENT, OUTDATED, MISSING, UNTRACKED)
"""The verdicts of the translations that should exist: the denominator of "% current"
(orphaned translations have no source; skipped files are no article)."""


def percent_current(counts) -> float:
    """The one definition of "% current": current translations over the expected ones
    (:data:`EXPECTED`, so a missing translation counts against it), 100 when none is expected."""
    expected = sum(counts.get(s, 0) for s in EXPECTED)
    return round(100 * counts.get(CURRENT, 0) / expected, 1) if expected else 100.0


def verdict(translation: Article, source: Article | None, pinned_hash: str | None = None) -> str:
    """``current``/``outdated``/``untracked``/``orphaned`` for one translation.

    The translation's pinned ``source_hash`` is compared with the source's content hash.
    ``pinned_hash`` stands in for a pin that records only a commit (MDN's
    ``l10n.sourceCommit``): the caller (:mod:`kbtools.translations`) hashes the source as it
    was at that commit. Without either, the translation is ``untracked``.
    """
    if source is None:
        return ORPHANED
    pin = translation.pin
    pinned = (pin.source_hash if pin is not None else None) or pinned_hash
    if not pinned:
        return UNTRACKED
    return CURRENT if pinned == source.content_hash else OUTDATED
