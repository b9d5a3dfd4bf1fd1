"""Answer scripts: replies an agent pastes, with declared placeholders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import ParseContext

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

CHANNELS = ("email", "chat", "phone")
FIELDS = frozenset({"channel", "situation", "tone", "use_when", "placeholders"})


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str
    description: str
    fallback: str | None = None
    line: int = 0

    @property
    def required(self) -> bool:
        return self.fallback is None


@dataclass(frozen=True, slots=True)
class ScriptMeta:
    channel: str | None
    situation: str | None
    tone: str | None
    use_when: str | None
    placeholders: Mapping[str, Placeholder] = field(default_factory=dict)


def parse(ctx: ParseContext) -> ScriptMeta:
    data = ctx.data
    channel = data.get("channel")
    if channel is not None and channel not in CHANNELS:
        ctx.error("channel", "script.channel",
                  f"unknown channel {channel!r} (expected {'|'.join(CHANNELS)})")
    elif channel is None and not ctx.is_translation:
        ctx.error("title", "script.channel", f"missing channel (expected {'|'.join(CHANNELS)})")
    texts = {}
    for key in ("situation", "tone", "use_when"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            ctx.error(key, "meta.type", f"{key} must be text, got {value!r}")
            value = None
        texts[key] = value
    placeholders = {}
    raw = data.get("placeholders") or {}
    if not isinstance(raw, dict):
        ctx.error("placeholders", "script.placeholders",
                  "placeholders must map names to {description, fallback}")
        raw = {}
    for name, info in raw.items():
        key = f"placeholders.{name}"
        if not str(name).isidentifier():
            ctx.error(key, "script.placeholder-name",
                      f"placeholder name {name!r} must be letters, digits and _")
            continue
        if info is None:
            info = {}
        if not isinstance(info, dict) or set(info) - {"description", "fallback"}:
            ctx.error(key, "script.placeholders",
                      f"placeholder {name}: expected {{description: ..., fallback: ...}}")
            continue
        fallback = info.get("fallback")
        placeholders[name] = Placeholder(
            name, str(info.get("description", "")),
            None if fallback is None else str(fallback), ctx.meta.line_of(key, 1))
    return ScriptMeta(channel, texts["situation"], texts["tone"], texts["use_when"], placeholders)


def validate(kb: KnowledgeBase):
    """Placeholder guard lives in kbtools.scripts once answer-script tooling exists."""
    return []
