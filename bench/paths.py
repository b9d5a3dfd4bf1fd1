"""Onboarding paths on a large synthetic knowledge base: validation and page rendering time.

    python bench/paths.py [--articles 10000] [--paths 20] [--steps 60] [--repeat 3]

Writes ``--paths`` onboarding paths of ``--steps`` steps each (articles and translations of the
seeded synthetic KB, a quiz every five steps) and prints the best time of: the path checks
alone (what ``kb check`` adds), one ``kb path NAME --check``, rendering every path page and the
index, and the share of a full ``kb check`` that paths take. The issue names no baseline; the
figure to watch is that share (paths must not slow ``kb check`` down noticeably).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import generate_kb  # noqa: E402
from bench.timing import best  # noqa: E402
from kbtools.content.check import check  # noqa: E402
from kbtools.onboarding import kind as path_kind  # noqa: E402
from kbtools.onboarding.page import index_pages  # noqa: E402
from kbtools.onboarding.views import check_path  # noqa: E402
from kbtools.registry import open_kb  # noqa: E402


def write_paths(root: Path, summary: dict, paths: int, steps: int, seed: int) -> None:
    rng = random.Random(seed)
    refs = [p for kind in summary["paths"].values() for p in kind]
    refs += [p for lang in summary["translation_paths"].values() for p in lang][:2000]
    levels = path_kind.LEVELS
    for number in range(paths):
        chosen = rng.sample(refs, steps)
        lines = [f"---\ntitle: Synthetic path {number}\nlevel: {levels[number % 4]}\nstages:"]
        for stage in range(0, steps, 10):
            lines.append(f"  - title: Stage {stage // 10 + 1}\n    steps:")
            lines += [f"      - {{ref: {ref}, minutes: {rng.randint(5, 60)}}}"
                      for ref in chosen[stage:stage + 10]]
            lines.append("    checkpoints:")
            for quiz in range(2):
                lines.append(
                    f"      - {{id: q{stage}-{quiz}, quiz: Question?, select: 1, "
                    "explanation: Because., choices: [{text: Yes, correct: true}, {text: No}]}")
        lines.append("---\nA synthetic path.\n")
        target = root / "docs" / "onboarding" / f"path-{number}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--paths", type=int, default=20)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "kb"
        summary = generate_kb(root, args.articles, seed=7)
        write_paths(root, summary, args.paths, args.steps, seed=7)
        kb = open_kb(root)
        path_articles = [a for a in kb.corpus.of_kind("path") if not a.is_translation]
        validate = best(args.repeat, lambda: list(path_kind.validate(kb)))[0]
        one = best(args.repeat, lambda: check_path(kb, "path-0"))[0]

        def render_all():
            for item in path_articles:
                kb.kinds.render_body(kb, item, item.body)
            index_pages(kb)

        render = best(args.repeat, render_all)[0]
        full = best(args.repeat, lambda: check(kb))[0]
    print(f"knowledge base: {len(kb.corpus)} files, {len(path_articles)} paths x "
          f"{args.steps} steps")
    print(f"path checks in kb check : {validate * 1000:8.1f} ms")
    print(f"kb path NAME --check    : {one * 1000:8.1f} ms")
    print(f"render all path pages   : {render * 1000:8.1f} ms "
          f"({render / len(path_articles) * 1000:.2f} ms per page, index included)")
    print(f"full kb check (loaded)  : {full * 1000:8.1f} ms; paths are "
          f"{validate / full:.1%} of it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
