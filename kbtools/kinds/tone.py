"""Tone guidelines: prose for people, plus optional checkable ``rules``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ParseContext

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

FIELDS = frozenset({"rules"})


def parse(ctx: ParseContext):
    rules = ctx.data.get("rules")
    if rules is not None and not isinstance(rules, list):
        ctx.error("rules", "tone.rules", "rules must be a list of rule mappings")
        return None
    return tuple(rules or ())


def validate(kb: KnowledgeBase):
    return []
