"""Kinds of article: which folder makes which kind, and each kind's own metadata.

A kind module declares the front-matter fields it adds (``FIELDS``), a ``parse(ctx)`` that
turns them into a typed object (or reports findings), and optionally ``validate(kb)``, the
cross-article checks ``kb check`` runs (contacts exist, placeholders match, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbtools.content.yamldoc import YAMLDoc
from kbtools.diagnostics import Finding, error, warning

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase


@dataclass
class ParseContext:
    """What a kind's ``parse`` gets: the article's path, front matter and a findings list."""

    path: str
    meta: YAMLDoc
    body: str
    body_line: int
    is_translation: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def data(self) -> Mapping:
        return self.meta.data  # type: ignore[return-value]

    def error(self, key: str, code: str, message: str) -> None:
        self.findings.append(error(self.path, self.meta.line_of(key, 1), code, message))

    def warning(self, key: str, code: str, message: str) -> None:
        self.findings.append(warning(self.path, self.meta.line_of(key, 1), code, message))


@dataclass(frozen=True)
class KindSpec:
    name: str
    folder: str | None
    fields: frozenset[str] = frozenset()
    parse: Callable[[ParseContext], object | None] | None = None
    validate: Callable[[KnowledgeBase], Iterable[Finding]] | None = None


def _specs() -> dict[str, KindSpec]:
    from kbtools.onboarding import kind as path_kind
    from kbtools.playbooks import kind as playbook
    from kbtools.scripts import kind as script
    from kbtools.scripts import tone

    return {
        "playbook": KindSpec("playbook", "playbooks/", playbook.FIELDS, playbook.parse,
                             playbook.validate),
        "faq": KindSpec("faq", "docs/faq/"),
        "script": KindSpec("script", "docs/scripts/", script.FIELDS, script.parse, script.validate),
        "tone": KindSpec("tone", "docs/tone/", tone.FIELDS, tone.parse, tone.validate),
        "path": KindSpec("path", "docs/onboarding/", path_kind.FIELDS, path_kind.parse,
                         path_kind.validate),
        "article": KindSpec("article", None),
    }


_REGISTRY: dict[str, KindSpec] = {}


def kinds() -> dict[str, KindSpec]:
    """All kind specs by name (built on first use, so kind modules may import the model)."""
    if not _REGISTRY:
        _REGISTRY.update(_specs())
    return _REGISTRY


def kind_of(source_path: str) -> str | None:
    """Kind of the article at repo-relative ``source_path``; None if it is no article."""
    for spec in kinds().values():
        if spec.folder and source_path.startswith(spec.folder):
            return spec.name
    return "article" if source_path.startswith("docs/") else None
