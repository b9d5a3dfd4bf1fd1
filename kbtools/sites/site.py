"""The two sites built from one knowledge base, declared once."""

from __future__ import annotations

from dataclasses import dataclass

INTERNAL, PUBLIC = "internal", "public"


@dataclass(frozen=True, slots=True)
class Site:
    """One static site: which content it may publish and where it goes by default."""

    name: str
    public: bool
    """True for the customer site: only ``audience: public`` articles, sanitized HTML."""
    out: str
    """Default output folder, relative to the knowledge base root."""
    content_roots: tuple[str, ...]
    """Repo folders whose articles the site may contain (``playbooks`` only internally)."""
    fallback_copies: bool
    """Whether a page with no translation into a language is written in that language's
    folder anyway, in the default language and with that language's navigation (a *fallback
    copy*: the customer site, where a customer stays in their language's site); else, for an
    article, that language's navigation and links lead to the default language's page,
    marked as in the default language (the agent site: an article is rendered once; each
    language's home, the onboarding paths and the generated pages, whose furniture is in the
    reader's language, are still copied)."""


SITES: dict[str, Site] = {
    INTERNAL: Site(INTERNAL, False, "site", ("docs", "playbooks"), fallback_copies=False),
    PUBLIC: Site(PUBLIC, True, "site-public", ("docs",), fallback_copies=True),
}


def site_path(repo_path: str) -> str:
    """Where a repo file lives in a site's docs: ``docs/faq/a.md`` -> ``faq/a.md``,
    ``playbooks/p.md`` -> ``playbooks/p.md`` (playbooks become a section of the site)."""
    if repo_path.startswith("docs/"):
        return repo_path[len("docs/"):]
    return repo_path


def page_url(site_src: str) -> str:
    """The directory URL MkDocs gives a default-language page: ``faq/a.md`` -> ``faq/a/``."""
    stem = site_src[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"
