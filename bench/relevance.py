"""Search relevance on labelled queries, each figure next to a naive BM25 baseline.

    python bench/relevance.py [--set example|confusable|all] [--distractors 2000]
                              [--seed 7] [--misses] [--json] [--sweep]

Query sets are ``bench/relevance/<set>.yml``: a ``kb:`` name and ``queries``, each with ``q``
(the text an agent types), ``lang`` (the language it is written in), ``expect`` (the path of
the article that answers it) and optionally ``also`` (acceptable alternates) and ``note``.
``kb: example`` is the repository's own KB (``docs/``, ``playbooks/``, ``macros/`` and the
settings files, copied to a temporary folder so the repository's ``.kb/`` is never touched);
any other name is the folder ``bench/relevance/<kb>/``, copied likewise, to which
``--distractors`` synthetic English articles from ``bench/synth.py`` are added (internal, not
translated, in ``distractors/`` subfolders that the KB does not have, so no path of the KB can
be replaced) to measure the ranking among noise. Every ``expect``/``also`` path must be an
article of the KB: the run stops otherwise.

For each set the index is built (``update_index(kb, full=True)``) and every query runs through
``kbtools.search.search(kb, q, limit=10)`` with no language: the engine works the language
out itself. A hit counts when its path is ``expect`` or one of ``also``.

Figures, per language (the query's ``lang``) and overall, per set and for all sets pooled:

- ``R@1``, ``R@3``: share of queries with an acceptable article first / in the top three;
- ``MRR@10``: mean of 1/rank of the first acceptable article in the top ten (0 when none);
- ``detect``: share of queries whose language the engine read right
  (``results.language == lang``);
- the same R@1, R@3 and MRR@10 for the baseline, and ``dR@1`` = kb R@1 - baseline R@1.

The baseline is the floor a search engine must beat: Okapi BM25 (k1 1.2, b 0.75, idf
``ln(1 + (N - n + 0.5) / (n + 0.5))``) in pure Python over ONE field (the title three times,
the tags, the plain body text of ``kbtools.content.plaintext``), words = ``\\w+`` of the
lower-cased text, no stemming, stop words, synonyms or typo tolerance. It is GIVEN the query's
language and ranks only the articles of that language (N, avgdl and document frequencies are
those of that language's articles); each distinct query word counts once. Ties are broken by
path.

Latency: after the pass that measures relevance (the warm-up), every query runs once more and
is timed with ``time.perf_counter``: p50/p95/p99 in ms of ``search()`` (searcher reused) and
of the baseline's ``rank()``. These KBs are small; the latency figures at 10,000 articles (and
index build, end to end, under load) come from ``bench/search.py``.

Targets (for each set and for all): overall R@1 >= 0.92, R@3 >= 0.98, MRR@10 >= 0.95,
kb R@1 - baseline R@1 >= +0.10, and R@1 >= 0.85 in every language.
``--misses`` lists the queries whose first result is not acceptable; ``--json`` prints every
figure (misses included) as JSON instead of tables.

``kb escalate`` is measured on the queries whose answer is a playbook or an answer script: the
share of right decisions (a playbook, or "no playbook fits") at each confidence threshold, the
best one and the one in use (``kbtools.playbooks.escalation.CONFIDENCE``).

``--sweep`` is how the ranking's settings were chosen: each setting in turn (the field weights,
BM25's k1 and b, the intent boost, each language's stemmer) takes each of a few values while
the others keep theirs, the index is rebuilt and every query run again; it prints R@1 and
MRR@10 per set and pooled (and the language's own R@1 for a stemmer), the value in use marked.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.synth import generate_kb  # noqa: E402
from kbtools.content.macros import MacroError, has_macros  # noqa: E402
from kbtools.content.plaintext import plain_text  # noqa: E402
from kbtools.playbooks.escalation import CONFIDENCE, escalate, parse_moment  # noqa: E402
from kbtools.registry import KINDS, open_kb  # noqa: E402
from kbtools.search import QueryError, analysis, intents, ranking, schema, search, update_index  # noqa: E402

SETS_DIR = REPO / "bench" / "relevance"
EXAMPLE_FILES = ("docs", "playbooks", "macros", "kb.yml", "owners.yml", "synonyms.yml",
                 "mkdocs.yml")
"""What of the repository makes the example KB."""
COPY_IGNORE = shutil.ignore_patterns(".kb", ".git", "site", "site-public", "__pycache__")
DISTRACTOR_DIR = "distractors"
LIMIT = 10
ESCALATE_AT = "2026-11-23 10:00"
THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(9))
TARGETS = {"r1": 0.92, "r3": 0.98, "mrr": 0.95, "gain": 0.10, "lang_r1": 0.85}
WORD = re.compile(r"\w+")


# -- query sets ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    """One labelled query."""

    q: str
    lang: str
    expect: str
    also: tuple[str, ...] = ()
    note: str | None = None

    @property
    def acceptable(self) -> frozenset[str]:
        return frozenset((self.expect, *self.also))


def parse_queries(data: dict[str, Any]) -> tuple[str, list[Query]]:
    """``(kb name, queries)`` of a query set's parsed YAML."""
    queries = []
    for n, item in enumerate(data.get("queries") or [], 1):
        missing = [key for key in ("q", "lang", "expect") if not item.get(key)]
        if missing:
            raise ValueError(f"query {n}: missing {', '.join(missing)}")
        also = item.get("also") or []
        also = [also] if isinstance(also, str) else also
        queries.append(Query(str(item["q"]), str(item["lang"]), str(item["expect"]),
                             tuple(str(p) for p in also), item.get("note")))
    return str(data["kb"]), queries


def load_set(path: Path) -> tuple[str, list[Query]]:
    return parse_queries(yaml.safe_load(path.read_text(encoding="utf-8")))


def missing_paths(queries: Iterable[Query], articles: Collection[str]) -> list[str]:
    """``expect``/``also`` paths that are not articles (sorted, each once)."""
    return sorted({p for query in queries for p in query.acceptable if p not in articles})


# -- metrics ---------------------------------------------------------------------------------
def first_rank(ranked: Sequence[str], acceptable: Collection[str],
               k: int | None = None) -> int | None:
    """1-based rank of the first acceptable path among the first ``k`` (all when None)."""
    for rank, path in enumerate(ranked[:k] if k is not None else ranked, 1):
        if path in acceptable:
            return rank
    return None


def recall_at(ranked: Sequence[str], acceptable: Collection[str], k: int) -> float:
    """1.0 when an acceptable path is among the first ``k``, else 0.0."""
    return 1.0 if first_rank(ranked, acceptable, k) is not None else 0.0


def mrr_at(ranked: Sequence[str], acceptable: Collection[str], k: int) -> float:
    """Reciprocal rank of the first acceptable path within the first ``k``, else 0.0."""
    rank = first_rank(ranked, acceptable, k)
    return 1.0 / rank if rank is not None else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank value below which ``fraction`` of ``values`` lie (as bench/search.py)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def scores(rankings: Sequence[tuple[Sequence[str], Collection[str]]]) -> dict[str, float]:
    """``{"r1", "r3", "mrr"}`` averaged over ``(ranked paths, acceptable paths)`` pairs."""
    return {"r1": mean([recall_at(r, a, 1) for r, a in rankings]),
            "r3": mean([recall_at(r, a, 3) for r, a in rankings]),
            "mrr": mean([mrr_at(r, a, LIMIT) for r, a in rankings])}


# -- the naive baseline ----------------------------------------------------------------------
def words(text: str) -> list[str]:
    """The baseline's analysis: ``\\w+`` runs of the lower-cased text, nothing else."""
    return WORD.findall(text.lower())


def baseline_text(title: str, tags: Iterable[str], body: str) -> str:
    """The baseline's one field: the title three times, the tags, the plain body text."""
    return "\n".join([title, title, title, " ".join(tags), body])


class Bm25Baseline:
    """Okapi BM25 over ``(id, lang, text)`` documents, one collection per language."""

    def __init__(self, documents: Iterable[tuple[str, str, str]], *, k1: float = 1.2,
                 b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._ids: dict[str, list[str]] = defaultdict(list)
        self._lengths: dict[str, list[int]] = defaultdict(list)
        self._postings: dict[str, dict[str, dict[int, int]]] = defaultdict(
            lambda: defaultdict(dict))
        for doc_id, lang, text in documents:
            tokens = words(text)
            n = len(self._ids[lang])
            self._ids[lang].append(doc_id)
            self._lengths[lang].append(len(tokens))
            postings = self._postings[lang]
            for term, count in Counter(tokens).items():
                postings[term][n] = count
        self._avgdl = {lang: mean(lengths) or 1.0 for lang, lengths in self._lengths.items()}

    def idf(self, term: str, lang: str) -> float:
        """``ln(1 + (N - n + 0.5) / (n + 0.5))`` in ``lang``'s collection."""
        total = len(self._ids.get(lang, ()))
        found = len(self._postings[lang].get(term, ())) if lang in self._postings else 0
        return math.log(1 + (total - found + 0.5) / (found + 0.5))

    def scores(self, query: str, lang: str) -> dict[str, float]:
        """Every ``lang`` document that has a query word, with its score."""
        if lang not in self._ids:
            return {}
        postings, lengths, avgdl = self._postings[lang], self._lengths[lang], self._avgdl[lang]
        k1, b = self.k1, self.b
        acc: dict[int, float] = defaultdict(float)
        for term in dict.fromkeys(words(query)):
            docs = postings.get(term)
            if not docs:
                continue
            idf = self.idf(term, lang)
            for n, tf in docs.items():
                acc[n] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[n] / avgdl))
        ids = self._ids[lang]
        return {ids[n]: score for n, score in acc.items()}

    def rank(self, query: str, lang: str, k: int = LIMIT) -> list[str]:
        """The ids of the ``k`` best ``lang`` documents for ``query`` (ties by id)."""
        found = self.scores(query, lang)
        return sorted(found, key=lambda doc_id: (-found[doc_id], doc_id))[:k]


def baseline_for(kb) -> Bm25Baseline:
    """The baseline over every article of ``kb``, with the plain text search indexes."""
    return Bm25Baseline(
        (a.path, a.lang, baseline_text(a.title, a.tags,
                                       plain_text(kb, a, public=a.is_public).text))
        for a in kb.corpus.articles)


# -- the knowledge bases ---------------------------------------------------------------------
_KIND_FOLDERS = sorted((k.folder for k in KINDS if k.folder), key=len, reverse=True)


def distractor_path(path: str) -> str:
    """Where a synthetic article goes: a ``distractors/`` folder right inside its kind's
    folder (so it keeps its kind: ``docs/faq/x.md`` -> ``docs/faq/distractors/x.md``), or
    ``docs/distractors/`` for plain articles."""
    for folder in _KIND_FOLDERS:
        if path.startswith(folder):
            return f"{folder}{DISTRACTOR_DIR}/{path[len(folder):]}"
    if path.startswith("docs/"):
        return f"docs/{DISTRACTOR_DIR}/{path[len('docs/'):]}"
    raise ValueError(f"not an article path: {path}")


def is_distractor(path: str) -> bool:
    return any(path.startswith(f"{folder}{DISTRACTOR_DIR}/")
               for folder in (*_KIND_FOLDERS, "docs/"))


def standalone(kb, article) -> str:
    """``article``'s file with its shared-fact macros expanded by ``kb`` (the synthetic KB),
    so that its text does not depend on the facts of the KB it is copied into. Answer-script
    placeholders (``{{ customer_name }}``) are kept as they are."""
    raw = (Path(kb.root) / article.path).read_text(encoding="utf-8")
    head = raw[:len(raw) - len(article.body)]
    if not has_macros(article.body) or head + article.body != raw:
        return raw
    placeholders = getattr(article.details, "placeholders", None) or {}
    try:
        body = kb.macros_for(article.lang).render(
            article.body, path=article.path, first_line=article.body_line,
            variables={name: "{{ " + name + " }}" for name in placeholders})
    except MacroError:
        return raw
    return head + body


def add_distractors(root: Path, count: int, seed: int, work: Path) -> list[str]:
    """Write ``count`` synthetic English internal articles into the KB at ``root``; returns
    their paths.

    They go to ``distractors/`` folders the KB must not have, no file is ever replaced, and
    the KB is loaded before and after to check that its own articles are all still there,
    unchanged in kind, language and audience, and that every new article is a distractor,
    English and internal. Raises :class:`RuntimeError` otherwise.
    """
    for folder in sorted({distractor_path(f"{f}x.md").rsplit("/", 1)[0]
                          for f in (*_KIND_FOLDERS, "docs/")}):
        if (root / folder).exists():
            raise RuntimeError(f"{root / folder} exists: distractors need a folder of their own")
    before = _articles(open_kb(root))
    synth = work / "synth"
    generate_kb(synth, count, seed=seed, public_share=0.0, translate_share=0.0, links=False)
    synth_kb = open_kb(synth)
    written = []
    for article in synth_kb.corpus.articles:
        target = distractor_path(article.path)
        destination = root / target
        if destination.exists():
            raise RuntimeError(f"{destination} exists: a distractor must not replace it")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(standalone(synth_kb, article), encoding="utf-8")
        written.append(target)
    shutil.rmtree(synth)
    after = _articles(open_kb(root))
    extra = set(after) - set(before)
    if any(after.get(path) != was for path, was in before.items()):
        raise RuntimeError("adding distractors changed the KB's own articles")
    if len(written) != count or extra != set(written):
        raise RuntimeError(f"{count} distractors asked for, {len(written)} written, "
                           f"{len(extra)} new articles")
    if any(not is_distractor(path) or after[path][1:] != ("en", False) for path in extra):
        raise RuntimeError("a distractor is outside distractors/, translated or public")
    return written


def _articles(kb) -> dict[str, tuple[str, str, bool]]:
    return {a.path: (a.kind, a.lang, a.is_public) for a in kb.corpus.articles}


@dataclass
class Prepared:
    """A KB copied to a temporary folder, indexed."""

    kb: Any
    root: Path
    articles: int
    distractors: int
    index_seconds: float


def copy_kb(name: str, root: Path) -> None:
    """Copy KB ``name`` (``example``: the repository's; else ``bench/relevance/<name>/``)."""
    if name == "example":
        root.mkdir(parents=True)
        for entry in EXAMPLE_FILES:
            source = REPO / entry
            if source.is_dir():
                shutil.copytree(source, root / entry, ignore=COPY_IGNORE)
            elif source.exists():
                shutil.copy2(source, root / entry)
        return
    source = SETS_DIR / name
    if not (source / "docs").is_dir():
        raise SystemExit(f"no KB folder {source.relative_to(REPO)} (kb: {name})")
    shutil.copytree(source, root, ignore=COPY_IGNORE)


def prepare_kb(name: str, work: Path, distractors: int, seed: int) -> Prepared:
    """Copy KB ``name`` into ``work``, add distractors (never to ``example``), index it."""
    root = work / name
    copy_kb(name, root)
    if name == "example":
        distractors = 0
    if distractors:
        add_distractors(root, distractors, seed, work)
    kb = open_kb(root)
    started = time.perf_counter()
    update_index(kb, full=True)
    return Prepared(kb, root, len(kb.corpus.articles), distractors,
                    time.perf_counter() - started)


# -- running a set ---------------------------------------------------------------------------
@dataclass
class Outcome:
    """One query's rankings (kb engine and baseline) and what the engine read it as."""

    query: Query
    kb: list[str]
    base: list[str]
    detected: str | None
    error: str | None = None

    @property
    def kb_rank(self) -> int | None:
        return first_rank(self.kb, self.query.acceptable, LIMIT)

    @property
    def base_rank(self) -> int | None:
        return first_rank(self.base, self.query.acceptable, LIMIT)


@dataclass
class SetRun:
    name: str
    kb_name: str
    articles: int
    distractors: int
    index_seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    kb_times: list[float] = field(default_factory=list)
    base_times: list[float] = field(default_factory=list)
    escalations: list[tuple[float, bool]] = field(default_factory=list)
    """``(confidence, a playbook is expected)`` of ``kb escalate`` for every query whose
    expected article is a playbook or an answer script."""


def run_kb_query(kb, text: str) -> tuple[list[str], str | None, str | None]:
    """``(paths, language read, error)`` of ``search(kb, text)`` with no language given."""
    try:
        found = search(kb, text, limit=LIMIT)
    except QueryError as exc:
        return [], None, str(exc)
    return [hit.path for hit in found.results], found.language, None


def run_set(name: str, work: Path, distractors: int, seed: int) -> SetRun:
    kb_name, queries = load_set(SETS_DIR / f"{name}.yml")
    prepared = prepare_kb(kb_name, work / name, distractors, seed)
    kb = prepared.kb
    missing = missing_paths(queries, {a.path for a in kb.corpus.articles})
    if missing:
        raise SystemExit(f"{name}.yml: expected paths that are not articles of kb "
                         f"{kb_name!r}: {', '.join(missing)}")
    bad_langs = sorted({q.lang for q in queries} - set(kb.config.languages))
    if bad_langs:
        raise SystemExit(f"{name}.yml: languages not in kb {kb_name!r}: {', '.join(bad_langs)}")
    baseline = baseline_for(kb)
    run = SetRun(name, kb_name, prepared.articles, prepared.distractors, prepared.index_seconds)
    for query in queries:  # the measured pass, also the warm-up of the timed one
        paths, detected, error = run_kb_query(kb, query.q)
        run.outcomes.append(Outcome(query, paths, baseline.rank(query.q, query.lang, LIMIT),
                                    detected, error))
    at = parse_moment(ESCALATE_AT, kb.facts.hours)
    for query in queries:
        kind = kb.corpus.get(query.expect).kind
        if kind in ("playbook", "script"):
            run.escalations.append((escalate(kb, query.q, at=at).confidence or 0.0,
                                    kind == "playbook"))
    for query in queries:
        started = time.perf_counter()
        run_kb_query(kb, query.q)
        run.kb_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline.rank(query.q, query.lang, LIMIT)
        run.base_times.append(time.perf_counter() - started)
    return run


# -- figures ---------------------------------------------------------------------------------
def row(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The figures of one table row."""
    kb = scores([(o.kb, o.query.acceptable) for o in outcomes])
    base = scores([(o.base, o.query.acceptable) for o in outcomes])
    return {"n": len(outcomes), "kb": kb, "baseline": base, "gain_r1": kb["r1"] - base["r1"],
            "detected": mean([1.0 if o.detected == o.query.lang else 0.0 for o in outcomes]),
            "errors": sum(1 for o in outcomes if o.error)}


def language_order(outcomes: Iterable[Outcome]) -> list[str]:
    """Languages by number of queries (most first), then by name."""
    counts = Counter(o.query.lang for o in outcomes)
    return sorted(counts, key=lambda lang: (-counts[lang], lang))


def table(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """``{"languages": {lang: row}, "overall": row}``."""
    return {"languages": {lang: row([o for o in outcomes if o.query.lang == lang])
                          for lang in language_order(outcomes)},
            "overall": row(outcomes)}


def latency(kb_times: Sequence[float], base_times: Sequence[float]) -> dict[str, Any]:
    return {who: {label: round(percentile(times, fraction) * 1000, 3)
                  for label, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}
            for who, times in (("kb", kb_times), ("baseline", base_times))}


def targets(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target: the value measured and whether it is met."""
    overall = figures["overall"]
    lang_r1 = {lang: r["kb"]["r1"] for lang, r in figures["languages"].items()}
    weakest = min(lang_r1.values(), default=0.0)
    return {
        "r1": {"label": f"overall R@1 >= {TARGETS['r1']:.2f}", "value": overall["kb"]["r1"],
               "met": overall["kb"]["r1"] >= TARGETS["r1"]},
        "r3": {"label": f"overall R@3 >= {TARGETS['r3']:.2f}", "value": overall["kb"]["r3"],
               "met": overall["kb"]["r3"] >= TARGETS["r3"]},
        "mrr": {"label": f"overall MRR@10 >= {TARGETS['mrr']:.2f}",
                "value": overall["kb"]["mrr"], "met": overall["kb"]["mrr"] >= TARGETS["mrr"]},
        "gain": {"label": f"R@1 kb - baseline >= {TARGETS['gain']:+.2f}",
                 "value": overall["gain_r1"],
                 "met": overall["gain_r1"] >= TARGETS["gain"] - 1e-9},
        "lang_r1": {"label": f"every language R@1 >= {TARGETS['lang_r1']:.2f}",
                    "value": weakest, "met": bool(lang_r1) and weakest >= TARGETS["lang_r1"],
                    "below": {lang: v for lang, v in lang_r1.items()
                              if v < TARGETS["lang_r1"]}},
    }


def misses(run_name: str, outcomes: Iterable[Outcome]) -> list[dict[str, Any]]:
    """Queries whose first kb result is not acceptable."""
    return [{"set": run_name, "q": o.query.q, "lang": o.query.lang, "expect": o.query.expect,
             "also": list(o.query.also), "first": o.kb[0] if o.kb else None,
             "rank": o.kb_rank, "baseline_rank": o.base_rank, "detected": o.detected,
             "note": o.query.note, "error": o.error}
            for o in outcomes if o.kb_rank != 1]


def report(runs: Sequence[SetRun]) -> dict[str, Any]:
    """Every figure, per set and (with more than one set) for all sets pooled."""
    scopes: dict[str, dict[str, Any]] = {}
    for run in runs:
        figures = table(run.outcomes)
        scopes[run.name] = {"kb": run.kb_name, "articles": run.articles,
                            "distractors": run.distractors,
                            "index_s": round(run.index_seconds, 2), **figures,
                            "latency_ms": latency(run.kb_times, run.base_times),
                            "targets": targets(figures),
                            "misses": misses(run.name, run.outcomes)}
    for run in runs:
        scopes[run.name]["escalate"] = escalate_figures(run.escalations)
    if len(runs) > 1:
        pooled = [o for run in runs for o in run.outcomes]
        figures = table(pooled)
        scopes["all"] = {**figures,
                         "escalate": escalate_figures([e for r in runs for e in r.escalations]),
                         "latency_ms": latency([t for r in runs for t in r.kb_times],
                                               [t for r in runs for t in r.base_times]),
                         "targets": targets(figures)}
    return scopes


def escalate_figures(escalations: Sequence[tuple[float, bool]]) -> dict[str, Any]:
    """How often ``kb escalate`` decides right (a playbook when one is expected, "no playbook
    fits" when an answer script is) at each confidence threshold, and the best threshold."""
    by_threshold = {}
    for threshold in THRESHOLDS:
        wrong_playbook = sum(1 for c, wanted in escalations if c >= threshold and not wanted)
        missed_playbook = sum(1 for c, wanted in escalations if c < threshold and wanted)
        right = len(escalations) - wrong_playbook - missed_playbook
        by_threshold[f"{threshold:.2f}"] = {
            "accuracy": round(right / len(escalations), 3) if escalations else 0.0,
            "playbook_for_a_script_question": wrong_playbook,
            "no_playbook_for_an_incident": missed_playbook}
    best = max(THRESHOLDS, key=lambda t: (by_threshold[f"{t:.2f}"]["accuracy"], -abs(t - 0.5)))
    return {"n": len(escalations), "playbook_expected": sum(w for _, w in escalations),
            "current": CONFIDENCE, "best": best, "thresholds": by_threshold}


# -- printing --------------------------------------------------------------------------------
def print_tables(scopes: dict[str, Any]) -> None:
    head = (f"  {'lang':<8}{'n':>5}   {'R@1':>5} {'R@3':>5} {'MRR@10':>6}   "
            f"{'R@1':>5} {'R@3':>5} {'MRR@10':>6}   {'dR@1':>6}   {'detect':>6}")
    for name, scope in scopes.items():
        if name == "all":
            title = f"all sets ({scope['overall']['n']} queries)"
        else:
            title = (f"{name} (kb {scope['kb']}: {scope['articles']} articles"
                     f"{', ' + str(scope['distractors']) + ' of them distractors' if scope['distractors'] else ''}"
                     f"; {scope['overall']['n']} queries; index built in {scope['index_s']} s)")
        print(title)
        print(f"  {'':<13}   {'kb engine (no lang)':<18}   {'baseline (lang given)':<21}")
        print(head)
        for lang, r in [*scope["languages"].items(), ("overall", scope["overall"])]:
            kb, base = r["kb"], r["baseline"]
            errors = f"   ({r['errors']} query errors)" if r["errors"] else ""
            print(f"  {lang:<8}{r['n']:>5}   {kb['r1']:5.3f} {kb['r3']:5.3f} {kb['mrr']:6.3f}   "
                  f"{base['r1']:5.3f} {base['r3']:5.3f} {base['mrr']:6.3f}   "
                  f"{r['gain_r1']:+6.3f}   {r['detected']:6.1%}{errors}")
        print()


def print_targets(scopes: dict[str, Any]) -> None:
    names = list(scopes)
    print(f"targets (kb engine){'':<17}" + "".join(f"{n:>16}" for n in names))
    for key in TARGETS:
        label = scopes[names[0]]["targets"][key]["label"]
        cells = []
        for name in names:
            target = scopes[name]["targets"][key]
            cell = f"{'PASS' if target['met'] else 'MISS'} {target['value']:+.3f}" \
                if key == "gain" else f"{'PASS' if target['met'] else 'MISS'} {target['value']:.3f}"
            cells.append(f"{cell:>16}")
        print(f"  {label:<34}" + "".join(cells))
    for name in names:
        below = scopes[name]["targets"]["lang_r1"]["below"]
        if below:
            print(f"  {name}: languages below {TARGETS['lang_r1']:.2f}: "
                  + ", ".join(f"{lang} {v:.3f}" for lang, v in below.items()))
    print()


def print_latency(scopes: dict[str, Any]) -> None:
    print("warm query latency, ms (every query once more after the measured pass)")
    print(f"  {'':<12}{'kb p50':>9}{'p95':>9}{'p99':>9}   {'baseline p50':>13}{'p95':>9}"
          f"{'p99':>9}   {'p95 kb/baseline':>15}")
    for name, scope in scopes.items():
        kb, base = scope["latency_ms"]["kb"], scope["latency_ms"]["baseline"]
        ratio = kb["p95"] / base["p95"] if base["p95"] else 0.0
        print(f"  {name:<12}{kb['p50']:9.2f}{kb['p95']:9.2f}{kb['p99']:9.2f}   "
              f"{base['p50']:13.2f}{base['p95']:9.2f}{base['p99']:9.2f}   {ratio:14.1f}x")
    print("  (small KBs: latency at 10,000 articles, index builds and end to end come from "
          "bench/search.py)")
    print()


def print_misses(scopes: dict[str, Any]) -> None:
    for name, scope in scopes.items():
        if name == "all":
            continue
        found = scope["misses"]
        print(f"misses in {name}: {len(found)} of {scope['overall']['n']} queries have no "
              f"acceptable article first")
        for miss in found:
            rank = f"rank {miss['rank']}" if miss["rank"] else f"not in top {LIMIT}"
            base = (f"rank {miss['baseline_rank']}" if miss["baseline_rank"]
                    else f"not in top {LIMIT}")
            print(f"  [{miss['lang']}] {miss['q']}")
            print(f"      expected {miss['expect']}"
                  + (f" (or {', '.join(miss['also'])})" if miss["also"] else "")
                  + f": {rank}; baseline {base}")
            print(f"      first    {miss['first'] or '(no results)'}; read as "
                  f"{miss['detected'] or 'no language'}"
                  + (f"; note: {miss['note']}" if miss["note"] else "")
                  + (f"; error: {miss['error']}" if miss["error"] else ""))
        print()


def print_escalate(scopes: dict[str, Any]) -> None:
    print("\nkb escalate: the right decision (a playbook / \"no playbook fits\") for queries "
          "whose answer is a playbook or an answer script, by confidence threshold")
    for name, scope in scopes.items():
        figures = scope["escalate"]
        cells = "  ".join(f"{t}: {v['accuracy']:.3f}" for t, v in figures["thresholds"].items())
        current = figures["thresholds"].get(f"{figures['current']:.2f}", {})
        print(f"  {name:<11} n={figures['n']:<4} {cells}")
        print(f"  {'':<11} best {figures['best']:.2f}; in use {figures['current']:.2f}: "
              f"accuracy {current.get('accuracy', 0):.3f}, "
              f"{current.get('playbook_for_a_script_question', 0)} playbooks for script "
              f"questions, {current.get('no_playbook_for_an_incident', 0)} incidents "
              f"without a playbook")


# -- choosing the settings -------------------------------------------------------------------
SWEEP: dict[str, tuple] = {
    "title": (2.0, 3.0, 5.0), "summary": (1.0, 2.0, 3.0), "headings": (1.0, 1.5, 2.0),
    "k1": (0.9, 1.2, 1.6), "b": (0.6, 0.75, 0.9), "intent": (1.0, 1.3, 1.6),
    "stem_en": ("snowball", "none"), "stem_ru": ("snowball", "none"),
    "stem_ar": ("isri", "snowball", "none"), "stem_fa": ("light", "snowball", "none"),
    "stem_sl": ("lemmagen", "light", "none"),
}
"""The values ``--sweep`` tries for each setting."""


def current_setting(name: str):
    """The value the engine uses now for sweep setting ``name``."""
    if name in ("title", "summary", "headings"):
        return schema.WEIGHTS[name]
    if name in ("k1", "b"):
        return ranking.DEFAULT_BM25.K1 if name == "k1" else ranking.DEFAULT_BM25.B
    if name == "intent":
        return intents.INTENT_BOOST
    return analysis.stemmer_choice(name.removeprefix("stem_"))


@contextmanager
def setting(name: str, value):
    """The engine's module-level ranking settings with ``name`` set to ``value``, restored
    afterwards (an index built meanwhile must be rebuilt: its schema key says so)."""
    saved = (dict(schema.WEIGHTS), ranking.DEFAULT_BM25, intents.INTENT_BOOST,
             dict(analysis.STEMMERS))
    if name in ("title", "summary", "headings"):
        schema.WEIGHTS = {**schema.WEIGHTS, name: value}
    elif name in ("k1", "b"):
        ranking.DEFAULT_BM25 = replace(ranking.DEFAULT_BM25, **{name.upper(): value})
    elif name == "intent":
        intents.INTENT_BOOST = value
    else:
        analysis.STEMMERS[name.removeprefix("stem_")] = value
    analysis.analyzer.cache_clear()
    try:
        yield
    finally:
        schema.WEIGHTS, ranking.DEFAULT_BM25, intents.INTENT_BOOST = saved[:3]
        analysis.STEMMERS.clear()
        analysis.STEMMERS.update(saved[3])
        analysis.analyzer.cache_clear()


def sweep(names: Sequence[str], work: Path, distractors: int, seed: int) -> list[dict]:
    """One row per (setting, value): R@1 and MRR@10 per set and pooled."""
    sets = []
    for name in names:
        kb_name, queries = load_set(SETS_DIR / f"{name}.yml")
        sets.append((name, prepare_kb(kb_name, work / name, distractors, seed).root, queries))
    rows = []
    for setting_name, values in SWEEP.items():
        in_use = current_setting(setting_name)
        for value in values:
            with setting(setting_name, value):
                found: dict[str, list[tuple[list[str], Query]]] = {}
                for name, root, queries in sets:
                    kb = open_kb(root)
                    update_index(kb, full=True)
                    found[name] = [(run_kb_query(kb, q.q)[0], q) for q in queries]
            pooled = [pair for pairs in found.values() for pair in pairs]
            row = {"setting": setting_name, "value": value, "in_use": value == in_use,
                   "all": scores([(paths, q.acceptable) for paths, q in pooled])}
            for name, pairs in found.items():
                row[name] = scores([(paths, q.acceptable) for paths, q in pairs])
            if setting_name.startswith("stem_"):
                lang = setting_name.removeprefix("stem_")
                own = [(paths, q.acceptable) for paths, q in pooled if q.lang == lang]
                row["lang_r1"] = scores(own)["r1"] if own else None
            rows.append(row)
    return rows


def print_sweep(rows: Sequence[dict], names: Sequence[str]) -> None:
    print("settings sweep (one setting at a time; * = in use)")
    print(f"  {'setting':<10}{'value':>10}   {'all R@1':>7} {'MRR@10':>6}   "
          + "   ".join(f"{n[:10]:>10} R@1" for n in names) + "   lang R@1")
    for row in rows:
        own = f"{row['lang_r1']:.3f}" if row.get("lang_r1") is not None else ""
        print(f"{'*' if row['in_use'] else ' '} {row['setting']:<10}{row['value']!s:>10}   "
              f"{row['all']['r1']:7.3f} {row['all']['mrr']:6.3f}   "
              + "   ".join(f"{row[n]['r1']:14.3f}" for n in names) + f"   {own:>8}")


def available_sets() -> list[str]:
    """The query sets of ``bench/relevance/``: example and confusable first, then by name."""
    names = {p.stem for p in SETS_DIR.glob("*.yml")}
    first = [n for n in ("example", "confusable") if n in names]
    return first + sorted(names - set(first))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="all",
                        help="a query set of bench/relevance/ (example, confusable) or all")
    parser.add_argument("--distractors", type=int, default=2000,
                        help="synthetic articles added to every KB but example (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the distractors")
    parser.add_argument("--misses", action="store_true",
                        help="list the queries whose first result is not acceptable")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    parser.add_argument("--sweep", action="store_true",
                        help="try other values of each ranking setting, one at a time")
    args = parser.parse_args(argv)
    sets = available_sets()
    names = sets if args.set == "all" else [args.set]
    if not names or any(n not in sets for n in names):
        parser.error(f"no query set {args.set!r} (bench/relevance/ has: "
                     f"{', '.join(sets) or 'none'})")
    if args.distractors < 0:
        parser.error("--distractors must be 0 or more")

    work = Path(tempfile.mkdtemp(prefix="kb-bench-relevance-"))
    if args.sweep:
        try:
            rows = sweep(names, work, args.distractors, args.seed)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if args.json:
            print(json.dumps({"sweep": rows}, indent=2))
        else:
            print_sweep(rows, names)
        return
    try:
        runs = []
        for name in names:
            if not args.json:
                print(f"running {name}...", file=sys.stderr, flush=True)
            runs.append(run_set(name, work, args.distractors, args.seed))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    scopes = report(runs)
    if args.json:
        print(json.dumps({"limit": LIMIT, "targets": TARGETS, "sets": scopes}, indent=2))
        return
    print_tables(scopes)
    print_targets(scopes)
    print_latency(scopes)
    print_escalate(scopes)
    if args.misses:
        print_misses(scopes)


if __name__ == "__main__":
    main()
