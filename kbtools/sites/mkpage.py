"""The pages of a kb build: MkDocs' :class:`~mkdocs.structure.pages.Page`, told when its
markdown need not be converted.

MkDocs makes a Markdown converter, with every extension, for each page it renders (about 1 ms
each), even for a page whose text is empty. A page whose file the page cache answers
(:mod:`.pagecache`) or whose HTML is its English page's (a fallback copy, :mod:`.fragments`)
gets an empty text from the ``kb`` plugin and nothing from a converter: :class:`KBPage` skips
it and sets what converting nothing sets (but its anchors as unknown, not
none: links to them are not refused). The plugin makes the site's pages itself (in
``on_files``, with the titles the navigation gives them, as MkDocs would), the way Material's
blog plugin makes its posts.
"""

from __future__ import annotations

from collections.abc import Iterable

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc


class KBPage(Page):
    """A documentation page whose conversion the ``kb`` plugin may turn off
    (:meth:`skip_conversion`) once it knows where the page's HTML comes from."""

    converted = True

    def skip_conversion(self) -> None:
        """Its markdown is empty and its HTML made elsewhere: do not convert it."""
        self.converted = False

    def render(self, config, files) -> None:
        if self.converted:
            super().render(config, files)
            return
        # what converting an empty text gives, but anchors unknown rather than none: MkDocs
        # then takes links to this page's headings as they are (as for a page it did not
        # render), not as broken (``kb check`` checks them; a fallback copy gets its English
        # page's anchors from the sharing)
        self.content, self.toc = "", get_toc([])
        self.present_anchor_ids, self.links_to_anchors = None, {}


def nothing_to_convert(page: Page) -> str:
    """The markdown of a page whose HTML comes from elsewhere (the page cache, its English
    page): none, and no converter made for it."""
    if isinstance(page, KBPage):
        page.skip_conversion()
    return ""


ELSEWHERE_STATUS = "kb-elsewhere"
"""Material's page status (``meta.status``) of a page in the navigation that leads to the
default language's page: it has no translation into the language of the page read (its
title, in that language, is ``config.extra.status[ELSEWHERE_STATUS]``)."""


def make_pages(files: Files, config,
               elsewhere: Iterable[tuple[File, str | None]] = ()) -> None:
    """A :class:`KBPage` for every documentation page of ``files`` that has no page yet, with
    the title ``config.nav`` gives it (MkDocs' own pages take theirs from there); and one for
    each file of ``elsewhere`` (pages of another build the navigation names, never read by
    this one: each with its title, which the navigation's overrides), with the status
    :data:`ELSEWHERE_STATUS`."""
    titles = nav_titles(config.nav or [], files)
    for file in files.documentation_pages():
        if file.page is None:
            KBPage(titles.get(file.src_uri), file, config)
    for file, title in elsewhere:
        page = KBPage(titles.get(file.src_uri) or title, file, config)
        page.meta["status"] = ELSEWHERE_STATUS


def nav_titles(nav: Iterable, files: Files) -> dict[str, str]:
    """Source URI -> title, for each page the navigation names with a title (``- Refunds:
    faq/refunds.md``); the first mention wins, as in MkDocs."""
    found: dict[str, str] = {}
    for item in nav:
        if not isinstance(item, dict) or len(item) != 1:
            continue
        title, value = next(iter(item.items()))
        if isinstance(value, list):
            for uri, name in nav_titles(value, files).items():
                found.setdefault(uri, name)
        elif isinstance(value, str) and title is not None:
            file = files.get_file_from_path(value)
            if file is not None and file.is_documentation_page():
                found.setdefault(file.src_uri, str(title))
    return found
