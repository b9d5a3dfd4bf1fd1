"""The kinds of article this package ships, declared in one place, and ``open_kb`` with them.

Each capability package owns its kind (metadata, checks, pages); this module only says which
folder makes which kind and which of the package's functions serve it. Adding a kind is one
:class:`~kbtools.content.kinds.Kind` entry here (or a registry of your own passed to
:func:`open_kb`). Front-ends (the CLI, the MkDocs plugin, the server) open knowledge bases
through :func:`open_kb`; the library below them takes the registry as ``kb.kinds``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kbtools.content.kinds import Kind, PageProvider, Registry
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.knowledge_base import open_kb as open_with
from kbtools.onboarding import kind as path_kind
from kbtools.onboarding import page as path_page
from kbtools.playbooks import kind as playbook_kind
from kbtools.playbooks import page as playbook_page
from kbtools.review import health
from kbtools.review.linkcheck import link_findings
from kbtools.scripts import kind as script_kind
from kbtools.scripts import replies, tone
from kbtools.sites.catalogs import catalog_findings
from kbtools.sites.helpcenter import category_findings
from kbtools.sites.selection import public_link_findings
from kbtools.translations import page as translation_pages

KINDS: tuple[Kind, ...] = (
    Kind("faq", "docs/faq/", "Frequently asked questions", cadence="180d", linted=True,
         fields=frozenset({"categories"}),  # an index's help-center topics (kbtools.sites)
         intents=("faq", "help center", "help article", "customer asks")),
    Kind("script", "docs/scripts/", "Answer scripts", cadence="120d",
         fields=script_kind.FIELDS, parse=script_kind.parse, validate=script_kind.validate,
         render=replies.render_page, linted=True, macro_names=script_kind.placeholder_names,
         summary=script_kind.summary, intents=script_kind.INTENTS),
    Kind("tone", "docs/tone/", "Tone guidelines", cadence="365d", fields=tone.FIELDS,
         parse=tone.parse, validate=tone.validate),
    Kind("path", "docs/onboarding/", "Onboarding paths", cadence="180d",
         fields=path_kind.FIELDS, parse=path_kind.parse, validate=path_kind.validate,
         render=path_page.render_page, render_lang=True, pages=path_page.index_pages),
    Kind("playbook", "playbooks/", "Escalation playbooks", cadence="90d",
         fields=playbook_kind.FIELDS, parse=playbook_kind.parse,
         validate=playbook_kind.validate, render=playbook_page.render_page,
         pages=playbook_page.index_pages, may_be_public=False, summary=playbook_kind.summary,
         intents=playbook_kind.INTENTS),
    Kind("article", None, "Articles", cadence="180d"),
)
"""Every kind, in the order people meet them in options and reports."""

REPORTS: tuple[PageProvider, ...] = (translation_pages.pages, health.pages)
"""Pages of the internal site that belong to no kind (translation status, content health)."""


CHECKS = (link_findings, public_link_findings, catalog_findings, category_findings)
"""``kb check``'s checks that belong to no kind: what the builds would otherwise refuse later
(broken internal links and anchors, public pages linking to internal ones), and the sites'
translation catalogs and help-center categories."""


def default_registry(extra: Iterable[Kind] = ()) -> Registry:
    """The registry of :data:`KINDS` (plus ``extra`` kinds), :data:`REPORTS` and
    :data:`CHECKS`."""
    return Registry((*KINDS, *extra), REPORTS, CHECKS)


DEFAULT = default_registry()
"""The registry front-ends use unless told otherwise."""


def open_kb(root: Path | str = ".", *, cache: bool = True,
            kinds: Registry | None = None) -> KnowledgeBase:
    """Open the knowledge base at ``root`` with :data:`DEFAULT` (or ``kinds``); see
    :func:`kbtools.content.knowledge_base.open_kb`."""
    return open_with(root, kinds or DEFAULT, cache=cache)
