"""Seconds from saving an article to its new text in the browser, with `kb serve --watch`.

    python bench/preview.py [--edits 3] [--synthetic 1000]

Copies the example knowledge base (or writes a synthetic one of N articles without broken
links, from bench/synth.py) to a temporary folder, starts `kb serve --watch` on it, opens an
article in headless Chromium (Debian's `chromium`), then saves an edit of that article N times
and times each save until the new sentence is on the open page (which reloads by itself).
Prints each time, the median and the first build's time. Target (issue 17): 2 s on the example.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.synth import generate_kb  # noqa: E402
from bench.timing import warm_bytecode  # noqa: E402

KB = REPO / ".venv" / "bin" / "kb"
EXAMPLE = (("docs", "playbooks", "macros"), ("kb.yml", "owners.yml", "synonyms.yml"))


def copy_example(dest: Path) -> Path:
    folders, files = EXAMPLE
    for name in folders:
        shutil.copytree(REPO / name, dest / name)
    for name in files:
        shutil.copy(REPO / name, dest / name)
    return dest


def pick_article(root: Path) -> tuple[Path, str]:
    """An English FAQ article (or any article) and its site URL path."""
    for pattern in ("docs/faq/*.md", "docs/**/*.md"):
        for path in sorted(root.glob(pattern)):
            if path.name.count(".") == 1 and path.name != "index.md":
                relative = path.relative_to(root / "docs").with_suffix("")
                return path, f"/{relative.as_posix()}/"
    raise SystemExit(f"no article under {root}/docs")


def start(root: Path) -> tuple[subprocess.Popen, str, float]:
    started = time.perf_counter()
    process = subprocess.Popen([str(KB), "--root", str(root), "serve", "--watch", "--port", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=os.environ.copy())
    while True:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            raise SystemExit("kb serve --watch stopped before serving")
        if line.startswith("serving "):
            return process, line.split()[1], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=0,
                        help="a synthetic KB of this many articles instead of the example")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    warm_bytecode()

    # (a build the stopped server had under way may still be writing while the folder goes)
    with tempfile.TemporaryDirectory(prefix="kb-bench-preview-",
                                     ignore_cleanup_errors=True) as tmp:
        root = Path(tmp) / "kb"
        if args.synthetic:
            generate_kb(root, args.synthetic, seed=1, links=False)
            # the repository's site settings (i18n, pruned navigation), as bench/build.py
            shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
            label = f"synthetic KB, {args.synthetic} articles"
        else:
            copy_example(root)
            label = "example KB"
        source, url_path = pick_article(root)
        process, url, first = start(root)
        times = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=["--headless", "--no-sandbox"])
                page = browser.new_page()
                page.goto(url + url_path, wait_until="load")
                for number in range(1, args.edits + 1):
                    sentence = f"Brightloop preview check number {number} of {args.edits}."
                    text = source.read_text(encoding="utf-8")
                    saved = time.perf_counter()
                    source.write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")
                    page.get_by_text(sentence).first.wait_for(timeout=900_000)
                    times.append(time.perf_counter() - saved)
                    print(f"edit {number}: {times[-1]:.2f} s from save to the new text",
                          flush=True)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"{label}: first build and start {first:.1f} s; save -> new text in the browser: "
          f"median {statistics.median(times):.2f} s, best {min(times):.2f} s "
          f"({len(times)} edits of {source.relative_to(root)})")


if __name__ == "__main__":
    main()
