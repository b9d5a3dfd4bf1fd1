"""What a site's build writes once every language is built: the search indexes and the
sitemaps of all languages together (each language's MkDocs build wrote its own)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.utils import get_build_date

from kbtools.sites.context import SiteContext
from kbtools.sites.languages import Languages
from kbtools.sites.search_output import SearchOutput
from kbtools.sites.sitemap import Pruning, write_sitemaps


def write_indexes(context: SiteContext, languages: Languages, search: SearchOutput,
                  site_dir: Path, site_url: str | None) -> None:
    """Write the site's search index (``search``'s, fed every language: on the public site
    one per language, see :mod:`.search_entries`) and, with a ``site_url``, its sitemaps
    (:mod:`.sitemap`), both without fallback copies where readers or search engines would
    see them twice. Raises ValueError when a sitemap written by the build cannot be read."""
    codes = context.kb.config.languages
    if site_url:  # the public one as search engines should read it
        write_sitemaps(site_dir, site_url, get_build_date(), codes, languages.sitemap_entries,
                       Pruning(context.fallback_urls, languages.default, context.modified)
                       if context.site.public else None)
    search.finish()
