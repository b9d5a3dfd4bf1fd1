"""Escalation playbooks: priority, triggers, tiers, the after-hours path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ParseContext

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

FIELDS = frozenset({"priority", "triggers", "tiers", "after_hours", "close_when",
                    "deescalate_when"})


def parse(ctx: ParseContext):
    return None


def validate(kb: KnowledgeBase):
    return []
