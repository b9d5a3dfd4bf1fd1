"""Answering queries from the live index generation, with searchers reused across queries.

An :class:`Engine` belongs to one knowledge base folder. Each thread keeps its own Whoosh
searcher and reopens it when CURRENT names a new generation, so a long-running server picks up
a reindex on its next query without a restart and never reads a half-built index. Queries are
ranked by :mod:`.ranking` (term by term, with caches shared by the threads of one generation).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError
from whoosh.query import And, Or, Term

import kbtools.search.query as q
from kbtools.errors import KBError
from kbtools.search.ranking import DEFAULT_BM25, Ranker, SharedScores
from kbtools.search.results import Hit, SearchResults, marker_of, snippet, surface_word
from kbtools.search.store import IndexStore
from kbtools.search.synonyms import SynonymsFile

_OPEN_RETRIES = 3


class IndexMissing(KBError):
    """There is no index yet (run ``kb index``)."""


@dataclass(frozen=True)
class Scope:
    """What a query may see. ``public`` hides internal articles, vocabulary and markers."""

    languages: tuple[str, ...]
    lang: str | None = None
    kinds: tuple[str, ...] = ()
    public: bool = False


class _Open:
    def __init__(self, name: str, path: Path, shared: SharedScores) -> None:
        self.name = name
        self.index = whoosh_index.open_dir(str(path))
        self.searcher = self.index.searcher(weighting=DEFAULT_BM25.weighting())
        self.ranker = Ranker(self.searcher, shared, bm25=DEFAULT_BM25)
        self.vocabularies: dict[tuple[tuple[str, ...], bool], q.Vocabulary] = {}

    def vocabulary(self, languages: tuple[str, ...], public: bool) -> q.Vocabulary:
        key = (languages, public)
        found = self.vocabularies.get(key)
        if found is None:
            found = self.vocabularies[key] = q.Vocabulary(self.searcher.reader(), languages,
                                                          public)
        return found

    def close(self) -> None:
        self.searcher.close()
        self.index.close()


class Engine:
    """Searches the index of the KB at ``root`` (state in ``root/state_dir``)."""

    def __init__(self, root: Path, state_dir: str, synonyms_file: str) -> None:
        self.root = Path(root)
        self.store = IndexStore(self.root / state_dir)
        self.synonyms_file = synonyms_file
        self._synonyms = SynonymsFile(root, synonyms_file)
        self._local = threading.local()
        self._shared: tuple[str, SharedScores] | None = None
        self._shared_lock = threading.Lock()

    def generation(self) -> str | None:
        return self.store.current_name()

    def _open(self) -> _Open:
        for _ in range(_OPEN_RETRIES):
            name = self.store.current_name()
            if name is None:
                break
            cached: _Open | None = getattr(self._local, "open", None)
            if cached is not None and cached.name == name:
                return cached
            try:
                fresh = _Open(name, self.store.base / name, self._shared_for(name))
            except (OSError, EmptyIndexError):
                continue  # swapped and removed under us: read CURRENT again
            if cached is not None:
                cached.close()
            self._local.open = fresh
            return fresh
        raise IndexMissing(f"no search index under {self.store.base}; run `kb index` first")

    def _shared_for(self, name: str) -> SharedScores:
        """The caches of generation ``name``, shared by all threads (the previous
        generation's are dropped: threads move to the new one on their next query)."""
        with self._shared_lock:
            if self._shared is None or self._shared[0] != name:
                self._shared = (name, SharedScores())
            return self._shared[1]

    def search(self, text: str, scope: Scope, *, limit: int, today: date) -> SearchResults:
        """Run ``text`` within ``scope``. Raises :class:`~.query.QueryError` for bad text."""
        opened = self._open()
        languages = (scope.lang,) if scope.lang else scope.languages
        synonyms = self._synonyms.current()
        vocabulary = opened.vocabulary(languages, scope.public)
        parsed = q.parse(text, synonyms, vocabulary)
        strict, loose = q.build(parsed, languages, vocabulary)
        if loose is None or limit <= 0:
            return SearchResults(text, 0, [], parsed.suggestion)
        ranker = opened.ranker
        allowed = ranker.allowed(_filter(scope))
        found = None
        if strict is not None:
            # Articles with every concept first: when there are enough of them, they are the
            # answer; otherwise the union ranks partial matches too.
            found = ranker.rank(strict, limit=limit, allowed=allowed)
            if len(found.top) < limit:
                found = None
        if found is None:
            found = ranker.rank(loose, limit=limit, allowed=allowed)
        stored = [opened.searcher.stored_fields(doc) for doc, _ in found.top]
        hits = [self._hit(fields, score, parsed, scope, today)
                for (_, score), fields in zip(found.top, stored, strict=True)]
        suggestion = parsed.respelled(lambda lang, stem, typed: surface_word(
            (f.get("content", "") for f in stored if f["lang"] == lang), lang, stem, typed))
        return SearchResults(text, found.total, hits, suggestion or parsed.suggestion)

    @staticmethod
    def _hit(stored: dict, score: float, parsed: q.Parsed, scope: Scope, today: date) -> Hit:
        lang = stored["lang"]
        return Hit(
            path=stored["path"], title=stored["title"], kind=stored["kind"], lang=lang,
            score=round(score, 3),
            snippet=snippet(stored.get("content", ""), lang, q.highlight_terms(parsed, lang)),
            url=stored["url_public"] if scope.public else stored["url_internal"],
            marker=None if scope.public else marker_of(stored, today),
        )


def _filter(scope: Scope):
    parts = []
    if scope.lang:
        parts.append(Term("lang", scope.lang))
    if scope.kinds:
        parts.append(Or([Term("kind", k) for k in scope.kinds]))
    if scope.public:
        parts.append(Term("audience", "public"))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)
