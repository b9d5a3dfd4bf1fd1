"""Translation verdicts from the content model alone (content hashes, no git).

``kbtools.translations`` adds git history (how far behind, what changed); the sites and the
stale report only need the verdict, which the pinned source hash decides.
"""

from __future__ import annotations

from .model import Article

CURRENT, OUTDATED, UNTRACKED, ORPHANED = "current", "outdated", "untracked", "orphaned"


def verdict(translation: Article, source: Article | None) -> str:
    """``current``/``outdated``/``untracked``/``orphaned`` for one translation."""
    if source is None:
        return ORPHANED
    pin = translation.pin
    if pin is None or not pin.source_hash:
        return UNTRACKED
    return CURRENT if pin.source_hash == source.content_hash else OUTDATED
