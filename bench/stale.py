"""Stale report time on a synthetic knowledge base with links between its articles.

    python bench/stale.py [--articles 10000] [--langs ar,fa,ru,sl] [--repeat 3] [--root DIR]

Generates the KB once (``bench/synth.py``, seed 1, links on), then times, per repeat, loading
it (``open_kb``) and building the full stale report (every reason code, internal links and
anchors in every language, macros, orphaned images; no network). Prints best and median
times and checks the report against the links the generator broke on purpose.
Target: the report for 10,000 articles under 3 s on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import generate_kb  # noqa: E402
from kbtools.registry import open_kb  # noqa: E402
from kbtools.review.stale import stale_report  # noqa: E402

AS_OF = "2026-11-23"


def measure(root: Path, repeat: int):
    loads, reports, cpu, report = [], [], [], None
    for _ in range(repeat):
        started = time.perf_counter()
        kb = open_kb(root)
        loaded, cpu_start = time.perf_counter(), time.process_time()
        report = stale_report(kb, as_of=AS_OF)
        done = time.perf_counter()
        cpu.append(time.process_time() - cpu_start)
        loads.append(loaded - started)
        reports.append(done - loaded)
    return loads, reports, cpu, report, len(kb.corpus)


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
        loads, reports, cpu, report, files = measure(root, args.repeat)
    totals = [a + b for a, b in zip(loads, reports, strict=True)]
    print(f"files: {files} (sources and translations)")
    for name, times in (("load (open_kb)", loads), ("stale report", reports),
                        ("report CPU", cpu), ("load + report", totals)):
        print(f"{name:>15}: best {min(times):6.2f} s   median {statistics.median(times):6.2f} s")
    codes = collections.Counter(code for e in report.flagged for code in e.codes)
    print("flagged:", len(report.flagged), dict(sorted(codes.items())))
    if summary is not None:
        expected = {b["file"] for b in summary["broken_links"]}
        found = {e.path for e in report.entries if "broken-link" in e.codes}
        print(f"deliberately broken links found: {len(expected & found)} of {len(expected)} files"
              f"; {len(found - expected)} more file(s) (translations linking source anchors "
              "their own headings do not have)")
    best = min(reports)
    verdict = "meets" if best < 3 else "misses"
    print(f"target: stale report for {args.articles:,} articles under 3 s: {verdict} "
          f"({best:.2f} s wall, {min(cpu):.2f} s CPU; wall time grows on a busy machine)")


if __name__ == "__main__":
    main()
