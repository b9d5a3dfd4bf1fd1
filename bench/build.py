"""``kb build`` (both sites, every language) against Material and Hugo on the same markdown.

    python bench/build.py [--sizes 200,1000,3000] [--seed 1] [--engines kb,material,hugo]
                          [--edit] [--plain] [--one-process]

For each size, a seeded synthetic KB (``bench/synth.py``; every FAQ and public article
translated into ar, fa, ru, sl) is built by each engine in the same run, each in a child
process of its own:

- kb: ``kbtools.sites.build(open_kb(root), out=root)``, then ``kb.save_caches()`` as ``kb build``
  does, with the repository's ``mkdocs.yml``
  (internal site and public FAQ, all languages);
- material: plain ``mkdocs build`` with Material and ``navigation.prune`` (the synthetic KB's
  own ``mkdocs.yml`` plus that feature): every markdown file a page, translations included;
- hugo: Debian's ``hugo`` with the minimal section-only-navigation theme in ``bench/hugo/``
  (top-level sections + the pages of the page's own section); ``x.ru.md`` is Hugo's own
  translation naming, the KB's languages are Hugo languages, English the default.

Every engine gets the same markdown: ``docs/`` and ``playbooks/`` (as ``playbooks/`` beside the
``docs/`` folders for Material and Hugo). The generator plants 1 % broken links for the stale
report; they are unlinked first, and links in translations lose their ``#anchor`` (the
translated page's headings have translated anchors), because kb refuses broken links.

Figures are CPU seconds (user + system of the build process and every process it waited
for, from ``os.wait4``) because the machine's cores are shared; wall seconds are for
reference. Peak MB is the larger of the biggest single process (``ru_maxrss``) and the sum of
the process tree's resident memory sampled every 0.1 s. Beside speed, quality: the share of
source pages whose title is in the built page's ``<title>`` or ``<h1>``, and the local links
in the output HTML whose target does not exist (a build that drops pages cannot look fast;
Material's are its home links: the synthetic ``docs/`` has no ``index.md``, kb makes one).
``--edit`` changes one sentence of one article after kb's full build and times a second
``kb build`` (incremental: it reuses the pages whose inputs did not change), then does the
same to another article (the steady state of an author's edits: each build builds into the
site folder the one before it replaced), then, in the same run, a clean build of the edited KB into
another folder: the baseline for the time, and the
quality figure, the share of files the incremental build wrote byte for byte as the clean one.
``--plain`` also builds the KB with kb's sharing off (``build(share=False)``: every page's
navigation and every fallback copy's markdown rendered on its own, every internal page's
HTML parsed again by Material's search, see ``bench/search_sections.py``, and every public
article's body converted by both sites, see ``kbtools.sites.exchange``) into another folder, in
the same run: the baseline for what sharing saves, and the quality figure, the files that
are the same byte for byte.
``--one-process`` also builds the KB clean with ``--jobs 1`` (both sites one after the other in
one process, what ``kb build`` does on a machine with less than 2 GB free) into another folder:
its peak memory against the target, and the files compared byte for byte with the default
build's.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from bench.synth import generate_kb  # noqa: E402
from bench.timing import warm_bytecode  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
HUGO = "/usr/bin/hugo"
ENGINES = ("kb", "material", "hugo")
RTL = {"ar", "fa", "he", "ur"}
MATERIAL_FEATURES = "  features:\n    - navigation.prune\n"

# The targets (issue 17), CPU seconds.
TARGET_VS_HUGO = 3.0          # kb <= 3x Hugo
TARGET_VS_MATERIAL = 0.5      # kb <= 0.5x Material
TARGET_LINEAR = 1.2           # kb CPU per article, largest size / middle size
TARGET_PEAK_MB = 500          # at 3,000 articles
TARGET_EDIT_S = 5.0           # one edited article at 1,000 articles


# -- the synthetic KB and each engine's copy of it ---------------------------------------------

def make_kb(root: Path, articles: int, seed: int) -> dict:
    summary = generate_kb(root, articles, seed=seed)
    for broken in summary["broken_links"]:
        file = root / broken["file"]
        pattern = r"\[([^\]]*)\]\(" + re.escape(broken["target"]) + r"[^)]*\)"
        file.write_text(re.sub(pattern, r"\1", file.read_text(encoding="utf-8")),
                        encoding="utf-8")
    suffix = re.compile(r"\.(" + "|".join(map(re.escape, summary["languages"])) + r")\.md$")
    for file in (root / "docs").rglob("*.md"):
        if suffix.search(file.name):
            text = file.read_text(encoding="utf-8")
            unanchored = re.sub(r"(\]\([^)#\s]*\.md)#[^)\s]*", r"\1", text)
            if unanchored != text:
                file.write_text(unanchored, encoding="utf-8")
    return summary


def copy_markdown(root: Path, dest: Path) -> None:
    """``docs/`` and ``playbooks/`` of the KB into one tree ``dest`` (the other engines'), the
    playbooks' links to ``../docs/x.md`` made ``../x.md`` as kb's staging makes them."""
    shutil.copytree(root / "docs", dest)
    if (root / "playbooks").is_dir():
        shutil.copytree(root / "playbooks", dest / "playbooks")
        for file in (dest / "playbooks").rglob("*.md"):  # their links to ../docs/x.md
            text = file.read_text(encoding="utf-8")
            file.write_text(text.replace("](../docs/", "](../"), encoding="utf-8")


def prepare_material(root: Path, work: Path) -> Path:
    """A plain MkDocs project in ``work``: the synthetic mkdocs.yml + ``navigation.prune``."""
    copy_markdown(root, work / "docs")
    config = (root / "synth-mkdocs.yml").read_text(encoding="utf-8")
    if "\ntheme:\n  name: material\n" not in "\n" + config:
        raise SystemExit("bench/synth.py's mkdocs.yml changed: update prepare_material")
    config = config.replace("  name: material\n", "  name: material\n" + MATERIAL_FEATURES, 1)
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    return work / "mkdocs.yml"


def prepare_hugo(root: Path, work: Path, languages: list[str]) -> None:
    """A Hugo site in ``work``: ``content/`` and a config with the KB's languages."""
    copy_markdown(root, work / "content")
    for index in (work / "content").rglob("index*.md"):  # Hugo's section page is _index.md
        if re.fullmatch(r"index(\.[a-z]{2,3})?\.md", index.name):
            index.rename(index.with_name("_" + index.name))
    tables = []
    for weight, lang in enumerate(languages, 1):
        tables.append(f'\n[languages.{lang}]\nweight = {weight}\nlanguageName = "{lang}"\n'
                      + ('languageDirection = "rtl"\n' if lang in RTL else ""))
    base = (REPO / "bench" / "hugo" / "hugo.toml").read_text(encoding="utf-8")
    (work / "hugo.toml").write_text(base + "".join(tables), encoding="utf-8")


# -- running a build in a child process ---------------------------------------------------------

def _tree_rss(pid: int, page: int) -> int:
    """Resident bytes of ``pid`` and its descendants (0 once gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * page
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_child(argv: list[str], log: Path, env: dict | None = None) -> dict:
    """Run ``argv`` with output to ``log``; wall and CPU seconds, peak MB, exit status."""
    actions = [(os.POSIX_SPAWN_OPEN, 1, str(log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
               (os.POSIX_SPAWN_DUP2, 1, 2)]
    page = os.sysconf("SC_PAGE_SIZE")
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env or dict(os.environ), file_actions=actions)
    peak = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        peak = max(peak, _tree_rss(pid, page))
        time.sleep(0.1)
    wall = time.perf_counter() - start
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": max(peak, usage.ru_maxrss * 1024) / 1e6,
            "ok": os.waitstatus_to_exitcode(status) == 0, "log": log}


def kb_child(root: str, out: str | None = None, clean: bool = False,
             share: bool = True, jobs: int | None = None) -> None:
    """In the child: build both sites of the KB at ``root`` into ``out`` (default ``root``;
    ``--kb-child ROOT [--out DIR] [--clean] [--no-share] [--jobs N]``)."""
    from kbtools.registry import open_kb
    from kbtools.sites import build

    kb = open_kb(Path(root))
    report = build(kb, out=Path(out or root), clean=clean, share=share, jobs=jobs)
    kb.save_caches()  # as `kb build` does once the command is done
    for site in report.sites:
        print(f"{site.site}: {site.pages} pages ({site.reused} reused, {site.skipped} skipped, "
              f"{site.shared} shared, {site.exchanged} exchanged), "
              f"{site.seconds:.1f} s")


_COUNTS = re.compile(r"^\w+: (\d+) pages \((\d+) reused, (\d+) skipped,", re.M)


def page_counts(log: Path) -> tuple[int, int, int]:
    """(pages, reused, skipped) of both sites, from a :func:`kb_child` log."""
    found = _COUNTS.findall(log.read_text(encoding="utf-8", errors="replace"))
    return tuple(sum(int(row[n]) for row in found) for n in range(3))


def run_kb(root: Path, log: Path, *options: str) -> dict:
    """:func:`run_child` for a ``kb build`` of ``root`` (:func:`kb_child`, with ``options``)."""
    return run_child([sys.executable, str(Path(__file__).resolve()), "--kb-child", str(root),
                      *options], log)


def build_beside(root: Path, tmp: Path, name: str, *options: str) -> tuple[dict, str]:
    """A clean kb build of ``root`` into ``tmp/name`` (``options`` added): its figures, and
    its files compared with those of the build in ``root`` (:func:`compare_sites`; "" when it
    failed). The folder is removed after."""
    out = tmp / name
    r = run_kb(root, tmp / f"kb-{name}.log", "--out", str(out), "--clean", *options)
    same = compare_sites(root, out) if r["ok"] else ""
    shutil.rmtree(out, ignore_errors=True)
    return r, same


def compare_sites(a: Path, b: Path) -> str:
    """"same/total" for the files of both sites under ``a`` and ``b``, and the first that differ."""
    same, total, differ = (0, 0, [])
    for name in ("site", "site-public"):
        s_, t_, d_ = compare_trees(a / name, b / name)
        same, total, differ = same + s_, total + t_, differ + d_
    return f"{same}/{total}" + (f" (differ: {', '.join(differ)})" if differ else "")


def compare_trees(a: Path, b: Path) -> tuple[int, int, list[str]]:
    """(files identical in ``a`` and ``b``, files in either, the first few that differ)."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    same, differ = 0, []
    for name in sorted(names):
        x, y = a / name, b / name
        if x.is_file() and y.is_file() and x.read_bytes() == y.read_bytes():
            same += 1
        else:
            differ.append(name)
    return same, len(names), differ[:3]


def run_engine(engine: str, root: Path, work: Path, languages: list[str]) -> dict:
    log = work.parent / f"{engine}.log"
    if engine == "kb":
        r = run_kb(root, log)
        outs = [root / "site", root / "site-public"]
    elif engine == "material":
        config = prepare_material(root, work)
        out = work / "site"
        r = run_child([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config),
                       "-d", str(out)], log)
        outs = [out]
    else:
        prepare_hugo(root, work, languages)
        out = work / "public"
        r = run_child([HUGO, "--quiet", "--source", str(work), "--themesDir",
                       str(REPO / "bench"), "--theme", "hugo", "--destination", str(out)], log)
        outs = [out]
    r["outs"] = outs
    r["pages"] = sum(1 for o in outs for _ in o.rglob("*.html")) if r["ok"] else 0
    return r


# -- quality: titles found, broken local links ---------------------------------------------------

_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r'\shref="([^"]*)"')
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).translate(_QUOTES).split())


def source_titles(root: Path, summary: dict) -> dict[str, str]:
    """Source page path (``docs/x/y.md``, ``playbooks/z.md``) -> its front-matter title."""
    titles = {}
    for paths in summary["paths"].values():
        for rel in paths:
            text = (root / rel).read_text(encoding="utf-8")
            front = yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else {}
            titles[rel] = str((front or {}).get("title", ""))
    return titles


def page_of(rel: str, out: Path) -> Path:
    """The built page of source ``rel`` under ``out`` (directory URLs, docs/ at the root)."""
    rel = rel[len("docs/"):] if rel.startswith("docs/") else rel
    stem = rel[:-3]
    if stem == "index" or stem.endswith("/index"):
        return out / stem[:-5] / "index.html"
    return out / stem / "index.html"


def titles_found(titles: dict[str, str], out: Path) -> tuple[int, list[str]]:
    found, missing = 0, []
    for rel, title in titles.items():
        page = page_of(rel, out)
        try:
            doc = page.read_text(encoding="utf-8", errors="replace")
        except OSError:
            missing.append(f"{rel}: no {page.relative_to(out)}")
            continue
        want = " ".join(title.translate(_QUOTES).split())
        shown = [_text(m) for m in _TITLE.findall(doc)[:1] + _H1.findall(doc)]
        if want and any(want in s for s in shown):
            found += 1
        else:
            missing.append(f"{rel}: title {title!r} not in <title>/<h1>")
    return found, missing


def broken_links(out: Path) -> tuple[int, int, list[str]]:
    """(local links checked, links whose target does not exist, examples) under ``out``."""
    checked, broken, examples, exists = 0, 0, [], {}
    for page in out.rglob("*.html"):
        here = page.parent
        doc = page.read_text(encoding="utf-8", errors="replace")
        for href in set(_HREF.findall(doc)):
            href = html.unescape(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # external, mailto:, or a link to an anchor on this page
            path = unquote(parts.path)
            target = (out / path.lstrip("/")) if path.startswith("/") else (here / path)
            key = os.path.normpath(target)
            if key not in exists:
                exists[key] = (os.path.isfile(key)
                               or os.path.isfile(os.path.join(key, "index.html")))
            checked += 1
            if not exists[key]:
                broken += 1
                if len(examples) < 3:
                    examples.append(f"{page.relative_to(out)} -> {href}")
    return checked, broken, examples


def quality(r: dict, titles: dict[str, str]) -> None:
    if not r["ok"]:
        r.update(found=0, missing=[], checked=0, broken=0, broken_examples=[])
        return
    r["found"], r["missing"] = titles_found(titles, r["outs"][0])
    r["checked"] = r["broken"] = 0
    r["broken_examples"] = []
    for out in r["outs"]:
        checked, broken, examples = broken_links(out)
        r["checked"] += checked
        r["broken"] += broken
        r["broken_examples"] += examples


# -- the edit figure ------------------------------------------------------------------------------

def edit_one(root: Path, summary: dict, n: int = 0) -> tuple[str, str]:
    """Change one sentence of article ``n``; (its source path, the new sentence)."""
    rel = summary["paths"]["article"][n]
    file = root / rel
    text = file.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    paragraphs = body.split("\n\n")
    i = next(n for n, p in enumerate(paragraphs) if p.strip() and p[0].isalpha())
    sentence = "Brightloop now keeps the edited sentence of this benchmark in the page."
    _, _, rest = paragraphs[i].partition(". ")
    paragraphs[i] = sentence + (" " + rest if rest else "")
    file.write_text(head + "\n---\n" + "\n\n".join(paragraphs), encoding="utf-8")
    return rel, sentence


# -- printing ------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def show(engine: str, r: dict, articles: int) -> None:
    if not r["ok"]:
        tail = r["log"].read_text(encoding="utf-8", errors="replace").strip().splitlines()[-8:]
        print(f"  {engine:<9} FAILED after {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU; "
              f"last lines of {r['log']}:")
        for line in tail:
            print(f"    {line}")
        return
    print(f"  {engine:<9} {r['wall']:8.1f} {r['cpu']:8.1f} {r['pages']:7} "
          f"{1000 * r['cpu'] / articles:9.1f} {r['peak_mb']:8.0f}   "
          f"{r['found']:5}/{articles} {100 * r['found'] / articles:5.1f} %   "
          f"{r['broken']:6} of {r['checked']}")


def run_size(size: int, seed: int, engines: list[str], edit: bool, plain: bool,
             one_process: bool = False) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix=f"kb-bench-build-{size}-") as tmp:
        root = Path(tmp) / "kb"
        summary = make_kb(root, size, seed)
        os.replace(root / "mkdocs.yml", root / "synth-mkdocs.yml")
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        titles = source_titles(root, summary)
        articles = len(titles)
        files = sum(1 for _ in (root / "docs").rglob("*.md"))
        print(f"\n{size} articles: {articles} source pages ("
              + ", ".join(f"{n} {k}" for k, n in summary["counts"].items())
              + f"), {files + summary['counts'].get('playbook', 0)} markdown files with "
              f"translations into {', '.join(summary['languages'])}")
        print(f"  {'engine':<9} {'wall s':>8} {'CPU s':>8} {'pages':>7} {'CPU ms/art':>9} "
              f"{'peak MB':>8}   {'titles found':>16}   broken local links")
        sys.stdout.flush()
        for engine in engines:
            work = Path(tmp) / engine
            if engine != "kb":
                work.mkdir()
            r = run_engine(engine, root, work, ["en", *summary["languages"]])
            quality(r, titles)
            results[engine] = r
            show(engine, r, articles)
            for line in r["missing"][:2] + r["broken_examples"][:2]:
                print(f"  {'':<9} e.g. {line}")
            sys.stdout.flush()
            if engine != "kb":
                shutil.rmtree(work, ignore_errors=True)  # keep the disk small at 3,000
        kb = results.get("kb")
        if kb and kb["ok"]:
            for other, target in (("hugo", TARGET_VS_HUGO), ("material", TARGET_VS_MATERIAL)):
                o = results.get(other)
                if o and o["ok"]:
                    ratio = kb["cpu"] / o["cpu"]
                    print(f"  kb/{other:<8} CPU {ratio:5.2f}x   target <= {target:g}x: "
                          f"{verdict(ratio <= target)}")
            at = "" if size == 3000 else " (the target is at 3,000 articles)"
            print(f"  kb peak   {kb['peak_mb']:.0f} MB   target < {TARGET_PEAK_MB} MB{at}: "
                  f"{verdict(kb['peak_mb'] < TARGET_PEAK_MB)}")
        if one_process and kb and kb["ok"]:
            o, same = build_beside(root, Path(tmp), "one", "--jobs", "1")
            at = "" if size == 3000 else " (the target is at 3,000 articles)"
            if o["ok"]:
                print(f"  one proc  kb --jobs 1, same run: {o['wall']:.1f} s wall, "
                      f"{o['cpu']:.1f} s CPU, peak {o['peak_mb']:.0f} MB (target < "
                      f"{TARGET_PEAK_MB} MB{at}: {verdict(o['peak_mb'] < TARGET_PEAK_MB)}); "
                      f"files byte for byte the same: {same}")
            else:
                print("  one proc  kb --jobs 1 FAILED")
            results["one_process"] = o
        if plain and kb and kb["ok"]:
            p, same = build_beside(root, Path(tmp), "plain", "--no-share")
            if p["ok"]:
                print(f"  plain     kb without sharing, same run (baseline): {p['wall']:.1f} s "
                      f"wall, {p['cpu']:.1f} s CPU; kb/plain CPU {kb['cpu'] / p['cpu']:.2f}x; "
                      f"files byte for byte the same: {same}")
            else:
                print("  plain     kb without sharing FAILED")
            results["plain"] = p
        if edit and kb and kb["ok"]:
            # Two edits: the second is the steady state, as an author's edits follow one
            # another (each builds into what the one before it left: the site it replaced).
            at = "" if size == 1000 else " (the target is at 1,000 articles)"
            for n, which in enumerate(("edit", "edit 2")):
                rel, sentence = edit_one(root, summary, n)
                e = run_kb(root, Path(tmp) / f"kb-edit-{n}.log")
                shown = e["ok"] and sentence in page_of(rel, root / "site").read_text(
                    encoding="utf-8", errors="replace")
                state = "" if e["ok"] else " (FAILED)"
                print(f"  {which:<9} one sentence of {rel}, then kb build again{state}: "
                      f"{e['wall']:.1f} s wall, {e['cpu']:.1f} s CPU; new sentence in the page: "
                      f"{'yes' if shown else 'NO'}; target <= {TARGET_EDIT_S:g} s{at}: "
                      f"{verdict(e['ok'] and shown and e['wall'] <= TARGET_EDIT_S)}")
                if e["ok"]:
                    pages, reused, skipped = page_counts(e["log"])
                    print(f"            {pages - reused} of {pages} pages rendered again; "
                          f"{skipped} of the {reused} reused not even read by MkDocs")
                results[which.replace(" ", "")] = e
                if not e["ok"]:
                    break
            c, same = build_beside(root, Path(tmp), "clean")
            if e["ok"] and c["ok"]:
                print(f"  clean     the edited KB built clean in the same run (baseline): "
                      f"{c['wall']:.1f} s wall, {c['cpu']:.1f} s CPU; incremental/clean CPU "
                      f"{e['cpu'] / c['cpu']:.2f}x; files byte for byte as the clean build's: "
                      f"{same}")
                results["clean"] = c
        for r in results.values():
            r.pop("outs", None)
        results["articles"] = articles
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200,1000,3000", help="article counts, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated, from " + ", ".join(ENGINES))
    parser.add_argument("--edit", action="store_true",
                        help="after kb's full build, edit one sentence and time kb build again")
    parser.add_argument("--plain", action="store_true",
                        help="also build with kb's sharing off: the baseline, files compared")
    parser.add_argument("--one-process", action="store_true",
                        help="also build with --jobs 1 (one process): its peak memory, files "
                        "compared")
    parser.add_argument("--kb-child", metavar="ROOT", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-share", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--clean", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kb_child:
        kb_child(args.kb_child, args.out, args.clean, share=not args.no_share, jobs=args.jobs)
        return
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        parser.error(f"unknown engine {', '.join(unknown)} (expected {', '.join(ENGINES)})")
    if "hugo" in engines and not os.access(HUGO, os.X_OK):
        print("hugo skipped: install Debian's hugo package (apt-get install hugo)")
        engines.remove("hugo")
    print(f"Build benchmark, seed {args.seed}, {os.cpu_count()} cores shared with other work: "
          "the figures to compare are CPU seconds\n(user + system of each build and its child "
          "processes); wall seconds are for reference. CPU ms/art = CPU ms per source page.")
    warm_bytecode()
    sizes = [int(s) for s in args.sizes.split(",")]
    per_article = {}
    for size in sizes:
        results = run_size(size, args.seed, engines, args.edit, args.plain, args.one_process)
        if results.get("kb", {}).get("ok"):
            per_article[size] = results["kb"]["cpu"] / results["articles"]
    done = sorted(per_article)
    if len(done) >= 2:
        big, mid = done[-1], done[-2]
        ratio = per_article[big] / per_article[mid]
        print(f"\nlinearity: kb CPU per source page at {big:,} / at {mid:,} articles = "
              f"{1000 * per_article[big]:.1f} / {1000 * per_article[mid]:.1f} ms = {ratio:.2f}x"
              f"   target <= {TARGET_LINEAR:g}x (3,000 vs 1,000): {verdict(ratio <= TARGET_LINEAR)}")


if __name__ == "__main__":
    main()
