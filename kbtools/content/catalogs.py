"""Translation catalogs: the reader of every interface string the sites add, in the reader's
language.

Two layers, both YAML files translators edit (never Python or JavaScript literals):

- kb's own strings (banners, the help-center home, article footers, the feedback widget's
  labels, the onboarding widget), shipped in ``kbtools/sites/strings/<lang>.yml``;
- the knowledge base's strings (site name and description, category titles, tag labels),
  in ``<catalogs_dir>/<lang>.yml`` (``catalogs/`` by default, a ``kb.yml`` setting), which may
  also override any of kb's own.

Keys are dotted paths (``home.search_title``). A string missing in a language falls back to
the default language's (then to kb's English). The reader sits in the content layer so any
capability that renders pages (the sites, the onboarding pages) can ask it;
:mod:`kbtools.sites.catalogs` checks the catalogs for ``kb check``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kbtools.content import yamldoc
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.diagnostics import Finding, error

PACKAGE_STRINGS = Path(__file__).parents[1] / "sites" / "strings"
"""kb's own catalogs, one ``<lang>.yml`` per language it ships."""
SOURCE_LANGUAGE = "en"
"""The language kb's own strings are written in."""
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
"""Languages written right to left (Material lays their sites out right to left)."""


def direction(lang: str) -> str:
    """``rtl`` or ``ltr``: the writing direction of ``lang`` (``ar``, ``fa-IR`` ...)."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class CatalogFile:
    """One parsed catalog file: flat ``strings`` and the line of every key (and parent)."""

    path: str
    strings: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    exists: bool = True


@dataclass(frozen=True)
class Catalog:
    """The interface strings of one language, fallbacks resolved."""

    lang: str
    strings: Mapping[str, str]

    def text(self, key: str, **values: object) -> str:
        """The string at ``key`` with ``{name}`` placeholders filled from ``values``; the key
        itself when no catalog has it (so a gap shows, and ``kb check`` names it)."""
        text = self.strings.get(key, key)
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def get(self, key: str) -> str | None:
        return self.strings.get(key)

    def tag(self, tag: str) -> str:
        """A tag's label (``tags.<tag>``), else the tag as written."""
        return self.strings.get(f"tags.{tag}", tag)

    def section(self, prefix: str) -> dict[str, str]:
        """The strings under ``prefix.`` with the prefix removed (``feedback.*``)."""
        start = prefix + "."
        return {k[len(start):]: v for k, v in self.strings.items() if k.startswith(start)}


def read_catalog(file: Path, shown_as: str) -> CatalogFile:
    """Parse ``file`` (named ``shown_as`` in findings). A missing file is an empty catalog
    (``exists`` False); broken YAML or a value that is not text is a finding at its line."""
    if not file.is_file():
        return CatalogFile(shown_as, exists=False)
    try:
        doc = yamldoc.load_file(file)
    except yamldoc.YAMLSyntaxError as exc:
        return CatalogFile(shown_as, findings=(
            error(shown_as, exc.line, "catalog.yaml", str(exc)),))
    except (OSError, UnicodeDecodeError) as exc:
        return CatalogFile(shown_as, findings=(
            error(shown_as, 1, "catalog.yaml", f"cannot read: {exc}"),))
    if doc.data is None:
        return CatalogFile(shown_as, lines=doc.lines)
    if not isinstance(doc.data, dict):
        return CatalogFile(shown_as, findings=(
            error(shown_as, 1, "catalog.type", "expected a mapping of strings"),))
    strings: dict[str, str] = {}
    findings: list[Finding] = []
    for key, value in _flatten(doc.data, ""):
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            strings[key] = str(value)
        else:
            findings.append(error(shown_as, doc.line_of(key, 1), "catalog.type",
                                  f"{key} must be text, got {value!r}"))
    return CatalogFile(shown_as, strings, dict(doc.lines), tuple(findings))


def _flatten(data: Mapping, prefix: str) -> Iterator[tuple[str, object]]:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, dotted + ".")
        else:
            yield dotted, value


@cache
def package_catalog(lang: str) -> CatalogFile:
    """kb's own catalog for ``lang`` (empty when kb ships none)."""
    return read_catalog(PACKAGE_STRINGS / f"{lang}.yml", f"kbtools/sites/strings/{lang}.yml")


def kb_catalog_path(kb: KnowledgeBase, lang: str) -> tuple[Path, str]:
    """The knowledge base's catalog file for ``lang`` and its repo-relative name."""
    folder = kb.config.catalogs_dir.strip("/")
    return kb.config.path(folder) / f"{lang}.yml", f"{folder}/{lang}.yml"


def kb_catalog(kb: KnowledgeBase, lang: str) -> CatalogFile:
    file, shown = kb_catalog_path(kb, lang)
    return kb.memo.get(("catalog", lang), lambda: read_catalog(file, shown))


def catalog(kb: KnowledgeBase, lang: str) -> Catalog:
    """The interface strings for readers of ``lang``: the KB's catalog, then kb's own, then
    the same two for the default language, then kb's English."""
    def make() -> Catalog:
        default = kb.config.default_language
        layers = [package_catalog(SOURCE_LANGUAGE), package_catalog(default),
                  kb_catalog(kb, default), package_catalog(lang), kb_catalog(kb, lang)]
        merged: dict[str, str] = {}
        for layer in layers:
            merged.update(layer.strings)
        return Catalog(lang, merged)

    return kb.memo.get(("catalog-merged", lang), make)
