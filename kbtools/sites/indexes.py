"""Generated index pages: a listing for every folder without ``index.md``, and a home page.

With thousands of articles the navigation shows only part of a section (see
``navigation``), so every folder gets an index page listing all of its pages: every page stays
reachable in two clicks, whatever the navigation shows.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

LETTER_GROUPS_OVER = 40
"""Listings longer than this are grouped under first-letter headings."""


@dataclass(frozen=True, slots=True)
class IndexPage:
    src: str  # staged file, e.g. "faq/index.ru.md"
    norm: str  # default-language path, e.g. "faq/index.md"
    lang: str
    title: str
    markdown: str


def folder_title(folder: str) -> str:
    """``getting-started`` -> ``Getting started`` (used when a folder has no index page)."""
    name = posixpath.basename(folder).replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else folder


def section_indexes(titles: Mapping[tuple[str, str], str], languages: tuple[str, ...],
                    site_name: str, *, public: bool) -> Iterator[IndexPage]:
    """Index pages for folders that lack one (and the home page if there is none).

    ``titles`` maps (default-language page path, language) to title for every staged page.
    A generated index exists in each language in which at least one of its pages exists.
    """
    default = languages[0]
    pages_by_folder: dict[str, set[str]] = defaultdict(set)
    langs_by_folder: dict[str, set[str]] = defaultdict(set)
    for norm, lang in titles:
        folder = posixpath.dirname(norm)
        pages_by_folder[folder].add(norm)
        while True:
            langs_by_folder[folder].add(lang)
            if not folder:
                break
            parent = posixpath.dirname(folder)
            pages_by_folder[parent]  # noqa: B018 - make the parent known
            folder = parent
    folders = sorted(pages_by_folder)
    subfolders: dict[str, list[str]] = defaultdict(list)
    for folder in folders:
        if folder:
            subfolders[posixpath.dirname(folder)].append(folder)
    generated: dict[tuple[str, str], str] = {}
    for folder in sorted(folders, key=lambda f: -f.count("/")):  # children first
        norm = posixpath.join(folder, "index.md") if folder else "index.md"
        if (norm, default) in titles:
            continue
        for lang in [default, *sorted(langs_by_folder[folder] - {default})]:
            title = site_name if not folder else folder_title(folder)
            generated[(norm, lang)] = title
            yield IndexPage(norm if lang == default else f"{norm[:-3]}.{lang}.md", norm, lang,
                            title, _listing(folder, lang, default, titles, generated,
                                            pages_by_folder[folder], subfolders[folder]))


def _title(norm: str, lang: str, default: str, *tables: Mapping) -> str | None:
    for table in tables:
        for key in ((norm, lang), (norm, default)):
            if key in table:
                return table[key]
    return None


def _listing(folder: str, lang: str, default: str, titles, generated, pages, subs) -> str:
    lines = []
    for sub in sorted(subs):
        index = posixpath.join(sub, "index.md")
        title = _title(index, lang, default, titles, generated) or folder_title(sub)
        lines.append(f"- [{_escape(title)}]({posixpath.basename(sub)}/index.md)")
    if lines:
        lines.append("")
    entries = sorted(
        ((_title(p, lang, default, titles) or p, p) for p in pages
         if posixpath.basename(p) != "index.md"),
        key=lambda item: item[0].casefold())
    letter = None
    for title, path in entries:
        if len(entries) > LETTER_GROUPS_OVER and title[:1].upper() != letter:
            letter = title[:1].upper()
            lines += ["", f"## {_escape(letter)}", ""]
        lines.append(f"- [{_escape(title)}]({posixpath.basename(path)})")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("#", "\\#")
