"""Load + validate time (`open_kb` + `check`) on synthetic knowledge bases.

    python bench/load.py [--sizes 1000,4000,10000] [--langs ar,fa,ru,sl] [--repeat 3]

Sizes count source articles; every FAQ and public article also has a translation per
language, so 4,000 sources make about 10,000 files and 10,000 sources about 25,000. Prints,
per size, the files read, the best and median wall time of a full load and `kb check` with
the parse cache off (every file parsed) and warm (unchanged files from `.kb/cache`), and the
time per file. Target: 10,000 articles under 3 s on the 2-core reference machine; both
readings of "article" (a markdown file, or a source with its translations) are judged.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import generate_kb  # noqa: E402
from kbtools.content.check import check  # noqa: E402
from kbtools.registry import open_kb  # noqa: E402


def measure(root: Path, repeat: int, cache: bool) -> tuple[list[float], int, int]:
    times, files, errors = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        kb = open_kb(root, cache=cache)
        report = check(kb)
        kb.save_caches()  # as `kb check` does: a warm run finds this run's outlines
        times.append(time.perf_counter() - started)
        files, errors = len(kb.corpus), report.errors
    return times, files, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,10000")
    parser.add_argument("--langs", default="ar,fa,ru,sl")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    langs = tuple(x for x in args.langs.split(",") if x)
    print(f"{'articles':>9} {'files':>7} {'cache':>6} {'best s':>7} {'median s':>9} "
          f"{'ms/file':>8}  findings")
    with tempfile.TemporaryDirectory(prefix="kb-bench-load-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            root = Path(tmp) / str(size)
            generate_kb(root, size, languages=langs, seed=1)
            results = {}
            for label, cache in (("off", False), ("warm", True)):
                if cache:
                    first = open_kb(root)  # first run writes the caches
                    check(first)
                    first.save_caches()
                times, files, errors = measure(root, args.repeat, cache)
                best, median = min(times), statistics.median(times)
                results[label] = best
                print(f"{size:>9} {files:>7} {label:>6} {best:>7.2f} {median:>9.2f} "
                      f"{1000 * best / files:>8.3f}  {errors} errors")
            if files >= 10000 or size >= 10000:
                what = f"{files:,} files" if size < 10000 else f"{size:,} sources ({files:,} files)"
                for label, best in results.items():
                    verdict = "meets" if best < 3 else "misses"
                    print(f"  target under 3 s for {what}, cache {label}: {verdict} ({best:.2f} s)")

if __name__ == "__main__":
    main()
