"""Answering queries from the live index generation, with searchers reused across queries.

An :class:`Engine` belongs to one knowledge base folder. Each thread keeps its own Whoosh
searcher and reopens it when CURRENT names a new generation, so a long-running server picks up
a reindex on its next query without a restart and never reads a half-built index. Queries are
ranked by :mod:`.ranking` (term by term, with caches shared by the threads of one generation).

A query without ``--lang`` is read in the language its words belong to (:mod:`.language`) and
searched there; only when nothing in that language matches are the other languages of its
script searched. Kind intent (:mod:`.intents`) multiplies the scores of the kind asked for.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError
from whoosh.query import And, Or, Term

import kbtools.search.language as language
import kbtools.search.query as q
import kbtools.search.ranking as ranking
from kbtools.errors import KBError
from kbtools.search.intents import Intents
from kbtools.search.lexicon import Lexicon
from kbtools.search.ranking import Ranker, SharedScores
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
    def __init__(self, name: str, path: Path, shared: SharedScores, lexicon: Lexicon) -> None:
        self.name = name
        self.lexicon = lexicon
        self.index = whoosh_index.open_dir(str(path))
        bm25 = ranking.DEFAULT_BM25
        self.searcher = self.index.searcher(weighting=bm25.weighting())
        self.ranker = Ranker(self.searcher, shared, bm25=bm25)
        self.vocabularies: dict[tuple[tuple[str, ...], bool], q.Vocabulary] = {}

    def vocabulary(self, languages: tuple[str, ...], public: bool) -> q.Vocabulary:
        key = (languages, public)
        found = self.vocabularies.get(key)
        if found is None:
            found = self.vocabularies[key] = q.Vocabulary(self.searcher.reader(), languages,
                                                          public, self.lexicon)
        return found

    def close(self) -> None:
        self.searcher.close()
        self.index.close()


class Engine:
    """Searches the index of the KB at ``root`` (state in ``root/state_dir``)."""

    def __init__(self, root: Path, state_dir: str, synonyms_file: str,
                 intents: Intents | None = None) -> None:
        self.root = Path(root)
        self.intents = intents or Intents()
        self.lexicon = Lexicon(self.root / state_dir / "cache")
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
                fresh = _Open(name, self.store.base / name, self._shared_for(name),
                              self.lexicon)
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
        units = q.split_units(q.clean(text))
        words = q.words_of(units)
        vocabulary = opened.vocabulary(scope.languages, scope.public)
        if scope.lang:
            reading = language.Reading((scope.lang,), scope.lang)
        else:
            reading = language.read(words, scope.languages, vocabulary.has)
        attempts = [reading.languages[:1], reading.languages] if reading.language \
            else [reading.languages]
        synonyms = self._synonyms.current()
        ranker = opened.ranker
        allowed = ranker.allowed(_filter(scope))
        factors = tuple((ranker.allowed(Term("kind", kind)), factor)
                        for kind, factor in sorted(self.intents.factors(words).items()))
        scope_size = len(allowed) if allowed is not None else vocabulary.doc_count
        found = None
        for languages in attempts:
            parsed = q.parse(units, synonyms, vocabulary, languages)
            clauses = q.build(parsed, languages, vocabulary) if limit > 0 else []
            matching = [ranker.count(clause, allowed) for clause in clauses]
            for query in q.combine(clauses, matching, scope_size):
                found = ranker.rank(query, limit=limit, allowed=allowed, factors=factors)
                if found.total:
                    break
            if found is not None and found.total:
                break
        if found is None:
            return SearchResults(text, 0, [], parsed.suggestion, reading.language)
        stored = [opened.searcher.stored_fields(doc) for doc, _ in found.top]
        hits = [self._hit(fields, score, parsed, scope, today)
                for (_, score), fields in zip(found.top, stored, strict=True)]
        suggestion = parsed.respelled(lambda lang, stem, typed: surface_word(
            (f.get("content", "") for f in stored if f["lang"] == lang), lang, stem, typed))
        return SearchResults(text, found.total, hits, suggestion or parsed.suggestion,
                             reading.language)

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
