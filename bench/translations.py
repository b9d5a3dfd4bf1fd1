"""Benchmark: the full translation freshness report on a large synthetic KB.

    .venv/bin/python bench/translations.py [--articles 2000] [--commits 20000] [--sample 200]

Generates (once, cached under the system temp folder) a KB of ``--articles`` sources in 4
languages with ``--commits`` commits of history (bench/synth.py), pins every translation to
the history's first commit (synth pins by hash only; the pin commit is what makes "how far
behind" and the blob reads happen), then times:

- the freshness report as ``kb translations`` computes it: one ``git log`` pass, one
  ``git status``, one ``git cat-file --batch`` for every outdated translation;
- the naive approach, one ``git rev-list --count PIN..HEAD -- SOURCE`` per translation plus
  one ``git diff --numstat PIN -- SOURCE`` per outdated one, run on a seeded sample of
  ``--sample`` translations and extrapolated to all of them (said in the output).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import generate_kb  # noqa: E402
from kbtools.git import load_history  # noqa: E402
from kbtools.registry import open_kb  # noqa: E402
from kbtools.translations.report import translation_report  # noqa: E402

TARGET_SECONDS = 5.0


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout.strip()


def prepare(articles: int, commits: int, seed: int) -> Path:
    root = Path(tempfile.gettempdir()) / f"kbtools-bench-translations-{articles}-{commits}-{seed}-p"
    if (root / ".pinned").exists():
        return root
    if root.exists():
        subprocess.run(["rm", "-rf", str(root)], check=True)
    started = time.perf_counter()
    # public_share=1: every article and FAQ entry is public, so translated into 4 languages
    generate_kb(root, articles, languages=("ar", "fa", "ru", "sl"), seed=seed,
                public_share=1.0, git_commits=commits)
    first = git(root, "rev-list", "--max-parents=0", "HEAD").splitlines()[-1]
    pinned = 0
    for file in sorted(root.glob("docs/**/*.*.md")):
        text = file.read_text(encoding="utf-8")
        if "translation:\n" in text and "source_commit:" not in text:
            file.write_text(text.replace("translation:\n",
                                         f"translation:\n  source_commit: {first}\n", 1),
                            encoding="utf-8")
            pinned += 1
    git(root, "add", "-A")
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.test",
                    "commit", "-qm", "pin translations to the first commit"], cwd=root,
                   check=True)
    (root / ".pinned").write_text(str(pinned))
    print(f"generated {root} in {time.perf_counter() - started:.1f} s "
          f"({pinned} translations pinned)")
    return root


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def naive(root: Path, report, sample: int, seed: int) -> tuple[float, int]:
    """Seconds for the one-process-per-file approach on a sample, and the sample size."""
    tracked = [i for i in report.items if i.pinned_commit and i.status in ("current", "outdated")]
    chosen = random.Random(seed).sample(tracked, min(sample, len(tracked)))
    started = time.perf_counter()
    for item in chosen:
        git(root, "rev-list", "--count", f"{item.pinned_commit}..HEAD", "--", item.source)
        if item.status == "outdated":
            git(root, "diff", "--numstat", item.pinned_commit, "--", item.source)
    return time.perf_counter() - started, len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    root = prepare(args.articles, args.commits, args.seed)

    started = time.perf_counter()
    kb = open_kb(root)
    load = time.perf_counter() - started

    started = time.perf_counter()
    history = kb.history
    git_pass = time.perf_counter() - started
    started = time.perf_counter()
    report = translation_report(kb, history)
    rest = time.perf_counter() - started

    kb = open_kb(root)  # (a run reads the history once: a new run for the full figure)
    cpu = cpu_seconds()
    started = time.perf_counter()
    report = translation_report(kb)  # what `kb translations` does after loading
    full = time.perf_counter() - started
    cpu = cpu_seconds() - cpu

    counts = {s: sum(1 for i in report.items if i.status == s)
              for s in ("current", "outdated", "missing", "orphaned", "untracked")}
    history = load_history(root)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
          "(other work on the machine slows every figure)")
    print(f"KB: {len(kb.corpus.articles)} articles, {len(report.items)} verdicts, "
          f"{len(history.commits)} commits; {counts}")
    print(f"load (open_kb, shared by every command): {load:.2f} s")
    print(f"freshness report: {full:.2f} s  (git log/status pass {git_pass:.2f} s, verdicts "
          f"+ cat-file + line counts {rest:.2f} s)")
    print(f"freshness report CPU time (ours + git's, all processes): {cpu:.2f} s; on a busy "
          "machine the wall time above exceeds it")
    print(f"target: report under {TARGET_SECONDS:.0f} s: "
          f"{'met' if full < TARGET_SECONDS else 'MISSED'} ({full:.2f} s)")
    print(f"whole `kb translations` run, load + report: {load + full:.2f} s")
    seconds, n = naive(root, report, args.sample, args.seed)
    tracked = sum(1 for i in report.items if i.pinned_commit and
                  i.status in ("current", "outdated"))
    estimate = seconds / max(n, 1) * tracked
    print(f"naive, one git process per file: {seconds:.2f} s for a sample of {n} translations "
          f"-> about {estimate:.0f} s for all {tracked} (extrapolated)")
    print(f"ratio: the one-pass report is about {estimate / full:.0f}x faster than naive")


if __name__ == "__main__":
    main()
