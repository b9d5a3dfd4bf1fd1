"""Answer-script export and tone lint: time on the example KB (target < 1 s) and at scale.

    python bench/scripts.py [--articles 2000] [--repeat 3] [--no-synthetic]

Prints the best of ``--repeat`` runs of: loading the KB, ``export_macros`` (Zendesk and CSV,
every language, written to a temporary folder), ``lint`` of every script and FAQ entry, and
the wall time of the real commands ``kb export macros --out DIR`` and ``kb lint`` (a new
process each: interpreter start, imports, loading, work), next to ``kb --help`` (start and
imports alone). The issue's target: export and lint
under 1 s on the example KB. The synthetic KB (seeded, ``bench/synth.py``) gets the example
KB's tone guidelines so that real rules run against its scripts and FAQ entries.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.synth import generate_kb  # noqa: E402
from bench.timing import best  # noqa: E402
from kbtools.registry import open_kb  # noqa: E402
from kbtools.scripts.export import export_macros, write_exports  # noqa: E402
from kbtools.scripts.lint import lint  # noqa: E402

TARGET_SECONDS = 1.0


def measure(root: Path, repeat: int, label: str) -> dict[str, float]:
    figures: dict[str, float] = {}
    figures["load"], kb = best(repeat, lambda: open_kb(root))
    with tempfile.TemporaryDirectory() as out:
        def export_all():
            files = export_macros(kb, "zendesk") + export_macros(kb, "csv")
            write_exports([f for f in files if f.format == "zendesk"], Path(out) / "zendesk")
            write_exports([f for f in files if f.format == "csv"], Path(out) / "csv")
            return files
        figures["export"], files = best(repeat, export_all)
        figures["lint"], report = best(repeat, lambda: lint(kb))
        kb_cli = str(Path(sys.executable).with_name("kb"))
        # the floor of any command: a new interpreter importing every kb command
        figures["cli_startup"], _ = best(repeat, lambda: subprocess.run(
            [kb_cli, "--help"], check=True, capture_output=True))
        figures["cli_export"], _ = best(repeat, lambda: subprocess.run(
            [kb_cli, "--root", str(root), "export", "macros", "--out", out],
            check=True, capture_output=True))
        figures["cli_lint"], _ = best(repeat, lambda: subprocess.run(
            [kb_cli, "--root", str(root), "lint"], capture_output=True))
    scripts = sum(f.count for f in files if f.format == "zendesk")
    print(f"\n{label}: {len(kb.corpus)} articles, {scripts} scripts exported "
          f"({len(files) // 2} languages), {report.checked} linted against {report.rules} rules "
          f"({report.errors} errors, {report.warnings} warnings)")
    for name, value in figures.items():
        print(f"  {name:<11} {value * 1000:8.1f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-synthetic", action="store_true")
    args = parser.parse_args()
    example = measure(REPO, args.repeat, "example KB")
    for name in ("cli_export", "cli_lint"):
        verdict = "ok" if example[name] < TARGET_SECONDS else "OVER TARGET"
        print(f"  {name}: {example[name]:.2f} s vs target {TARGET_SECONDS:.0f} s "
              f"({example[name] / TARGET_SECONDS:.0%} of it) {verdict}")
    if args.no_synthetic:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "kb"
        generate_kb(root, args.articles, seed=1)
        for tone in (REPO / "docs" / "tone").glob("*.md"):
            shutil.copy(tone, root / "docs" / "tone" / f"example-{tone.name}")
        measure(root, args.repeat, f"synthetic KB ({args.articles} source articles)")


if __name__ == "__main__":
    main()
