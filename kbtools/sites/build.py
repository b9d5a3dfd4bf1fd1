"""``kb build``: build the internal and the public site, each atomically into its folder."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.exceptions import MkDocsException

from kbtools import atomic
from kbtools.content.check import check
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.diagnostics import Finding, error
from kbtools.errors import ContentError, UsageError
from kbtools.sites.context import SiteContext, prepare
from kbtools.sites.mkconfig import (
    MKDOCS_PLUGIN,
    config_file,
    load_site_config,
    read_raw,
    site_name,
)
from kbtools.sites.site import SITES, Site


class SiteBuildError(ContentError):
    """MkDocs refused the site (warnings in strict mode, a broken page). ``findings`` has one
    ``site.mkdocs`` finding per thing it said (at the page it names, staged paths turned back
    into repo paths); ``warnings`` the same messages as text."""

    def __init__(self, message: str, findings: list | None = None,
                 warnings: Iterable[str] = ()) -> None:
        super().__init__(message, findings)
        self.warnings = list(warnings)


@dataclass(frozen=True)
class SiteReport:
    """One built site."""

    site: str
    out: Path
    pages: int
    """HTML pages written, every language included."""
    seconds: float
    bytes: int
    """Total size of the output folder."""
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["out"] = str(self.out)
        return data


@dataclass(frozen=True)
class BuildReport:
    sites: tuple[SiteReport, ...] = field(default_factory=tuple)

    def __getitem__(self, name: str) -> SiteReport:
        for report in self.sites:
            if report.site == name:
                return report
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"sites": [s.to_dict() for s in self.sites]}


def build(kb: KnowledgeBase, which: Iterable[str] = ("internal", "public"), *,
          out: Path | str | None = None) -> BuildReport:
    """Build the sites named in ``which`` into ``out/site`` and ``out/site-public``
    (``out`` defaults to the KB root). Each folder is replaced only when its build succeeded.

    Raises :class:`ContentError` with the blocking findings (``kb check`` errors in the
    site's pages, public links to internal pages, macro errors with page and line) and
    :class:`SiteBuildError` when MkDocs warns (strict) or fails; :class:`UsageError` for an
    unknown site name.
    """
    names = tuple(dict.fromkeys(which))
    unknown = [n for n in names if n not in SITES]
    if unknown or not names:
        raise UsageError(f"unknown site {', '.join(unknown) or '(none)'} "
                         f"(expected {' or '.join(SITES)})")
    base = Path(out) if out is not None else kb.root
    findings = check(kb).findings
    raw = read_raw(kb)
    return BuildReport(tuple(
        build_site(kb, SITES[name], raw, findings, base / SITES[name].out) for name in names))


def build_site(kb: KnowledgeBase, site: Site, raw: dict, findings: tuple[Finding, ...],
               target: Path) -> SiteReport:
    """Stage, check and build one site into ``target`` (atomically)."""
    start = time.perf_counter()
    context = prepare(kb, site, site_name=site_name(raw, site), check_findings=findings)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    temp.chmod(0o755)  # a site folder is served: not mkdtemp's private 0700
    collector = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_site_config(kb, site, raw, docs_dir=context.staged.docs_dir, site_dir=temp)
        config.plugins[MKDOCS_PLUGIN].use(context)
        mkdocs_build(config)
    except (MkDocsException, ContentError) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        _raise_failure(context, exc, collector.messages)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    finally:
        logger.removeHandler(collector)
        shutil.rmtree(context.staged.docs_dir, ignore_errors=True)
    atomic.replace_dir(temp, target)
    pages, size = _measure(target)
    return SiteReport(site.name, target, pages, round(time.perf_counter() - start, 3), size,
                      tuple(_repo_paths(context, m) for m in collector.messages))


def _raise_failure(context: SiteContext, exc: Exception, messages: list[str]) -> None:
    if context.failures:
        raise ContentError(f"the {context.site.name} site was not built: "
                           f"{len(context.failures)} error(s) while rendering pages",
                           context.failures) from None
    said = list(dict.fromkeys(messages)) or [str(exc)]  # i18n builds a page once per language
    raise SiteBuildError(f"the {context.site.name} site was not built: MkDocs reported "
                         f"{len(said)} problem(s) (strict mode)",
                         [_mkdocs_finding(context, m) for m in said],
                         warnings=[_repo_paths(context, m) for m in said]) from None


_QUOTED = re.compile(r"'([^']+\.md)'")


def _repo_paths(context: SiteContext, message: str) -> str:
    """Name repo files instead of staged ones in a MkDocs message."""
    def repl(match: re.Match) -> str:
        article = context.staged.article_at(match.group(1))
        return f"'{article.path}'" if article else match.group(0)

    return _QUOTED.sub(repl, message)


def _mkdocs_finding(context: SiteContext, message: str) -> Finding:
    """What MkDocs said, as a finding at the page it names (else at the MkDocs settings)."""
    articles = (context.staged.article_at(m) for m in _QUOTED.findall(message))
    article = next((a for a in articles if a is not None), None)
    path = article.path if article is not None else config_file(context.kb).name
    return error(path, 0, "site.mkdocs", f"MkDocs: {_repo_paths(context, message)}")


def _measure(folder: Path) -> tuple[int, int]:
    pages = size = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            size += os.path.getsize(os.path.join(dirpath, name))
            pages += name.endswith(".html")
    return pages, size


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
