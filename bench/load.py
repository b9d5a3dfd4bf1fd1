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


def measure(root: Path, repeat: int) -> tuple[list[float], int, int]:
    times, files, errors = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        kb = open_kb(root)
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
    print(f"{'articles':>9} {'files':>7} {'best s':>8} {'median s':>9} {'ms/file':>8}  findings")
    with tempfile.TemporaryDirectory(prefix="kb-bench-load-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            root = Path(tmp) / str(size)
            generate_kb(root, size, languages=langs, seed=1)
            times, files, errors = measure(root, args.repeat)
            best, median = min(times), statistics.median(times)
            print(f"{size:>9} {files:>7} {best:>8.2f} {median:>9.2f} {1000 * best / files:>8.3f}"
                  f"  {errors} errors")
            if size == 10000:
                verdict = "meets" if best < 3 else "misses"
                print(f"           target: 10,000 articles under 3 s: {verdict} ({best:.2f} s)")


if __name__ == "__main__":
    main()
