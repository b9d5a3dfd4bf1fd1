"""Translation verdicts on a real multilingual Hugo site, against its maintainers' own rule.

The subject is a clone of opentelemetry.io (any repository in the same shape works): English
under ``content/en/``, translations under ``content/<lang>/``, each pinning the English commit
it was made from in ``default_lang_commit`` (often abbreviated, sometimes followed by a
``# comment``). Its maintainers' rule (``scripts/check-i18n.sh``) is "the English file changed
since the pin": ``git diff <pin>...HEAD -- <English file>`` is not empty.

The benchmark clones the repository into a temporary folder, writes a ``kb.yml`` for that
layout (``strict: false``, the repository's own keys are not kb's), and prints per language:

- how many translations, how many with a pin git can resolve, how many kb skipped (and why);
- agreement of ``kb translations --strict`` with the rule recomputed from git alone (one
  ``git diff --name-only`` per distinct pin, not per file), over the translations both can
  judge (a resolvable pin and an English file at HEAD);
- agreement of the default mode (content, not bytes) with the same rule, with every
  disagreement classified by what changed in the English file (non-translatable front matter
  only, prose formatting only, a rename kb follows);
- wall time and peak memory of each ``kb translations`` run (one process each).

Usage::

    git clone https://github.com/open-telemetry/opentelemetry.io /tmp/otel-src
    python bench/translations_real.py /tmp/otel-src [--misses 20]

Targets (issue 16): >= 99 % agreement in ``--strict`` mode; every default-mode disagreement
explained by the documented semantics (docs/guide/translations.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kbtools.content import frontmatter  # noqa: E402
from kbtools.content.corpus import translatable_texts  # noqa: E402
from kbtools.content.model import content_hash  # noqa: E402

KEY = "default_lang_commit"
PIN = re.compile(rf"^{KEY}:\s*([a-f0-9]+)", re.I | re.M)
FIELDS = ("title", "description", "summary")


def git(root: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                            check=False)
    if check and result.returncode:
        raise SystemExit(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def prepare(source: Path, work: Path) -> list[str]:
    """Clone ``source`` into ``work``, write kb.yml; return the languages (English first)."""
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(source), str(work)], check=True)
    # markdown only: a mirror may lack some large binary blobs, which would stop a checkout
    files = [f for f in git(work, "ls-tree", "-r", "--name-only", "HEAD", "content").split("\n")
             if f.endswith(".md")]
    for start in range(0, len(files), 500):
        git(work, "checkout", "HEAD", "--", *files[start:start + 500])
    langs = sorted({f.split("/")[1] for f in files} - {"en"})
    (work / "kb.yml").write_text(
        f"languages: [en, {', '.join(langs)}]\nstrict: false\ncontent_roots: [content]\n"
        "translations:\n  layout: folder\n  source_folder: content/en\n"
        f"  folders: content/{{lang}}\n  source_commit_key: {KEY}\n", encoding="utf-8")
    return ["en", *langs]


def run_kb(work: Path, *args: str) -> tuple[dict, float, float]:
    """``kb translations --json ARGS`` in its own process: (report, wall seconds, the
    child's own peak MB from ``os.wait4``)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", "from kbtools.cli import main; main()",
                             "--root", str(work),
                             "translations", "--json", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=REPO)
    chunks = []
    while True:
        chunk = proc.stdout.read(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"kb translations {' '.join(args)} failed with exit {code}")
    return json.loads(b"".join(chunks)), seconds, usage.ru_maxrss / 1024


def reference(work: Path) -> dict[str, tuple[str, str | None]]:
    """The maintainers' rule from git alone: translation path -> (verdict, pin), verdict one
    of ``drifted``, ``in sync``, ``no pin``, ``bad pin``, ``no English file``."""
    found: dict[str, tuple[str, str | None]] = {}
    pins: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(work.glob("content/*/**/*.md")):
        rel = path.relative_to(work).as_posix()
        lang = rel.split("/")[1]
        if lang == "en":
            continue
        english = "content/en/" + rel.split("/", 2)[2]
        match = PIN.search(path.read_text(encoding="utf-8", errors="replace").split("\n---", 1)[0])
        if not match:
            found[rel] = ("no pin", None)
        elif not (work / english).exists():
            found[rel] = ("no English file", match.group(1))
        else:
            pins[match.group(1)].append((rel, english))
    for pin, items in pins.items():
        full = git(work, "rev-parse", "--verify", "-q", f"{pin}^{{commit}}", check=False).strip()
        if not full:
            for rel, _ in items:
                found[rel] = ("bad pin", pin)
            continue
        changed = set(git(work, "diff", "--name-only", "--no-renames", f"{full}...HEAD", "--",
                          "content/en").split())
        for rel, english in items:
            found[rel] = ("drifted" if english in changed else "in sync", pin)
    return found


def explain_miss(work: Path, pin: str, english: str, want: str, got: str,
                 note: str | None) -> str:
    """Why kb's verdict differs from the rule, by the documented semantics, or UNEXPLAINED."""
    if got == "untracked" and note and "not in this checkout's history" in note:
        return ("the pin is a commit outside the branch's history (e.g. a squash-merged "
                "PR branch): kb cannot order it and says untracked, with a note")
    if want == "outdated" and got == "current":
        return explain(work, pin, english)
    return f"UNEXPLAINED ({want} expected, kb said {got})"


def explain(work: Path, pin: str, english: str) -> str:
    """Why kb calls a translation current that the rule calls drifted: what changed."""
    old = git(work, "show", f"{pin}:{english}", check=False)
    new = (work / english).read_text(encoding="utf-8", errors="replace")
    if not old:
        return "the English file was renamed since the pin, its text unchanged: kb follows " \
               "the rename, the rule compares one path"

    def parts(text):
        try:
            parsed = frontmatter.parse(text)
            data = parsed.meta.data if isinstance(parsed.meta.data, dict) else {}
            return data, parsed.body
        except frontmatter.FrontMatterError:
            return {}, text

    (old_meta, old_body), (new_meta, new_body) = parts(old), parts(new)
    texts_same = translatable_texts(old_meta, FIELDS) == translatable_texts(new_meta, FIELDS)
    body_same = content_hash(old_body) == content_hash(new_body)
    if texts_same and old_body == new_body:
        return "only non-translatable front matter changed (weight, cSpell, aliases, ...)"
    if texts_same and body_same:
        return "only the formatting of prose changed (whitespace, wrapping, emphasis, markers)"
    if old == new:
        return "the file is byte-identical at the pin (the rule's three-dot diff saw a change " \
               "reverted since)"
    return "UNEXPLAINED"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a clone (or bare mirror) of the site")
    parser.add_argument("--misses", type=int, default=10, help="disagreements to list")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kb-real-") as tmp:
        work = Path(tmp) / "site"
        start = time.perf_counter()
        langs = prepare(args.source.resolve(), work)
        commits = int(git(work, "rev-list", "--count", "HEAD"))
        files = len(list(work.glob("content/**/*.md")))
        print(f"{args.source.name}: {files} markdown files, {commits} commits, languages "
              f"{', '.join(langs)} (prepared in {time.perf_counter() - start:.1f} s)")
        strict, strict_s, strict_mb = run_kb(work, "--strict")
        default, default_s, default_mb = run_kb(work)
        ref_start = time.perf_counter()
        ref = reference(work)
        ref_s = time.perf_counter() - ref_start
        by_path = {"strict": {i["path"]: i for i in strict["translations"]},
                   "default": {i["path"]: i for i in default["translations"]}}
        rows, reasons, misses = [], {"strict": Counter(), "default": Counter()}, []
        totals = Counter()
        for lang in langs[1:]:
            mine = {p: v for p, v in ref.items() if p.split("/")[1] == lang}
            judged = {p: v for p, v in mine.items() if v[0] in ("drifted", "in sync")}
            counts = Counter()
            for path, (verdict, pin) in judged.items():
                want = "outdated" if verdict == "drifted" else "current"
                english = "content/en/" + path.split("/", 2)[2]
                for mode in ("strict", "default"):
                    item = by_path[mode].get(path, {})
                    got = item.get("status", "absent")
                    counts[f"{mode}_agree"] += got == want
                    if got != want:
                        why = explain_miss(work, pin, english, want, got, item.get("note"))
                        reasons[mode][why] += 1
                        if why.startswith("UNEXPLAINED"):
                            misses.append((mode, path, want, got, item.get("note")))
            skipped = sum(1 for i in default["translations"]
                          if i["lang"] == lang and i["status"] == "skipped")
            row = (lang, len(mine), sum(v[0] == "drifted" for v in mine.values()), len(judged),
                   skipped, counts["strict_agree"], counts["default_agree"])
            rows.append(row)
            totals.update({"files": len(mine), "judged": len(judged), "strict": row[5],
                           "default": row[6], "skipped": skipped, "drifted": row[2]})
        print(f"\n{'lang':<5}{'files':>7}{'drifted':>9}{'judged':>8}{'skipped':>9}"
              f"{'strict agree':>15}{'default agree':>16}")
        for lang, files_, drifted, judged, skipped, s_ok, d_ok in rows:
            print(f"{lang:<5}{files_:>7}{drifted:>9}{judged:>8}{skipped:>9}"
                  f"{_pct(s_ok, judged):>15}{_pct(d_ok, judged):>16}")
        print(f"{'all':<5}{totals['files']:>7}{totals['drifted']:>9}{totals['judged']:>8}"
              f"{totals['skipped']:>9}{_pct(totals['strict'], totals['judged']):>15}"
              f"{_pct(totals['default'], totals['judged']):>16}")
        others = Counter(v[0] for v in ref.values() if v[0] not in ("drifted", "in sync"))
        print(f"\nnot judged by the rule: {dict(others)}")
        for mode in ("strict", "default"):
            print(f"{mode} disagreements with the rule, by cause:")
            for why, count in reasons[mode].most_common():
                print(f"  {count:>5}  {why}")
        print(f"\nkb translations --strict: {strict_s:.2f} s wall, {strict_mb:.0f} MB peak")
        print(f"kb translations:          {default_s:.2f} s wall, {default_mb:.0f} MB peak")
        print(f"git-only reference:       {ref_s:.2f} s ({len({v[1] for v in ref.values()})} "
              "distinct pins, one git diff each)")
        for mode, path, want, got, note in misses[:args.misses]:
            print(f"  miss [{mode}] {path}: rule says {want}, kb says {got}"
                  f"{' (' + note + ')' if note else ''}")
    return 0


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


if __name__ == "__main__":
    raise SystemExit(main())
