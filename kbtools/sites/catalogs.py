"""Translation catalogs as the sites use them, and their check for ``kb check``.

The reader (kb's own strings in ``kbtools/sites/strings/<lang>.yml``, the knowledge base's in
``<catalogs_dir>/<lang>.yml``, fallbacks to the default language, then kb's English) lives in
:mod:`kbtools.content.catalogs` and is re-exported here. :func:`catalog_findings` reports, for
``kb check``, every key of the default language that a configured language lacks.
"""

from __future__ import annotations

from collections.abc import Iterator

from kbtools.content.catalogs import (
    PACKAGE_STRINGS,
    RTL_LANGUAGES,
    SOURCE_LANGUAGE,
    Catalog,
    CatalogFile,
    catalog,
    direction,
    kb_catalog,
    kb_catalog_path,
    package_catalog,
    read_catalog,
)
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.diagnostics import Finding, error

__all__ = ["PACKAGE_STRINGS", "RTL_LANGUAGES", "SOURCE_LANGUAGE", "Catalog", "CatalogFile",
           "catalog", "catalog_findings", "direction", "kb_catalog", "kb_catalog_path",
           "package_catalog", "read_catalog"]


def catalog_findings(kb: KnowledgeBase) -> Iterator[Finding]:
    """``kb check``'s catalog problems: unreadable catalogs, values that are not text, and
    every string of the default language (kb's own and the KB's) that a configured language
    has in neither catalog (``catalog.missing``, at the line where it belongs in that
    language's file, 1 if the file is missing). Nothing when the KB has no catalogs folder."""
    folder = kb.config.path(kb.config.catalogs_dir.strip("/"))
    if not folder.is_dir():
        return
    default = kb.config.default_language
    source = kb_catalog(kb, default)
    yield from source.findings
    wanted = list(dict.fromkeys([*package_catalog(SOURCE_LANGUAGE).strings, *source.strings]))
    for lang in kb.config.languages:
        own = kb_catalog(kb, lang)
        if lang != default:
            yield from own.findings
        if lang == default:
            continue
        have = set(own.strings) | set(package_catalog(lang).strings)
        for position, key in enumerate(wanted):
            if key not in have:
                yield error(own.path, _place(own, key, wanted[:position]), "catalog.missing",
                            f"no {lang} text for {key!r} (the {default} one is "
                            f"{catalog(kb, default).text(key)!r}); add it to {own.path}")


def _place(file: CatalogFile, key: str, before: list[str]) -> int:
    """Where ``key`` belongs in ``file``: after the nearest earlier key it has, else at its
    parent, else line 1."""
    if not file.exists:
        return 1
    for previous in reversed(before):
        if previous in file.lines and previous.rpartition(".")[0] == key.rpartition(".")[0]:
            return file.lines[previous] + 1
    parent = key.rpartition(".")[0]
    while parent:
        if parent in file.lines:
            return file.lines[parent]
        parent = parent.rpartition(".")[0]
    return 1
