"""Ranking term by term (kbtools.search.ranking) gives Whoosh's exhaustive answer.

The reference is Whoosh's own searcher run without a result limit (every document scored by its
matcher tree). The index has several segments and deleted documents, and terms long enough to
span several posting blocks, so the term-by-term BM25F path (postings and field lengths read
through Whoosh's public API) is exercised everywhere, and the path that scores every term through
Whoosh's own matchers (``bm25=None``) must agree too.
"""

from __future__ import annotations

import pytest
from whoosh.query import And, AndMaybe, DisjunctionMax, Or

from bench.search import make_queries
from bench.synth import generate_kb
from kbtools.registry import open_kb
from kbtools.search import engine_for, scope_for, search, update_index
from kbtools.search import query as q
from kbtools.search.engine import _filter
from kbtools.search.ranking import BM25, DEFAULT_BM25, DELETED, Ranker, SharedScores
from kbtools.search.synonyms import load_synonyms


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """A 400-article synthetic KB indexed, then edited: two segments, with deletions."""
    root = tmp_path_factory.mktemp("rankkb") / "kb"
    generate_kb(root, 400, languages=("ru",), seed=3, translate_share=0.3)
    update_index(open_kb(root), full=True)
    sources = sorted(root.glob("docs/**/*.md"))
    for path in sources[100:112]:  # in the middle of the first segment
        path.write_text(path.read_text(encoding="utf-8").replace(
            "\n\n", "\n\nThe invoice customer refund workspace changed again.\n\n", 1),
            encoding="utf-8")
    for path in sources[200:208]:
        path.unlink()
    kb = open_kb(root)
    report = update_index(kb)
    assert report.mode == "incremental" and report.updated and report.removed
    opened = engine_for(kb)._open()
    assert len(opened.searcher.leaf_searchers()) > 1
    assert opened.searcher.reader().has_deletions()
    return kb, opened


def _queries(kb, opened):
    engine = engine_for(kb)
    scope = scope_for(kb)
    synonyms = load_synonyms(engine.root, engine.synonyms_file)
    vocabulary = opened.vocabulary(scope.languages, False)
    texts = make_queries(kb, 60, seed=5) + ["customer refund", "log in workspace invoice",
                                            '"workspace changed"', "возврат денег", "frist sign-in"]
    built = []
    for text in texts:
        units = q.split_units(q.clean(text))
        for languages in (scope.languages, scope.languages[:1]):
            clauses = q.build(q.parse(units, synonyms, vocabulary, languages), languages,
                              vocabulary)
            built.extend(clauses)
            built.extend(q.combine(clauses, [len(clauses) - i for i in range(len(clauses))],
                                   4))
    return built


def _exhaustive(searcher, query, filter_=None):
    """Whoosh's own exhaustive scores, except that a DisjunctionMax is the best of its
    children's Whoosh scores for each document: Whoosh's DisjunctionMaxMatcher takes the max
    of its children's current scores even when one child sits on another document."""
    if not any(isinstance(node, DisjunctionMax) for node in _nodes(query)):
        return {hit.docnum: hit.score
                for hit in searcher.search(query, limit=None, filter=filter_, optimize=False)}
    parts = [_exhaustive(searcher, sub, filter_) for sub in query.subqueries] \
        if not isinstance(query, AndMaybe) else None
    if isinstance(query, DisjunctionMax):
        combined: dict[int, float] = {}
        for part in parts:
            for doc, score in part.items():
                combined[doc] = max(combined.get(doc, 0.0), score)
    elif isinstance(query, AndMaybe):
        required = _exhaustive(searcher, query.a, filter_)
        optional = _exhaustive(searcher, query.b, filter_)
        combined = {doc: s + optional.get(doc, 0.0) for doc, s in required.items()}
    elif type(query) is And:
        docs = set.intersection(*(set(part) for part in parts))
        combined = {doc: sum(part[doc] for part in parts) for doc in docs}
    else:
        assert type(query) is Or, query
        combined = {}
        for part in parts:
            for doc, score in part.items():
                combined[doc] = combined.get(doc, 0.0) + score
    return {doc: score * query.boost for doc, score in combined.items()}


def _nodes(query):
    yield query
    for child in query.children():
        yield from _nodes(child)


@pytest.mark.parametrize("bm25", [DEFAULT_BM25, None], ids=["term-by-term", "matchers"])
def test_scores_equal_whooshs_exhaustive_search(indexed, bm25):
    kb, opened = indexed
    ranker = Ranker(opened.searcher, SharedScores(), bm25=bm25)
    assert ranker.bm25 == bm25
    queries = _queries(kb, opened)
    assert len(queries) > 60
    big = 0
    for query in queries:
        expected = _exhaustive(opened.searcher, query)
        got = ranker.scores(query)
        assert got.keys() == expected.keys(), query
        for doc, score in expected.items():
            assert got[doc] == pytest.approx(score, rel=1e-9), (query, doc)
        big += len(expected) > 128  # more than one posting block
    assert big > 10
    if bm25 is not None:  # postings of a segment with deletions were read, deletions skipped
        assert any(DELETED in lengths for lengths in ranker.shared.lengths.values())


def test_a_searcher_weighted_otherwise_is_scored_by_its_own_matchers(indexed):
    _, opened = indexed
    assert Ranker(opened.searcher, SharedScores(), bm25=BM25(B=0.5)).bm25 is None


def test_top_documents_and_total_follow_the_scores(indexed):
    kb, opened = indexed
    ranker = Ranker(opened.searcher, SharedScores())
    public = _filter(scope_for(kb, public=True))
    allowed = ranker.allowed(public)
    assert allowed and all(opened.searcher.stored_fields(d)["audience"] == "public"
                           for d in allowed)
    for query in _queries(kb, opened)[:40]:
        expected = _exhaustive(opened.searcher, query, public)
        ranked = ranker.rank(query, limit=10, allowed=allowed)
        assert ranked.total == len(expected)
        best = sorted(expected.items(), key=lambda item: (-round(item[1], 9), item[0]))[:10]
        assert [doc for doc, _ in ranked.top] == [doc for doc, _ in best]


def test_deleted_documents_are_never_ranked(indexed):
    kb, opened = indexed
    live = set(opened.searcher.reader().all_doc_ids())
    ranker = Ranker(opened.searcher, SharedScores())
    for query in _queries(kb, opened):
        assert set(ranker.scores(query)) <= live


def test_term_cache_stays_within_its_budget(indexed):
    kb, opened = indexed
    shared = SharedScores(budget=300)
    ranker = Ranker(opened.searcher, shared)
    for query in _queries(kb, opened):
        ranker.scores(query)
    assert 0 < shared._size <= 300
    assert shared._size == sum(len(s) for s in shared._terms.values())


def test_search_total_is_exact_where_whooshs_top_n_collector_is_not(tmp_path):
    """Whoosh's collector prunes subtrees once it has ``limit`` results, which can undercount
    and misrank; the engine now reports the exhaustive total."""
    root = tmp_path / "kb"
    generate_kb(root, 300, languages=(), seed=9, translate_share=0.0)
    kb = open_kb(root)
    results = search(kb, "customer account invoice", limit=5)
    opened = engine_for(kb)._open()
    scope = scope_for(kb)
    synonyms = load_synonyms(engine_for(kb).root, engine_for(kb).synonyms_file)
    vocabulary = opened.vocabulary(scope.languages, False)
    units = q.split_units(q.clean("customer account invoice"))
    languages = scope.languages[:1]
    clauses = q.build(q.parse(units, synonyms, vocabulary, languages), languages, vocabulary)
    ranker = opened.ranker
    query = q.combine(clauses, [ranker.count(c) for c in clauses],
                      opened.searcher.doc_count())[0]
    assert results.language == languages[0]
    assert results.total == len(_exhaustive(opened.searcher, query)) > 5
