"""Escalation playbooks: time on the example KB and on a synthetic KB.

    python bench/playbooks.py [--articles 2000] [--repeat 3] [--no-synthetic]

Prints the best of ``--repeat`` runs of: the playbook checks ``kb check`` runs
(``kinds.playbook.validate``), the JSON export of every playbook, rendering every playbook
page (step list, contacts and Mermaid source), and ``escalate`` (search through a warm index,
then the path) for a few agent phrasings; and the wall time of the real commands
``kb escalate ... --at`` and ``kb playbooks --json`` (a new process each) next to ``kb --help``
(interpreter start and imports alone). The ratio printed is the command's time over that
floor: what the playbook work adds to starting the tool. The index is built once, before
timing (``kb escalate`` would build it on first use; ``bench/search.py`` times that).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.synth import generate_kb  # noqa: E402
from bench.timing import best  # noqa: E402
from kbtools.playbooks import kind as playbook_kind  # noqa: E402
from kbtools.playbooks.escalation import escalate  # noqa: E402
from kbtools.playbooks.page import render_page  # noqa: E402
from kbtools.playbooks.plan import export  # noqa: E402
from kbtools.registry import open_kb  # noqa: E402
from kbtools.search import search  # noqa: E402

QUERIES = ("customer charged twice", "someone logged into my account", "site down at night",
           "refund refused", "payments failing for many customers")
AT = "2026-11-23 04:00"


def measure(root: Path, repeat: int, label: str) -> dict[str, float]:
    kb = open_kb(root)
    books = [a for a in kb.corpus.of_kind("playbook") if not a.is_translation]
    search(kb, "warm up", kinds=("playbook",), limit=1)  # build the index outside the timing
    at = datetime.fromisoformat(AT)
    figures: dict[str, float] = {}
    figures["validate"], findings = best(repeat, lambda: list(playbook_kind.validate(kb)))
    figures["export"], _ = best(repeat, lambda: export(kb))
    figures["pages"], _ = best(repeat, lambda: [render_page(kb, a, a.body) for a in books])
    figures["escalate"], _ = best(repeat, lambda: [escalate(kb, q, at=at) for q in QUERIES])
    figures["escalate"] /= len(QUERIES)
    kb_cli = str(Path(sys.executable).with_name("kb"))
    figures["cli_startup"], _ = best(repeat, lambda: subprocess.run(
        [kb_cli, "--help"], check=True, capture_output=True))
    figures["cli_escalate"], _ = best(repeat, lambda: subprocess.run(
        [kb_cli, "--root", str(root), "escalate", QUERIES[0], "--at", AT],
        check=True, capture_output=True))
    figures["cli_playbooks"], _ = best(repeat, lambda: subprocess.run(
        [kb_cli, "--root", str(root), "playbooks", "--json"], check=True, capture_output=True))
    print(f"\n{label}: {len(kb.corpus)} articles, {len(books)} playbooks, "
          f"{len(findings)} playbook findings")
    for name, value in figures.items():
        print(f"  {name:<14} {value * 1000:8.1f} ms")
    for name in ("cli_escalate", "cli_playbooks"):
        print(f"  {name} / cli_startup = {figures[name] / figures['cli_startup']:.2f}x")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-synthetic", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # a copy: the search index is written next to the content
        example = Path(tmp) / "example"
        for name in ("docs", "playbooks", "macros"):
            shutil.copytree(REPO / name, example / name)
        for name in ("kb.yml", "owners.yml", "synonyms.yml", "mkdocs.yml"):
            if (REPO / name).exists():
                shutil.copy(REPO / name, example / name)
        measure(example, args.repeat, "example KB")
        if not args.no_synthetic:
            synthetic = Path(tmp) / "synthetic"
            generate_kb(synthetic, args.articles, seed=8)
            measure(synthetic, args.repeat, f"synthetic KB ({args.articles} source articles)")


if __name__ == "__main__":
    main()
