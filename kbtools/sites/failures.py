"""What MkDocs refused, as findings: its warnings at the page and line they name (staged
paths turned back into the repository's), each once, for :func:`kbtools.sites.build`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from kbtools.diagnostics import Finding, error
from kbtools.errors import ContentError
from kbtools.sites.context import SiteContext
from kbtools.sites.mkconfig import config_file


class SiteBuildError(ContentError):
    """MkDocs refused the site (warnings in strict mode, a broken page). ``findings`` has one
    ``site.mkdocs`` finding per thing it said (at the page it names, staged paths turned back
    into repo paths); ``warnings`` the same messages as text."""

    def __init__(self, message: str, findings: list | None = None,
                 warnings: Iterable[str] = ()) -> None:
        super().__init__(message, findings)
        self.warnings = list(warnings)


def raise_failure(context: SiteContext, exc: Exception, messages: list[str]) -> None:
    if context.failures:
        raise ContentError(f"the {context.site.name} site was not built: "
                           f"{len(context.failures)} error(s) while rendering pages",
                           context.failures) from None
    said = list(dict.fromkeys(messages)) or [str(exc)]  # i18n builds a page once per language
    raise SiteBuildError(f"the {context.site.name} site was not built: MkDocs reported "
                         f"{len(said)} problem(s) (strict mode)",
                         [_mkdocs_finding(context, m) for m in said],
                         warnings=[repo_paths(context, m) for m in said]) from None


_QUOTED = re.compile(r"'([^']+\.md)'")


def repo_paths(context: SiteContext, message: str) -> str:
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
    line = _link_line(article, message) if article is not None else 0
    return error(path, line, "site.mkdocs", f"MkDocs: {repo_paths(context, message)}")


_LINK_IN_MESSAGE = re.compile(r"(?:link|image|anchor) '([^']+)'")


def _link_line(article, message: str) -> int:
    """The file line of the link a MkDocs warning names (``contains a link 'x.md'``), or 0."""
    match = _LINK_IN_MESSAGE.search(message)
    if not match:
        return 0
    target = match.group(1)
    for number, text in enumerate(article.body.split("\n")):
        if f"({target}" in text or f"<{target}" in text or f"]: {target}" in text \
                or f'"{target}"' in text:
            return article.body_line + number
    return 0


class Warnings(logging.Handler):
    """The messages MkDocs logs at warning level or above, as they come."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
