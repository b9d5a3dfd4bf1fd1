"""What the theme gets for each page beyond MkDocs' own context (``theme/main.html`` and the
partials read it).

- **Extras an article's page shows**, collected with its markdown (they are part of its
  cache key, :mod:`.pagecache`): on the public site the help-center home's data or the
  article's :class:`~kbtools.sites.pageinfo.PageInfo` and canonical URL; on the agent site
  the banners of an English article that other languages' navigation leads to.
- **Per page, at render time**: the language menu, the base URL of a public page (its
  language's folder, where its search index is), the language's strings, ``kb_url`` for
  links relative to the language's root, and the agent site's home.

:class:`PageContexts` is what the MkDocs adapter (:mod:`.plugin`) asks, once per site build.
"""

from __future__ import annotations

from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

import kbtools.sites.helpcenter as helpcenter
from kbtools.sites.banners import reader_banners
from kbtools.sites.catalogs import catalog
from kbtools.sites.context import SiteContext
from kbtools.sites.languages import Languages
from kbtools.sites.pageinfo import PublicExtras
from kbtools.sites.staging import HOME_TEMPLATE


class PageContexts:
    """The theme's per-page data for one site build of ``context`` in ``languages``."""

    def __init__(self, context: SiteContext, languages: Languages) -> None:
        self.context, self.languages = context, languages
        self._public: PublicExtras | None = None
        """What public pages show, with what they share made once (made on first use)."""
        self._kept: dict[str, dict] = {}
        """Page URL -> the extras collected with its markdown, until its page is rendered."""

    def extras(self, page: Page, lang: str, config) -> dict | None:
        """The extras of the article page ``page`` for readers of ``lang`` (None: none)."""
        if self.context.site.public:
            return self._public_extras(page, lang, config)
        # the banners for readers other languages lead here (see .banners)
        languages = self.languages
        led_from = languages.led_from(page.file.src_uri) if lang == languages.default else ()
        return {"kb_reader_banners": reader_banners(self.context.kb, led_from)} \
            if led_from else None

    def keep(self, url: str, extras: dict | None) -> None:
        """The extras the page at ``url`` was keyed with: its context takes them."""
        if extras is not None:
            self._kept[url] = extras

    def update(self, found: dict, page: Page, config) -> None:
        """Add what the theme shows around ``page`` to its template context ``found``."""
        context, languages = self.context, self.languages
        lang = languages.current
        norm = languages.locale_of(page.file.src_uri)[0]
        languages.page_alternates(config, page.url, norm)  # the language menu
        if context.site.public and lang != context.staged.default_language:
            # Material loads search/search_index.json from the base URL and resolves result
            # links against it: a public page's base is its language's folder, where that
            # language's own index is written (:mod:`.search_output`).
            found["base_url"] = get_relative_url(f"{lang}/", page.url)
        found["kb_strings"] = catalog(context.kb, lang)
        if context.site.public:
            found.update(self._public_page(page, config, lang))
        elif page.url in self._kept:  # an English article other languages lead to
            found.update(self._kept.pop(page.url))
        elif norm == "index.md":
            # the agent site's home, in every language: search and one category per kind
            # (the language's own section page, else the default language's)
            found["kb_url"] = lambda url: get_relative_url(
                languages.reader_url(url) or ".", page.url)
            found["kb_agent"] = True
            found["kb_blocks"] = helpcenter.agent_home(
                context.kb, context.staged.articles.values(), lang)

    def _public_page(self, page: Page, config, lang: str) -> dict:
        """The help-center home's data, or an article's extras (see ``theme/main.html``)."""
        staged = self.context.staged
        root = "" if lang == staged.default_language else f"{lang}/"
        # kb_url(url): a URL relative to the language root, as seen from this page
        found = {"kb_url": lambda url: get_relative_url(root + url or ".", page.url)}
        if staged.article_at("index.md") is None:  # the generated help-center home
            found["kb_contact_url"] = found["kb_url"]("").rstrip("/") + "/#kb-home-contact"
        extras = self._kept.pop(page.url, None)
        found.update(extras if extras is not None else self._public_extras(page, lang, config))
        return found

    def _public_extras(self, page: Page, lang: str, config) -> dict:
        context = self.context
        if self._public is None:
            self._public = PublicExtras(context.kb, context.staged.articles)
        meta = context.staged.metas.get(page.file.src_uri, page.meta)
        found, day = self._public.of(page.file.src_uri, meta.get("template") == HOME_TEMPLATE,
                                     lang, config.site_url, config.extra.get("feedback_endpoint"))
        if day is not None:  # the sitemap's lastmod
            context.modified[page.url] = day
        return found
