"""Answer scripts: replies an agent pastes, with declared placeholders."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jinja2 import TemplateSyntaxError, nodes

from kbtools.content.kinds import ParseContext
from kbtools.content.macros import Macros, has_macros
from kbtools.content.model import KindMeta
from kbtools.diagnostics import Finding, error, warning

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.model import Article

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
class ScriptMeta(KindMeta):
    channel: str | None
    situation: str | None
    tone: str | None
    use_when: str | None
    placeholders: Mapping[str, Placeholder] = field(default_factory=dict)


INTENTS = ("reply", "replies", "template", "reply template", "macro", "canned", "canned reply",
           "script", "answer script", "what do i tell", "what to tell", "what do i say",
           "what should i say", "how do i respond", "respond", "response", "wording", "email back",
           "write back")
"""How agents ask for an answer script rather than an explanation (search intents)."""


def placeholder_names(meta: KindMeta) -> tuple[str, ...]:
    """The placeholders a script declares: names its body may use besides the facts."""
    return tuple(meta.placeholders) if isinstance(meta, ScriptMeta) else ()


def summary(meta: KindMeta) -> list[str]:
    """When to use the script: its use-when and situation (indexed for search)."""
    if not isinstance(meta, ScriptMeta):
        return []
    return [text for text in (meta.use_when, meta.situation) if text]


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


def names_used(macros: Macros, body: str) -> dict[str, int]:
    """Free names ``body`` reads (placeholders and fact namespaces), each with the
    1-based body line of its first use. A body with a syntax error uses nothing here
    (``kb check`` reports the syntax error itself)."""
    if not has_macros(body):
        return {}
    try:
        tree = macros.env.parse(body)
    except TemplateSyntaxError:
        return {}
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    used: dict[str, int] = {}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in local:
            line = used.get(node.name)
            used[node.name] = node.lineno if line is None else min(line, node.lineno)
    return used


def validate(kb: KnowledgeBase) -> Iterator[Finding]:
    """The placeholder guard: a translation declares and uses exactly its source's
    placeholders; a declared placeholder is used; none hides a fact namespace.

    A body using an undeclared name is reported by ``kb check``'s macro check
    (``macro.unknown`` at its line), which already knows the declared placeholders.
    """
    facts = set(kb.macros.names)
    for article in kb.corpus.of_kind("script"):
        meta = article.details_as(ScriptMeta)
        if meta is None:
            continue
        for name, placeholder in meta.placeholders.items():
            if name in facts:
                yield error(article.path, placeholder.line, "script.placeholder-name",
                            f"placeholder {name!r} hides the shared facts or macro {name!r}; "
                            "rename the placeholder")
        used = names_used(kb.macros, article.body)
        if article.is_translation:
            yield from _guard_translation(kb, article, meta, used)
        else:
            for name, placeholder in meta.placeholders.items():
                if name not in used:
                    yield warning(article.path, placeholder.line, "script.placeholder-unused",
                                  f"placeholder {name!r} is declared but the reply never uses "
                                  f"{{{{ {name} }}}}; use it or remove the declaration")


def _guard_translation(kb: KnowledgeBase, article: Article, meta: ScriptMeta,
                       used: dict[str, int]) -> Iterator[Finding]:
    source = kb.corpus.get(article.source or "")
    source_meta = source.details_as(ScriptMeta) if source is not None else None
    if source is None or source_meta is None:
        return
    declared, expected = meta.placeholders, source_meta.placeholders
    where = article.line_of("placeholders") if "placeholders" in article.lines \
        else article.line_of("title")
    for name in sorted(set(expected) - set(declared)):
        yield error(article.path, where, "script.placeholder-missing",
                    f"translation lacks placeholder {name!r} that its source declares at "
                    f"{source.path}:{expected[name].line}; declare it under placeholders: "
                    "with a translated description")
    for name in sorted(set(declared) - set(expected)):
        yield error(article.path, declared[name].line, "script.placeholder-extra",
                    f"translation declares placeholder {name!r}, which its source "
                    f"{source.path} does not; declare it in the source first or remove it")
    source_used = names_used(kb.macros, source.body)
    for name in sorted(set(source_used) & set(expected) - set(used)):
        line = declared[name].line if name in declared else where
        yield error(article.path, line, "script.placeholder-dropped",
                    f"the reply never uses {{{{ {name} }}}}, which the source uses at "
                    f"{source.path}:{source.body_line + source_used[name] - 1}; "
                    "the translated reply would lose it")
