"""Ranking a query one posting list at a time instead of one document at a time.

Whoosh's searcher walks a tree of matchers document by document in Python: a three-word query
with synonyms over four fields is a tree of some fifty matchers, and every matching document
costs a trip through all of them (about 30 µs). Worse, its top-N collector "replaces" subtrees
that seem unable to reach the current minimum score, which can drop a branch a document does
match: scores and totals then differ from the exhaustive answer.

:class:`Ranker` evaluates the same query objects term by term: each term's posting list is read
once and turned into ``{docnum: score}`` with the searcher's own BM25F statistics
(idf, average field length, per-document field length), and the tree combines those maps
(sum for Or, intersection for And, required plus optional for AndMaybe, the best for
DisjunctionMax). The result is the
exhaustive Whoosh answer, scores included, in a fraction of the time; a term's scores are
cached per index generation, so the terms agents type most cost a lookup. Queries it does not
evaluate itself (phrases, other weighting models) run through Whoosh's matchers.

Only Whoosh's public API is used: postings through the matcher protocol
(``is_active/id/weight/next``), field lengths through ``reader.doc_field_length``, statistics
through ``searcher.idf`` and ``searcher.avg_field_length``. Whoosh's BM25F keeps per-field
parameters to itself, so :class:`BM25` holds our copy and makes the weighting the searcher is
opened with.
"""

from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from dataclasses import dataclass

from whoosh.query import And, AndMaybe, DisjunctionMax, Or, Term
from whoosh.scoring import BM25F

CACHE_POSTINGS = 250_000
"""How many cached (document, score) pairs a generation keeps (about 25 MB)."""

TIE_DIGITS = 9
"""Scores equal to this many digits tie, and ties go to the lower document number, so the order
does not depend on the order in which floating-point sums were taken."""

Scores = dict[int, float]
DELETED = -1


@dataclass(frozen=True)
class BM25:
    """BM25F's free parameters (Whoosh's defaults). Open the searcher with :meth:`weighting`
    so that Whoosh's scores and the ones :class:`Ranker` computes are the same."""

    B: float = 0.75
    K1: float = 1.2

    def weighting(self) -> BM25F:
        return BM25F(B=self.B, K1=self.K1)

    def describes(self, weighting) -> bool:
        """True if ``weighting`` scores as these parameters do (no per-field ``B`` is
        checked: only what :meth:`weighting` makes is known to have none)."""
        return type(weighting) is BM25F and (weighting.B, weighting.K1) == (self.B, self.K1)


DEFAULT_BM25 = BM25()


@dataclass(frozen=True)
class Ranked:
    total: int
    """Documents that match (within the allowed set)."""
    top: list[tuple[int, float]]
    """``(docnum, score)`` of the best ``limit`` documents, best first."""


class SharedScores:
    """Per-generation caches shared by every thread's :class:`Ranker`: term scores and
    filter sets. Entries are never changed once stored, so readers need no lock."""

    def __init__(self, budget: int = CACHE_POSTINGS) -> None:
        self.budget = budget
        self._terms: OrderedDict[tuple[str, str], Scores] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.lengths: dict[tuple[int, str], list[int | None]] = {}
        """Per (segment offset, field): each document's field length (:data:`DELETED` for a
        deleted document), read when first met."""
        self.filters: dict[object, frozenset[int]] = {}

    def term(self, key: tuple[str, str]) -> Scores | None:
        found = self._terms.get(key)
        if found is not None:
            with self._lock:
                if key in self._terms:
                    self._terms.move_to_end(key)
        return found

    def keep(self, key: tuple[str, str], scores: Scores) -> None:
        if len(scores) > self.budget:
            return
        with self._lock:
            if key in self._terms:
                return
            self._terms[key] = scores
            self._size += len(scores)
            while self._size > self.budget:
                _, dropped = self._terms.popitem(last=False)
                self._size -= len(dropped)


class Ranker:
    """Ranks queries on one Whoosh searcher (one thread's); see the module docstring."""

    def __init__(self, searcher, shared: SharedScores | None = None, *,
                 bm25: BM25 | None = DEFAULT_BM25):
        """``bm25``: the parameters ``searcher``'s weighting was made with (by
        :meth:`BM25.weighting`); None, or a searcher with another weighting, scores every term
        through Whoosh's matchers."""
        self.searcher = searcher
        self.shared = shared if shared is not None else SharedScores()
        self.bm25 = bm25 if bm25 is not None and bm25.describes(searcher.weighting) else None

    def rank(self, query, *, limit: int, allowed: frozenset[int] | None = None,
             factors: tuple[tuple[frozenset[int], float], ...] = ()) -> Ranked:
        """The ``limit`` best documents for ``query`` among ``allowed`` (all when None); the
        score of a document in one of ``factors``' sets is multiplied by its factor.

        Every matching document is scored, so the top and the total never depend on
        ``limit``; equal scores (to :data:`TIE_DIGITS`) go to the lower document number."""
        scores = self.scores(query)
        if allowed is not None:
            scores = {doc: s for doc, s in scores.items() if doc in allowed}
        if factors:
            scores = dict(scores)
            for docs, factor in factors:
                for doc in scores.keys() & docs:
                    scores[doc] *= factor
        top = heapq.nsmallest(limit, scores.items(),
                              key=lambda item: (-round(item[1], TIE_DIGITS), item[0]))
        return Ranked(len(scores), top)

    def count(self, query, allowed: frozenset[int] | None = None) -> int:
        """How many documents (among ``allowed``) ``query`` matches."""
        scores = self.scores(query)
        if allowed is None:
            return len(scores)
        return len(scores.keys() & allowed) if len(scores) < len(allowed) else \
            sum(1 for doc in allowed if doc in scores)

    def allowed(self, query) -> frozenset[int] | None:
        """Documents matching the filter ``query`` (cached per generation); None for no filter."""
        if query is None:
            return None
        key = repr(query)
        found = self.shared.filters.get(key)
        if found is None:
            found = self.shared.filters[key] = frozenset(self.searcher.docs_for_query(query))
        return found

    def scores(self, query) -> Scores:
        """``{docnum: score}`` of every document ``query`` matches; the caller may not change it."""
        if isinstance(query, Term):
            return _boosted(self._term(query.fieldname, query.text), query.boost)
        if isinstance(query, AndMaybe):
            required, optional = self.scores(query.a), self.scores(query.b)
            return {doc: s + optional.get(doc, 0.0) for doc, s in required.items()}
        if type(query) is And:
            return _boosted(_intersection([self.scores(q) for q in query.subqueries]),
                            query.boost)
        if isinstance(query, Or) and not query.scale and not query.minmatch:
            return _boosted(_union([self.scores(q) for q in query.subqueries]), query.boost)
        if isinstance(query, DisjunctionMax) and not query.tiebreak:
            return _boosted(_best([self.scores(q) for q in query.subqueries]), query.boost)
        return self._matched(query)

    def _term(self, fieldname: str, text) -> Scores:
        searcher = self.searcher
        field = searcher.schema[fieldname] if fieldname in searcher.schema else None
        if field is None:
            return {}
        key = (fieldname, field.to_bytes(text))
        found = self.shared.term(key)
        if found is not None:
            return found
        if self.bm25 is None or not field.scorable:
            scores = self._matched(Term(fieldname, text))
        elif key not in searcher.reader():
            scores = {}
        else:
            scores = self._bm25_scores(*key)
        self.shared.keep(key, scores)
        return scores

    def _bm25_scores(self, fieldname: str, text: bytes) -> Scores:
        """The term's BM25F score in each document, computed as Whoosh's BM25FScorer does."""
        searcher = self.searcher
        b, k1 = self.bm25.B, self.bm25.K1
        average = searcher.avg_field_length(fieldname) or 1
        factor = searcher.idf(fieldname, text) * (k1 + 1)
        base, per_length = k1 * (1 - b), k1 * b / average
        scores: Scores = {}
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if (fieldname, text) not in reader:
                continue
            lengths = self.shared.lengths.get((offset, fieldname))
            if lengths is None:
                lengths = self.shared.lengths.setdefault(
                    (offset, fieldname), [None] * reader.doc_count_all())
            field_length = reader.doc_field_length
            is_deleted = reader.is_deleted if reader.has_deletions() else None
            matcher = reader.postings(fieldname, text)
            if is_deleted is not None and not matcher.is_leaf() and len(matcher.children()) == 1:
                # postings() leaves deleted documents out through a wrapping matcher that
                # costs more than the postings: read what it wraps, skip them below instead
                [matcher] = matcher.children()
            while matcher.is_active():
                doc, weight = matcher.id(), matcher.weight()
                matcher.next()
                length = lengths[doc]
                if length is None:  # the same value whichever thread stores it first
                    length = lengths[doc] = (DELETED if is_deleted and is_deleted(doc)
                                             else field_length(doc, fieldname, 1))
                if length != DELETED:
                    scores[doc + offset] = factor * weight / (weight + base + per_length * length)
        return scores

    def _matched(self, query) -> Scores:
        """Scores through Whoosh's own matchers (what this module does not evaluate itself)."""
        scores: Scores = {}
        context = self.searcher.context()
        for leaf, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(leaf, context)
            while matcher.is_active():
                scores[matcher.id() + offset] = matcher.score()
                matcher.next()
        return scores


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1.0 else {doc: s * boost for doc, s in scores.items()}


def _union(parts: list[Scores]) -> Scores:
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    total = dict(parts[0])
    get = total.get
    for part in parts[1:]:
        for doc, s in part.items():
            total[doc] = get(doc, 0.0) + s
    return total


def _best(parts: list[Scores]) -> Scores:
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    best = dict(parts[0])
    get = best.get
    for part in parts[1:]:
        for doc, s in part.items():
            if s > get(doc, 0.0):
                best[doc] = s
    return best


def _intersection(parts: list[Scores]) -> Scores:
    if not parts:
        return {}
    parts.sort(key=len)
    first, rest = parts[0], parts[1:]
    total: Scores = {}
    for doc, s in first.items():
        for part in rest:
            other = part.get(doc)
            if other is None:
                break
            s += other
        else:
            total[doc] = s
    return total
