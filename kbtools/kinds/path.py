"""Onboarding paths: level, ordered stages of steps and checkpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ParseContext

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

FIELDS = frozenset({"level", "stages"})


def parse(ctx: ParseContext):
    return None


def validate(kb: KnowledgeBase):
    return []
