"""Search on a synthetic KB, each figure next to SQLite FTS5 (standard library) on the same text,
and the index build and query latency next to tantivy too.

    python bench/search.py [--articles 10000] [--translations] [--queries 200]
                           [--load-seconds 20] [--kb DIR]

Measures, for Whoosh (kbtools.search) and for FTS5 in the same process on the same plain text
(``kbtools.content.plaintext``) and the same queries:

- full index build (Whoosh: ``update_index(full=True)``, rendering included; FTS5: rendering
  plus inserts into an ``fts5`` table, ``porter unicode61`` tokenizer; the plain text is
  rendered once, timed, and that time counted in each reference's build);
- incremental update of one edited article (Whoosh: new generation with one document replaced;
  FTS5: one DELETE + INSERT);
- warm query latency p50/p95/p99 (searcher reused; Whoosh with typo correction, synonyms and
  snippets; FTS5 with an OR of the words, bm25 ranking and ``snippet()``, and no typo
  tolerance, which it does not have);
- end-to-end ``kb search --json`` (a new process: start-up, loading the KB, the freshness
  check and the query) next to a new process that runs the FTS5 query;
- ``kb serve`` under 50 concurrent clients for ``--load-seconds`` while a full reindex runs.

tantivy (the Rust engine, through its official Python bindings: ``pip install -e '.[bench]'``)
is a second reference for the full build and the warm queries, on the same plain text and
queries: the same rendering time plus adding the documents (``path`` stored, ``title`` and
``body`` with the ``en_stem`` tokenizer) with one writer thread, then commit; the query is
FTS5's OR of the quoted words, parsed with the title boosted 4x like FTS5's bm25 weights,
ranked by tantivy's default BM25, and each of the ten hits is read back with a snippet of its
body. When ``tantivy`` is not installed a line says so and only that reference is skipped.

Ratios are Whoosh / reference (FTS5, tantivy): above 1 means Whoosh is slower. Loading the KB
(``open_kb``) is printed on its own: it is the loader's cost, paid by both front-ends.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.synth import generate_kb  # noqa: E402
from kbtools.content.plaintext import plain_text  # noqa: E402
from kbtools.registry import open_kb  # noqa: E402
from kbtools.search import engine_for, scope_for, search, update_index  # noqa: E402

KB_BIN = REPO / ".venv" / "bin" / "kb"
TARGETS = {"build": 20.0, "incremental": 1.0, "p95": 0.020, "end_to_end": 0.5}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def make_queries(kb, count: int, seed: int) -> list[str]:
    """Agent-like queries from titles: two or three title words, a third with one typo."""
    rng = random.Random(seed)
    titles = [a.title for a in kb.corpus.articles if a.lang == kb.config.default_language]
    queries = []
    for n in range(count):
        words = [w for w in rng.choice(titles).lower().replace("?", "").split() if len(w) > 3]
        words = rng.sample(words, min(len(words), rng.choice((2, 3)))) or ["refund"]
        if n % 3 == 0:
            word = words[0]
            if len(word) > 4:
                i = rng.randrange(1, len(word) - 2)
                words[0] = word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swap two letters
        queries.append(" ".join(words))
    return queries


class Fts5:
    """The reference: SQLite FTS5 on the same rendered text."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body, "
                        "tokenize='porter unicode61 remove_diacritics 2')")

    def build(self, kb, texts: dict[str, str]) -> None:
        rows = ((a.path, a.title, texts[a.path]) for a in kb.corpus.articles)
        with self.db:
            self.db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
            self.db.execute("INSERT INTO docs(docs) VALUES('optimize')")

    def update(self, kb, path: str) -> None:
        article = kb.corpus.get(path)
        with self.db:
            self.db.execute("DELETE FROM docs WHERE path = ?", (path,))
            self.db.execute("INSERT INTO docs VALUES (?, ?, ?)",
                            (path, article.title, plain_text(kb, article).text))

    def query(self, text: str) -> list:
        return self.db.execute(QUERY_SQL, (fts_match(text),)).fetchall()


QUERY_SQL = ("SELECT path, title, snippet(docs, 2, '<mark>', '</mark>', '…', 24) FROM docs "
             "WHERE docs MATCH ? ORDER BY bm25(docs, 0, 4.0, 1.0) LIMIT 10")


def fts_match(text: str) -> str:
    words = ['"' + w.replace('"', "") + '"' for w in text.split() if w.strip('"')]
    return " OR ".join(words) or '""'


class Tantivy:
    """The second reference: tantivy on the same rendered text (None from :meth:`open` when
    the ``tantivy`` package is not installed)."""

    def __init__(self, tantivy, path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("path", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=str(path))
        self.searcher = None

    @classmethod
    def open(cls, path: Path) -> Tantivy | None:
        try:
            import tantivy
        except ImportError:
            return None
        return cls(tantivy, path)

    def build(self, kb, texts: dict[str, str]) -> None:
        writer = self.index.writer(heap_size=128_000_000, num_threads=1)
        for a in kb.corpus.articles:
            writer.add_document(self.tantivy.Document(path=a.path, title=a.title,
                                                      body=texts[a.path]))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def query(self, text: str) -> list:
        query, _errors = self.index.parse_query_lenient(fts_match(text), ["title", "body"],
                                                        field_boosts={"title": 4.0})
        snippets = self.tantivy.SnippetGenerator.create(self.searcher, query, self.schema,
                                                        "body")
        found = []
        for _score, address in self.searcher.search(query, 10).hits:
            doc = self.searcher.doc(address)
            found.append((doc["path"][0], doc["title"][0],
                          snippets.snippet_from_doc(doc).to_html()))
        return found


def timed(job) -> tuple[float, object]:
    started = time.perf_counter()
    result = job()
    return time.perf_counter() - started, result


def line(label: str, whoosh: float, fts: float | None, unit: str = "s",
         target: float | None = None, tantivy: float | None = None) -> None:
    scale = 1000 if unit == "ms" else 1
    text = f"  {label:<34} whoosh {whoosh * scale:9.1f} {unit}"
    if fts is not None:
        text += f"   fts5 {fts * scale:9.1f} {unit}   ratio {whoosh / fts if fts else 0:7.1f}x"
    if tantivy is not None:
        text += (f"   tantivy {tantivy * scale:9.1f} {unit}   "
                 f"ratio {whoosh / tantivy if tantivy else 0:7.1f}x")
    if target is not None:
        text += f"   target {target * scale:g} {unit}: {'met' if whoosh <= target else 'MISSED'}"
    print(text, flush=True)


def matcher_tree_times(engine, scope, queries: list[str]) -> list[float]:
    """Whoosh's own ``searcher.search`` on the query the engine ranks with (what the engine
    ran before ``kbtools.search.ranking``): the ranking step only, no parsing or snippets."""
    from kbtools.search import language
    from kbtools.search import query as q
    from kbtools.search.synonyms import load_synonyms

    opened = engine._open()
    synonyms = load_synonyms(engine.root, engine.synonyms_file)
    vocabulary = opened.vocabulary(scope.languages, scope.public)
    size = vocabulary.doc_count
    times = []
    for text in queries:
        units = q.split_units(q.clean(text))
        reading = language.read(q.words_of(units), scope.languages, vocabulary.has)
        languages = reading.languages[:1] if reading.language else reading.languages
        clauses = q.build(q.parse(units, synonyms, vocabulary, languages), languages,
                          vocabulary)
        built = q.combine(clauses, [opened.ranker.count(c) for c in clauses], size)
        if not built:
            continue
        times.append(timed(lambda query=built[0]: opened.searcher.search(
            query, limit=10, optimize=False))[0])
    return times


def end_to_end(root: Path, db: Path, queries: list[str]) -> tuple[list[float], list[float]]:
    whoosh, fts = [], []
    script = ("import sqlite3,sys;db=sqlite3.connect(sys.argv[1]);"
              f"print(db.execute({QUERY_SQL!r},(sys.argv[2],)).fetchall())")
    for text in queries:
        seconds, result = timed(lambda t=text: subprocess.run(
            [str(KB_BIN), "--root", str(root), "search", t, "--json"], capture_output=True))
        assert result.returncode == 0, result.stderr
        whoosh.append(seconds)
        seconds, result = timed(lambda t=text: subprocess.run(
            [sys.executable, "-c", script, str(db), fts_match(t)], capture_output=True))
        fts.append(seconds)
    return whoosh, fts


def load_test(root: Path, seconds: float, queries: list[str]) -> None:
    import httpx

    from tests.test_server import kb_serve

    latencies: list[float] = []
    errors: list[str] = []
    with kb_serve(root) as url:
        stop = time.monotonic() + seconds
        reindex = threading.Thread(target=subprocess.run, args=(
            [str(KB_BIN), "--root", str(root), "index", "--full"],), kwargs={"capture_output": True})
        reindex.start()

        async def client(n: int) -> None:
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                while time.monotonic() < stop:
                    started = time.perf_counter()
                    try:
                        response = await http.get("/api/search",
                                                  params={"q": queries[n % len(queries)]})
                        if response.status_code != 200:
                            errors.append(str(response.status_code))
                    except httpx.HTTPError as exc:
                        errors.append(repr(exc))
                    latencies.append(time.perf_counter() - started)
                    n += 1

        async def run() -> None:
            await asyncio.gather(*(client(n) for n in range(50)))

        asyncio.run(run())
        reindex.join()
    print(f"  kb serve, 50 clients, {seconds:.0f} s with a full reindex running: "
          f"{len(latencies)} requests ({len(latencies) / seconds:.0f}/s), errors {len(errors)}, "
          f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--translations", action="store_true",
                        help="include the generator's translations (about 2.5x the documents)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--kb", type=Path, default=None, help="reuse (or create) this KB folder")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kb-bench-search-"))
    root = args.kb or work / "kb"
    if not (root / "docs").is_dir():
        started = time.perf_counter()
        generate_kb(root, args.articles, seed=args.seed,
                    translate_share=1.0 if args.translations else 0.0)
        print(f"generated {args.articles} articles in {time.perf_counter() - started:.0f} s "
              f"at {root}", flush=True)
    load_seconds, kb = timed(lambda: open_kb(root))
    print(f"{len(kb.corpus.articles)} documents ({args.articles} source articles"
          f"{', with translations' if args.translations else ''}); "
          f"open_kb {load_seconds:.1f} s (the loader, shared by every command)", flush=True)
    queries = make_queries(kb, args.queries, args.seed)
    fts = Fts5(work / "fts5.db")
    tv = Tantivy.open(work / "tantivy")

    print("build and update:")
    build, _ = timed(lambda: update_index(kb, full=True))
    fresh = open_kb(root)  # not the caches the Whoosh build may have filled in this process
    render, texts = timed(lambda: {a.path: plain_text(fresh, a).text
                                   for a in fresh.corpus.articles})
    fts_insert, _ = timed(lambda: fts.build(kb, texts))
    tv_insert = timed(lambda: tv.build(kb, texts))[0] if tv else None
    fts_build = render + fts_insert
    tv_build = render + tv_insert if tv_insert is not None else None
    line("full build", build, fts_build, target=TARGETS["build"], tantivy=tv_build)
    print(f"  (the references: {render:.1f} s rendering the plain text once, counted in each, "
          f"then indexing: fts5 {fts_insert:.1f} s"
          + (f", tantivy {tv_insert:.1f} s)" if tv_insert is not None else ")"))
    if tv is None:
        print("  (tantivy is not installed: pip install -e '.[bench]'; that reference is "
              "skipped)")

    edited = next(a for a in kb.corpus.articles if a.kind == "faq")
    file = root / edited.path
    file.write_text(file.read_text(encoding="utf-8") + "\nA new line about quasar refunds.\n",
                    encoding="utf-8")
    reload_seconds, kb = timed(lambda: open_kb(root))
    incremental, report = timed(lambda: update_index(kb))
    assert report.mode == "incremental" and report.updated == (edited.path,), report
    fts_update, _ = timed(lambda: fts.update(kb, edited.path))
    line("incremental (one article)", incremental, fts_update, target=TARGETS["incremental"])
    print(f"  (plus open_kb {reload_seconds:.1f} s to see the edit)")

    print(f"warm queries ({len(queries)}, searcher reused, typo tolerance on):")
    engine, scope = engine_for(kb), scope_for(kb)
    from kbtools import clock
    today = clock.today()
    for text in queries[:10]:
        engine.search(text, scope, limit=10, today=today)
        fts.query(text)
        if tv:
            tv.query(text)
    whoosh_times = [timed(lambda t=t: engine.search(t, scope, limit=10, today=today))[0]
                    for t in queries]
    fts_times = [timed(lambda t=t: fts.query(t))[0] for t in queries]
    tv_times = [timed(lambda t=t: tv.query(t))[0] for t in queries] if tv else []
    for label, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        line(f"query {label}", percentile(whoosh_times, fraction),
             percentile(fts_times, fraction), "ms",
             target=TARGETS["p95"] if label == "p95" else None,
             tantivy=percentile(tv_times, fraction) if tv else None)
    tree_times = matcher_tree_times(engine, scope, queries)
    if tree_times:
        print(f"  before: the same parsed queries through Whoosh's own top-10 search "
              f"(its matcher tree): p50 {percentile(tree_times, 0.5) * 1000:.1f} ms, "
              f"p95 {percentile(tree_times, 0.95) * 1000:.1f} ms "
              f"({percentile(tree_times, 0.95) / percentile(whoosh_times, 0.95):.1f}x the p95 "
              f"above, which includes parsing and snippets)", flush=True)
    hits = sum(1 for t in queries[:50] if search(kb, t, limit=10).results)
    print(f"  whoosh answered {hits}/50 of the first queries; fts5 "
          f"{sum(1 for t in queries[:50] if fts.query(t))}/50"
          + (f", tantivy {sum(1 for t in queries[:50] if tv.query(t))}/50" if tv else "")
          + " (no typo tolerance)")

    print("end to end (a new process per query):")
    whoosh_e2e, fts_e2e = end_to_end(root, fts.path, queries[:10])
    line("kb search --json, median", statistics.median(whoosh_e2e), statistics.median(fts_e2e),
         target=TARGETS["end_to_end"])
    print("  (the fts5 process only opens the database: it loads no KB and checks no "
          "freshness)")

    if args.load_seconds > 0:
        print("server:")
        load_test(root, args.load_seconds, queries)
    print(json.dumps({"documents": len(kb.corpus.articles), "open_kb_s": round(load_seconds, 2),
                      "build_s": round(build, 2), "fts5_build_s": round(fts_build, 2),
                      "incremental_s": round(incremental, 3),
                      "p95_ms": round(percentile(whoosh_times, 0.95) * 1000, 1),
                      "fts5_p95_ms": round(percentile(fts_times, 0.95) * 1000, 2),
                      "tantivy_build_s": round(tv_build, 2) if tv_build is not None else None,
                      "tantivy_p95_ms": (round(percentile(tv_times, 0.95) * 1000, 2)
                                         if tv else None),
                      "end_to_end_s": round(statistics.median(whoosh_e2e), 2)}))


if __name__ == "__main__":
    main()
