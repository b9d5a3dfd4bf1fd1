"""Link checking: internal links and anchors offline, external URLs on request.

Internal checking needs nothing but the loaded corpus and one walk of the content folders, so it
is fast enough for every ``kb stale`` run. External checking (``--external``) asks each unique
http(s) URL once, with a timeout and a bounded number of requests in flight, and remembers the
answers in ``<state_dir>/linkcheck.json`` so the next run asks again only when an answer is old.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

from kbtools import atomic
from kbtools.content.bodycache import BodyCache
from kbtools.content.corpus import CONTENT_ROOTS, Corpus
from kbtools.content.files import Tree, scan_tree
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.links import Link, anchors, links
from kbtools.content.model import Article
from kbtools.diagnostics import Finding, error

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".bmp")


# -- internal links -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link in ``path`` at ``line`` whose target (page, heading or file) does not exist."""

    path: str
    line: int
    target: str
    message: str


class InternalLinks:
    """Resolves links the way the sites do and says which ones are broken.

    A link from a translation to ``page.md`` means the same-language translation when there is
    one, else the source (as the i18n site serves it); its ``#anchor`` must be a heading of the
    page actually served. Non-markdown targets (images, PDFs) must exist on disk. Anchors
    are the ids the Markdown reader finds (headings, attribute lists, raw HTML ``id`` and
    ``name``), read through ``bodies`` (the knowledge base's cache) when given.
    """

    def __init__(self, root: Path, corpus: Corpus, folders: Mapping[str, str] | None = None,
                 bodies: BodyCache | None = None, tree: Tree | None = None) -> None:
        self.corpus = corpus
        if tree is None:
            tree = scan_tree(Path(root), CONTENT_ROOTS)
        self.files, self.dirs = frozenset(tree.files), tree.folders
        self.folders = dict(folders or {})  # folder layout: lang -> "docs/ru/"
        self.bodies = bodies
        self._anchors: dict[str, frozenset[str]] = {}

    def target_of(self, article: Article, path: str) -> Article | None:
        """The article a link from ``article`` to repo path ``path`` shows, or None."""
        corpus = self.corpus
        if article.is_translation:
            folder = self.folders.get(article.lang)
            if folder is None:
                same = corpus.translations_of(path).get(article.lang)
                if same is not None:
                    return same
            elif path not in corpus.by_path and path.startswith(folder):
                return corpus.get("docs/" + path[len(folder):])
        return corpus.get(path)

    def anchors_of(self, article: Article) -> frozenset[str]:
        found = self._anchors.get(article.path)
        if found is None:
            found = self._anchors[article.path] = anchors(article, self.bodies)
        return found

    def broken(self, article: Article, link: Link) -> BrokenLink | None:
        """Why ``link`` (internal) in ``article`` is broken, or None if it works."""
        if link.external or "{" in link.target:  # a macro makes the target: known at render
            return None
        if link.anchor == "top" and link.path is None:
            return None  # "#top" is the top of the page in every browser
        if link.path is None:
            if link.anchor and link.anchor not in self.anchors_of(article):
                return BrokenLink(article.path, link.line, link.target,
                                  f"link to #{link.anchor}: no such heading on this page")
            return None
        path = unquote(link.path) if "%" in link.path else link.path
        if not path.endswith(".md"):
            if path in self.files or path in self.dirs:
                return None
            what = "image" if link.image else "link to"
            return BrokenLink(article.path, link.line, link.target,
                              f"{what} {path}, which does not exist")
        target = self.target_of(article, path)
        if target is None:
            if path in self.files:  # a file the loader could not read; kb check reports it
                return None
            return BrokenLink(article.path, link.line, link.target,
                              f"link to {path}, which does not exist")
        if link.anchor and link.anchor not in self.anchors_of(target):
            return BrokenLink(article.path, link.line, link.target,
                              f"link to {path}#{link.anchor}: no such heading in {target.path}")
        return None


def translation_folders(kb: KnowledgeBase) -> dict[str, str]:
    """Per translation language, its folder in the folder layout (``ru`` -> ``docs/ru/``);
    empty in the suffix layout."""
    settings = kb.config.translations
    if settings.layout != "folder":
        return {}
    return {lang: settings.folder_of(lang).rstrip("/") + "/"
            for lang in kb.config.translation_languages}


PAGE_URL_SUFFIXES = frozenset({"", ".html", ".htm"})
"""Links to a page's URL rather than its file: the sites leave them as written (kb stale
still reports those that lead nowhere)."""


def _suffix(path: str) -> str:
    """``PurePosixPath(path).suffix``, without making a path object per link."""
    name = posixpath.basename(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


class _Symlinks:
    """Which repo paths are, or lie under, a symbolic link (each folder asked once)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._known: dict[str, bool] = {"": False, ".": False}

    def refused(self, path: str) -> bool:
        """True when ``path`` is there but not the repository's own regular file (a symbolic
        link, or a file in a linked folder): ``kb check`` reports the link itself."""
        known = self._known.get(path)
        if known is None:
            parent = posixpath.dirname(path)
            known = self._known[path] = (self.refused(parent) if parent != path else False) \
                or (self.root / path).is_symlink()
        return known


def link_findings(kb: KnowledgeBase) -> Iterator[Finding]:
    """Each broken internal link, anchor, image or file as a ``kb check`` error at its line:
    the builds refuse them, so a clean ``kb check`` must too.

    The answer is kept in ``kb.bodies`` under a digest of all it depends on (each article's
    path, language, source and body; the files and folders under the content roots; the
    translation layout), so a run where none of that changed checks no link again; the
    links skipped as symbolic links and the broken ones are looked at again (a symbolic
    link outside the content roots is not in that digest)."""
    tree = scan_tree(kb.root, CONTENT_ROOTS)
    folders = translation_folders(kb)
    symlinks = _Symlinks(kb.root)
    key = _links_key(kb, tree, folders)
    kept = kb.bodies.derived(_LINKS_KEPT, key)
    if kept is not None:
        broken, skipped = kept
        if (all(symlinks.refused(path) for path in skipped)
                and not any(symlinks.refused(path) for *_, path in broken)):
            for path, line, message, _ in broken:
                yield error(path, line, "link.broken", message)
            return
    broken, skipped = _broken_links(kb, tree, folders, symlinks)
    kb.bodies.keep_derived(_LINKS_KEPT, key, (tuple(broken), tuple(sorted(skipped))))
    for path, line, message, _ in broken:
        yield error(path, line, "link.broken", message)


_LINKS_KEPT = "link_findings"


def _broken_links(kb: KnowledgeBase, tree: Tree, folders: Mapping[str, str],
                  symlinks: _Symlinks) -> tuple[list[tuple[str, int, str, str]], set[str]]:
    """``(article, line, message, link path)`` of each broken link, and the link paths
    skipped as symbolic links."""
    checker = InternalLinks(kb.root, kb.corpus, folders, kb.bodies, tree)
    kb.bodies.read_outlines((a.body, a.body_line) for a in kb.corpus.articles)
    broken, skipped = [], set()
    for article in kb.corpus.articles:
        for link in links(article, kb.bodies):
            if link.kind == "html":
                continue  # raw HTML is passed through as written; kb stale still reports it
            if link.path is not None and _suffix(link.path) in PAGE_URL_SUFFIXES:
                continue  # a page's URL (``../guide/b/``): MkDocs leaves it as written
            if link.path is not None and symlinks.refused(link.path):
                skipped.add(link.path)
                continue  # a symbolic link, reported as such where it lies
            found = checker.broken(article, link)
            if found is not None:
                broken.append((article.path, found.line, found.message, link.path or ""))
    return broken, skipped


def _links_key(kb: KnowledgeBase, tree: Tree, folders: Mapping[str, str]) -> bytes:
    """A digest of everything :func:`link_findings` reads."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr(sorted(folders.items())).encode())
    key = kb.bodies.key
    for article in kb.corpus.articles:
        digest.update(f"\0{article.path}\0{article.lang}\0{article.source or ''}\0".encode())
        digest.update(key(article.body, article.body_line))
    for name in (*sorted(tree.files), "\1", *sorted(tree.folders), "\1",
                 *sorted(f"{f.path} {f.code}" for f in tree.findings)):
        digest.update(f"{name}\0".encode())
    return digest.digest()


def content_files(root: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Repo-relative paths of every file and folder under the content roots (one walk).

    Only the repository's own regular files and folders: the walk is the loader's
    (:func:`kbtools.content.files.scan_tree`), so a symbolic link is never a link target.
    """
    tree = scan_tree(Path(root), CONTENT_ROOTS)
    return frozenset(tree.files), tree.folders


def assets(files: Iterable[str]) -> list[str]:
    """The image files among ``files``, sorted."""
    return sorted(f for f in files if f.lower().endswith(IMAGE_SUFFIXES))


def site_relative(path: str) -> str:
    """``docs/assets/a.png`` -> ``assets/a.png`` (how site configs refer to files)."""
    return path[len("docs/"):] if path.startswith("docs/") else path


# -- external URLs ------------------------------------------------------------------------
@dataclass(frozen=True)
class ExternalSettings:
    """How external URLs are checked."""

    timeout: float = 5.0
    """Seconds to wait for one answer; a timeout is reported but never cached."""
    workers: int = 8
    """Requests in flight at once, at most."""
    ttl_ok: timedelta = timedelta(days=7)
    """How long a working URL is trusted before it is asked again."""
    ttl_broken: timedelta = timedelta(days=1)
    """How long a failed URL's answer is kept (it may come back)."""
    cache_file: str = "linkcheck.json"
    """File name of the cache, under the knowledge base's state folder."""


@dataclass(frozen=True, slots=True)
class UrlStatus:
    """What one URL answered: ``ok``; ``status`` (HTTP) or ``error`` (no answer)."""

    url: str
    ok: bool
    status: int | None
    error: str | None
    checked: str  # ISO date-time of the check

    @property
    def message(self) -> str:
        if self.status is not None:
            return f"{self.url} answered HTTP {self.status}"
        return f"{self.url}: {self.error}"

    @property
    def timed_out(self) -> bool:
        return self.error is not None and "timed out" in self.error


# 401/403/429 mean the page exists but refuses robots or rate-limits us: not a broken link.
_RESTRICTED = frozenset({401, 403, 429})
_RETRY_WITH_GET = frozenset({400, 403, 405, 501})
_AGENT = "kbtools-linkcheck/1 (+https://example.invalid/kbtools)"


def check_urls(urls: Iterable[str], cache: Path | None, now: datetime,
               settings: ExternalSettings = ExternalSettings()) -> dict[str, UrlStatus]:
    """Check each unique http(s) URL in ``urls``; return its status by URL.

    Answers younger than their TTL are taken from ``cache`` (a JSON file, rewritten atomically
    when anything new was learnt); an unreadable cache is ignored and rebuilt. Never raises for
    a URL that fails: the failure is its status.
    """
    wanted = sorted({u for u in urls if u.lower().startswith(("http://", "https://"))})
    known = _read_cache(cache)
    results: dict[str, UrlStatus] = {}
    todo = []
    for url in wanted:
        cached = known.get(url)
        if cached is not None and _fresh(cached, now, settings):
            results[url] = cached
        else:
            todo.append(url)
    if todo:
        stamp = now.isoformat(timespec="seconds")
        with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
            for status in pool.map(lambda u: _ask(u, settings.timeout, stamp), todo):
                results[status.url] = status
                if not status.timed_out:
                    known[status.url] = status
        if cache is not None:
            _write_cache(cache, known)
    return results


def _ask(url: str, timeout: float, stamp: str) -> UrlStatus:
    status = _request(url, "HEAD", timeout)
    if status.status in _RETRY_WITH_GET:
        status = _request(url, "GET", timeout)
    ok = status.error is None and (status.status is None or status.status < 400
                                   or status.status in _RESTRICTED)
    return UrlStatus(url, ok, status.status, status.error, stamp)


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int | None
    error: str | None


def _request(url: str, method: str, timeout: float) -> _Answer:
    # imported here: only `kb stale --external` asks the web, and every command that opens
    # a knowledge base imports this module (kb's start-up time)
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, method=method, headers={"User-Agent": _AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return _Answer(response.status, None)
    except urllib.error.HTTPError as exc:
        return _Answer(exc.code, None)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return _Answer(None, f"timed out after {timeout:g}s")
        return _Answer(None, f"unreachable ({reason})")
    except TimeoutError:
        return _Answer(None, f"timed out after {timeout:g}s")
    except (OSError, ValueError) as exc:  # reset connections, malformed URLs
        return _Answer(None, f"unreachable ({exc})")


def _fresh(status: UrlStatus, now: datetime, settings: ExternalSettings) -> bool:
    try:
        checked = datetime.fromisoformat(status.checked)
    except ValueError:
        return False
    age = now - checked
    return timedelta(0) <= age < (settings.ttl_ok if status.ok else settings.ttl_broken)


def _read_cache(cache: Path | None) -> dict[str, UrlStatus]:
    if cache is None or not cache.exists():
        return {}
    try:
        raw = json.loads(cache.read_text(encoding="utf-8"))
        return {url: UrlStatus(**item) for url, item in raw.get("urls", {}).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # a cache is disposable: a damaged one is rebuilt, never trusted


def _write_cache(cache: Path, known: Mapping[str, UrlStatus]) -> None:
    data = {"version": 1, "urls": {url: asdict(s) for url, s in sorted(known.items())}}
    atomic.write_text(cache, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
