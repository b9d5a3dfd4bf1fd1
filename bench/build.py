"""``kb build`` (both sites) against a plain ``mkdocs build`` of the same synthetic files.

    python bench/build.py [--sizes 1000,3000] [--seed 1] [--no-baseline]

For each size, a seeded synthetic KB (``bench/synth.py``; every FAQ and public article
translated into ar, fa, ru, sl) is built twice in the same run:

- baseline: ``mkdocs build`` with Material and default settings (the synthetic KB's own
  ``mkdocs.yml``: every markdown file under docs/, translations included, one flat nav);
- kbtools: ``kbtools.sites.build`` with the repository's ``mkdocs.yml`` (internal site in
  five languages + public FAQ in five languages).

Printed: wall and CPU seconds, HTML pages, seconds per page, total size, average HTML per
page and the public ``search_index.json`` size; then the baseline/kbtools ratio. The
synthetic generator plants 1% broken links for the stale report; they are unlinked first,
because a site build (strict) refuses broken links.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

from bench.synth import generate_kb  # noqa: E402
from kbtools.registry import open_kb  # noqa: E402
from kbtools.sites import build  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def make_kb(root: Path, articles: int, seed: int) -> dict:
    summary = generate_kb(root, articles, seed=seed)
    for broken in summary["broken_links"]:
        file = root / broken["file"]
        pattern = r"\[([^\]]*)\]\(" + re.escape(broken["target"]) + r"[^)]*\)"
        file.write_text(re.sub(pattern, r"\1", file.read_text(encoding="utf-8")),
                        encoding="utf-8")
    return summary


def html_stats(folder: Path) -> tuple[int, int, int]:
    """(HTML pages, HTML bytes, all bytes) under ``folder``."""
    pages = html = total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            size = os.path.getsize(os.path.join(dirpath, name))
            total += size
            if name.endswith(".html"):
                pages += 1
                html += size
    return pages, html, total


def timed(job) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    job()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_baseline(root: Path, out: Path) -> dict:
    config = load_config(str(root / "baseline.yml"), site_dir=str(out))
    wall, cpu = timed(lambda: mkdocs_build(config))
    pages, html, total = html_stats(out)
    return {"wall": wall, "cpu": cpu, "pages": pages, "html": html, "total": total}


def run_kbtools(root: Path) -> dict:
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    wall, cpu = timed(lambda: build(open_kb(root), out=root))
    stats = [html_stats(root / name) for name in ("site", "site-public")]
    index = root / "site-public" / "search" / "search_index.json"
    return {"wall": wall, "cpu": cpu, "pages": sum(s[0] for s in stats),
            "html": sum(s[1] for s in stats), "total": sum(s[2] for s in stats),
            "public_pages": stats[1][0], "search_index": index.stat().st_size}


def row(name: str, r: dict) -> str:
    return (f"  {name:<9} {r['wall']:8.1f} s wall {r['cpu']:8.1f} s cpu  {r['pages']:6} pages  "
            f"{1000 * r['wall'] / r['pages']:6.1f} ms/page  {r['total'] / 1e6:8.1f} MB  "
            f"{r['html'] / r['pages'] / 1e3:6.1f} KB HTML/page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,3000", help="article counts, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true", help="skip plain mkdocs build")
    args = parser.parse_args()
    logging.getLogger("mkdocs").addHandler(logging.NullHandler())
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"kb-bench-build-{size}-") as tmp:
            root = Path(tmp) / "kb"
            summary = make_kb(root, size, args.seed)
            os.replace(root / "mkdocs.yml", root / "baseline.yml")
            files = sum(1 for _ in (root / "docs").rglob("*.md"))
            print(f"{size} articles ({files} markdown files under docs/ with translations, "
                  f"{summary['counts'].get('playbook', 0)} playbooks)")
            ours = run_kbtools(root)
            print(row("kbtools", ours))
            print(f"  {'':<9} public site {ours['public_pages']} pages, search_index.json "
                  f"{ours['search_index'] / 1e6:.2f} MB")
            if not args.no_baseline:
                base = run_baseline(root, Path(tmp) / "baseline-site")
                print(row("baseline", base))
                print(f"  ratio     {base['wall'] / ours['wall']:.1f}x faster (wall), "
                      f"{base['cpu'] / ours['cpu']:.1f}x (cpu); per page "
                      f"{(base['wall'] / base['pages']) / (ours['wall'] / ours['pages']):.1f}x; "
                      f"HTML per page {base['html'] / base['pages'] / 1e3:.0f} KB vs "
                      f"{ours['html'] / ours['pages'] / 1e3:.0f} KB")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
