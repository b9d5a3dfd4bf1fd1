"""Load + validate time (`open_kb` + `check`) on synthetic knowledge bases.

    python bench/load.py [--sizes 1000,10000] [--langs ar,fa,ru,sl] [--repeat 3]

Prints, per size, the number of files read (sources and translations), the best and median
wall time of a full load and `kb check`, and the time per file. Target: 10,000 articles under
3 s on the 2-core reference machine.
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
from kbtools.check import check  # noqa: E402
from kbtools.knowledge_base import open_kb  # noqa: E402


def measure(root: Path, repeat: int, cache: bool) -> tuple[list[float], int, int]:
    times, files, errors = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        kb = open_kb(root, cache=cache)
        report = check(kb)
        times.append(time.perf_counter() - started)
        files, errors = len(kb.corpus), report.errors
    return times, files, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
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
                    open_kb(root)  # first run writes the cache
                times, files, errors = measure(root, args.repeat, cache)
                best, median = min(times), statistics.median(times)
                results[label] = best
                print(f"{size:>9} {files:>7} {label:>6} {best:>7.2f} {median:>9.2f} "
                      f"{1000 * best / files:>8.3f}  {errors} errors")
            if size == 10000:
                for label, best in results.items():
                    verdict = "meets" if best < 3 else "misses"
                    print(f"  target 10,000 articles under 3 s, cache {label}: {verdict} "
                          f"({best:.2f} s)")


if __name__ == "__main__":
    main()
