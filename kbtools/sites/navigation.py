"""The site navigation: ``mkdocs.yml``'s ``nav`` with folder entries expanded.

``mkdocs.yml`` stays the readable source of the navigation: it lists the sections in order
(``- FAQ: faq/``); this module expands each folder into its index page, subsections and pages
(sorted by title), drops what the site does not publish (``playbooks/`` on the public site)
and appends folders the file does not mention, so new content always appears. A language's
build gives sections their translated titles (:meth:`kbtools.sites.languages.Languages.translate_nav`).

Scale: a folder with more than ``max_pages`` pages is split into sections of at most that
many pages (``A–F``, ``G–M`` ...). With Material's ``navigation.prune`` a page then carries
only the links of its own part of the tree, so page size stays flat as the corpus grows.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Mapping

from kbtools.sites.indexes import folder_title

MAX_SECTION_PAGES = 30


class _Tree:
    def __init__(self, pages: set[str], titles: Mapping[str, str]) -> None:
        self.titles = titles
        self.pages: dict[str, list[str]] = defaultdict(list)
        self.folders: dict[str, set[str]] = defaultdict(set)
        for page in pages:
            folder = posixpath.dirname(page)
            self.pages[folder].append(page)
            while folder:
                parent = posixpath.dirname(folder)
                self.folders[parent].add(folder)
                folder = parent

    def title(self, page: str) -> str:
        return self.titles.get(page, page)

    def folder_title(self, folder: str) -> str:
        index = posixpath.join(folder, "index.md")
        return self.titles.get(index) or folder_title(folder)

    def has_folder(self, folder: str) -> bool:
        return bool(self.pages.get(folder) or self.folders.get(folder))


def expand_nav(spec: list | None, titles: Mapping[str, str], *,
               max_pages: int = MAX_SECTION_PAGES) -> list:
    """Return the MkDocs ``nav`` for the pages in ``titles`` (default-language path -> title).

    ``spec`` is the ``nav`` of ``mkdocs.yml`` (None: every folder, in name order).
    """
    tree = _Tree(set(titles), titles)
    used: set[str] = set()
    nav = _items(spec or [], tree, used, max_pages)
    if "index.md" in titles and "index.md" not in used:
        nav.insert(0, "index.md")
        used.add("index.md")
    for page in sorted(tree.pages.get("", []), key=lambda p: tree.title(p).casefold()):
        if page not in used:
            nav.append(page)
    for folder in sorted(tree.folders.get("", [])):
        if folder + "/" not in used:
            nav.append({tree.folder_title(folder): _folder(folder, tree, max_pages)})
    return nav


def _items(spec: list, tree: _Tree, used: set[str], max_pages: int) -> list:
    nav: list = []
    for item in spec:
        title, value = (next(iter(item.items())) if isinstance(item, dict) else (None, item))
        if isinstance(value, list):
            children = _items(value, tree, used, max_pages)
            if children:
                nav.append({title: children} if title else children)
            continue
        value = str(value)
        if "://" in value or value.startswith(("/", "#")):
            nav.append(item)
        elif value.endswith("/"):
            folder = value.rstrip("/")
            if tree.has_folder(folder):
                used.add(folder + "/")
                nav.append({title or tree.folder_title(folder): _folder(folder, tree, max_pages)})
        elif value in tree.titles:
            used.add(value)
            nav.append({title: value} if title else value)
    return nav


def _folder(folder: str, tree: _Tree, max_pages: int) -> list:
    index = posixpath.join(folder, "index.md")
    children: list = [index] if index in tree.titles else []
    for sub in sorted(tree.folders.get(folder, ()), key=lambda f: tree.folder_title(f).casefold()):
        children.append({tree.folder_title(sub): _folder(sub, tree, max_pages)})
    pages = sorted((p for p in tree.pages.get(folder, ()) if p != index),
                   key=lambda p: tree.title(p).casefold())
    if len(pages) <= max_pages:
        return children + pages
    for start in range(0, len(pages), max_pages):
        chunk = pages[start:start + max_pages]
        first, last = tree.title(chunk[0])[:1].upper(), tree.title(chunk[-1])[:1].upper()
        name = first if first == last else f"{first}–{last}"
        children.append({f"{name} ({start + 1}–{start + len(chunk)})": chunk})
    return children
