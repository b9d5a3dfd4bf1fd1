"""Stale report time on a synthetic knowledge base with links between its articles.

    python bench/stale.py [--articles 10000] [--langs ar,fa,ru,sl] [--repeat 3] [--root DIR]

Generates the KB once (``bench/synth.py``, seed 1, links on), then times, per repeat, loading
it (``open_kb``), building the full stale report (every reason code, internal links and
anchors in every language, macros, orphaned images; no network) and keeping the caches for
the next run (``kb.save_caches()``, as ``kb`` does after a command). Cold runs start without
the state folder's caches (``.kb/cache`` is removed first: every file and body is read);
warm runs follow a run that wrote them. Prints best and median times of each and checks the
report against the links the generator broke on purpose.
Target: the report for 10,000 articles under 3 s on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import generate_kb  # noqa: E402
from kbtools.content import markdown  # noqa: E402
from kbtools.content.config import load_config  # noqa: E402
from kbtools.registry import DEFAULT, open_kb  # noqa: E402
from kbtools.review.stale import stale_report  # noqa: E402

AS_OF = "2026-11-23"


def measure(root: Path, repeat: int, *, cold: bool):
    """Per repeat: load, report, report CPU (this process) and save times; the last report
    and the number of files. ``cold`` removes the caches before each repeat."""
    times: dict[str, list[float]] = {"load": [], "report": [], "cpu": [], "save": []}
    cache_dir = root / load_config(root, DEFAULT.names).state_dir / "cache"
    report, files = None, 0
    for _ in range(repeat):
        if cold:  # as a new process finds it: no cache files, nothing read in memory
            shutil.rmtree(cache_dir, ignore_errors=True)
            markdown.read.cache_clear()
            markdown.outline.cache_clear()
        started = time.perf_counter()
        kb = open_kb(root)
        loaded, cpu_start = time.perf_counter(), time.process_time()
        report = stale_report(kb, as_of=AS_OF)
        done, cpu_done = time.perf_counter(), time.process_time()
        kb.save_caches()
        times["save"].append(time.perf_counter() - done)
        times["cpu"].append(cpu_done - cpu_start)
        times["load"].append(loaded - started)
        times["report"].append(done - loaded)
        files = len(kb.corpus)
    return times, report, files


def show(label: str, times: dict[str, list[float]]) -> None:
    totals = [a + b for a, b in zip(times["load"], times["report"], strict=True)]
    for name, values in (("load (open_kb)", times["load"]), ("stale report", times["report"]),
                         ("report CPU", times["cpu"]), ("save caches", times["save"]),
                         ("load + report", totals)):
        print(f"{label:>4} {name:>15}: best {min(values):6.2f} s   "
              f"median {statistics.median(values):6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--langs", default="ar,fa,ru,sl")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--root", type=Path, help="reuse (or create) the KB here")
    args = parser.parse_args()
    langs = tuple(x for x in args.langs.split(",") if x)
    with tempfile.TemporaryDirectory(prefix="kb-bench-stale-") as tmp:
        root = args.root or Path(tmp) / "kb"
        summary = None
        if not root.exists() or not any(root.iterdir()):
            started = time.perf_counter()
            summary = generate_kb(root, args.articles, languages=langs, seed=1, links=True)
            print(f"generated {args.articles} articles ({summary['links']} links) "
                  f"in {time.perf_counter() - started:.1f} s")
        cold, _, _ = measure(root, args.repeat, cold=True)
        warm, report, files = measure(root, args.repeat, cold=False)
    print(f"files: {files} (sources and translations)")
    show("cold", cold)
    show("warm", warm)
    codes = collections.Counter(code for e in report.flagged for code in e.codes)
    print("flagged:", len(report.flagged), dict(sorted(codes.items())))
    if summary is not None:
        expected = {b["file"] for b in summary["broken_links"]}
        found = {e.path for e in report.entries if "broken-link" in e.codes}
        print(f"deliberately broken links found: {len(expected & found)} of {len(expected)} files"
              f"; {len(found - expected)} more file(s) (translations linking source anchors "
              "their own headings do not have)")
    for label, times in (("cold", cold), ("warm", warm)):
        best = min(times["report"])
        verdict = "meets" if best < 3 else "misses"
        print(f"target: {label} stale report for {args.articles:,} articles under 3 s: "
              f"{verdict} ({best:.2f} s wall, {min(times['cpu']):.2f} s CPU; wall time grows "
              "on a busy machine)")


if __name__ == "__main__":
    main()
