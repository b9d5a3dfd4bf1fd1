"""The synthetic KB generator (bench/synth.py): deterministic, contract-shaped, linkable."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synth import KIND_SHARES, anchor_of, generate_kb  # noqa: E402

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
MACRO = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
TRANSLATION = re.compile(r"\.(ar|fa|ru|sl)\.md$")
ARTICLES = 200
SEED = 3



def split(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 3)
    meta = yaml.safe_load(text[4:end + 1])
    assert isinstance(meta, dict)
    return meta, text[end + 5:]


def markdown_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md")
                  if ".git" not in p.parts)


def prose(body: str) -> list[str]:
    lines, fence = [], False
    for line in body.split("\n"):
        if line.startswith("```"):
            fence = not fence
        elif not fence:
            lines.append(line)
    return lines


def anchors(body: str) -> set[str]:
    return {anchor_of(re.sub(r"^#+ ", "", line)) for line in prose(body)
            if re.match(r"^#{1,6} ", line)}


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def broken_links_on_disk(root: Path) -> set[tuple[str, str]]:
    """(file, target) for every relative link whose file or heading anchor is missing."""
    bodies = {rel: split((root / rel).read_text(encoding="utf-8"))[1]
              for rel in markdown_files(root)}
    found = set()
    for rel, body in bodies.items():
        for line in prose(body):
            for target in LINK.findall(line):
                if re.match(r"^[a-z]+:", target):
                    continue
                path, _, anchor = target.partition("#")
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
                if resolved not in bodies or (anchor and anchor not in anchors(bodies[resolved])):
                    found.add((rel, target))
    return found


def resolve_fact(data: dict, dotted: str) -> bool:
    value: object = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth") / "kb"
    summary = generate_kb(root, ARTICLES, seed=SEED)
    return root, summary


@pytest.fixture(scope="module")
def sources(kb):
    root, summary = kb
    return {p: split((root / p).read_text(encoding="utf-8"))
            for paths in summary["paths"].values() for p in paths}


# -- determinism -----------------------------------------------------------------------


def test_same_seed_gives_identical_files(tmp_path):
    a = generate_kb(tmp_path / "a", 80, seed=5)
    b = generate_kb(tmp_path / "b", 80, seed=5)
    assert all_files(tmp_path / "a") == all_files(tmp_path / "b")
    assert {k: v for k, v in a.items() if k != "root"} == {k: v for k, v in b.items() if k != "root"}
    generate_kb(tmp_path / "c", 80, seed=6)
    assert all_files(tmp_path / "a") != all_files(tmp_path / "c")


def test_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "x.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        generate_kb(tmp_path, 10)
    assert (tmp_path / "x.txt").read_text() == "keep me"


# -- layout, counts, front matter --------------------------------------------------------


def test_layout_and_counts(kb, sources):
    root, summary = kb
    counts = summary["counts"]
    assert sum(counts.values()) == ARTICLES
    for kind, share in KIND_SHARES.items():
        assert abs(counts[kind] - share * ARTICLES) <= 2, (kind, counts)
    assert counts["tone"] >= 1
    for p in summary["paths"]["article"]:
        parts = p.split("/")
        assert parts[0] == "docs" and 3 <= len(parts) <= 4, p   # at most two folder levels
        assert parts[1] not in ("faq", "scripts", "tone", "onboarding")
    assert all(p.startswith("docs/faq/") for p in summary["paths"]["faq"])
    assert all(p.startswith("docs/scripts/") for p in summary["paths"]["script"])
    assert all(p.startswith("docs/tone/") for p in summary["paths"]["tone"])
    assert all(p.startswith("playbooks/") for p in summary["paths"]["playbook"])
    assert 14 <= len(summary["categories"]) <= 60
    on_disk = set(markdown_files(root))
    listed = set(sources) | {p for v in summary["translation_paths"].values() for p in v}
    assert on_disk == listed
    for name in ("kb.yml", "owners.yml", "synonyms.yml", "mkdocs.yml", "macros/data/support.yml",
                 "macros/data/products.yml", "macros/data/contacts.yml"):
        assert yaml.safe_load((root / name).read_text()), name
    mk = yaml.safe_load((root / "mkdocs.yml").read_text())
    assert mk["theme"]["name"] == "material" and mk["docs_dir"] == "docs" and mk["site_name"]
    kbyml = yaml.safe_load((root / "kb.yml").read_text())
    assert kbyml["languages"] == ["en", "ar", "fa", "ru", "sl"]
    titles = [meta["title"].casefold() for meta, _ in sources.values()]
    assert len(titles) == len(set(titles))


def test_categories_for_larger_kbs(tmp_path):
    summary = generate_kb(tmp_path / "kb", 1200, languages=(), links=False)
    assert 20 <= len(summary["categories"]) <= 60


def test_owners_file(kb):
    root, _ = kb
    owners = yaml.safe_load((root / "owners.yml").read_text())
    people, teams = owners["people"], owners["teams"]
    assert 10 <= len(people) <= 30
    assert 4 <= len(teams) <= 6
    inactive = [h for h, p in people.items() if p.get("active") is False]
    assert len(inactive) == 2
    for handle, team in teams.items():
        fallback = team["fallback"]
        assert people[fallback]["team"] == handle and people[fallback].get("active", True)
    assert all(p["team"] in teams for p in people.values())


def test_common_front_matter(kb, sources):
    root, summary = kb
    owners = yaml.safe_load((root / "owners.yml").read_text())
    handles = set(owners["people"]) | set(owners["teams"])
    allowed = {"title", "audience", "owner", "reviewed", "reviewed_by", "review_every", "tags"}
    kind_fields = {
        "script": {"channel", "situation", "tone", "use_when", "placeholders"},
        "playbook": {"priority", "triggers", "tiers", "after_hours", "close_when",
                     "deescalate_when"},
    }
    kind_of = {p: k for k, paths in summary["paths"].items() for p in paths}
    public = 0
    overdue = 0
    for path, (meta, _) in sources.items():
        kind = kind_of[path]
        assert set(meta) <= allowed | kind_fields.get(kind, set()), (path, set(meta))
        assert isinstance(meta["title"], str) and meta["title"].strip()
        assert meta["owner"] in handles
        if "reviewed_by" in meta:
            assert meta["reviewed_by"] in owners["people"]
        assert date(2025, 1, 1) <= meta["reviewed"] <= date(2026, 11, 20)
        overdue += meta["reviewed"] + timedelta(days=180) < date(2026, 11, 20)
        assert 1 <= len(meta["tags"]) <= 3 and all(isinstance(t, str) for t in meta["tags"])
        if "review_every" in meta:
            assert re.fullmatch(r"\d+[dwm]", meta["review_every"])
        if kind in ("script", "playbook", "tone"):
            assert meta["audience"] == "internal"
        else:
            assert meta["audience"] in ("public", "internal")
            public += meta["audience"] == "public"
    pool = summary["counts"]["article"] + summary["counts"]["faq"]
    assert public == round(0.3 * pool)
    assert overdue > 0


def test_scripts(kb, sources):
    _, summary = kb
    assert summary["paths"]["script"]
    for path in summary["paths"]["script"]:
        meta, body = sources[path]
        assert meta["channel"] in ("email", "chat", "phone")
        assert meta["situation"] in ("refund", "billing", "payment-failed", "account-access",
                                     "outage", "security", "cancellation", "general")
        assert meta["tone"] in ("warm", "calm", "formal", "conversational")
        assert isinstance(meta["use_when"], str) and meta["use_when"].endswith(".")
        declared = meta["placeholders"]
        assert isinstance(declared, dict) and "customer_name" in declared
        for name, info in declared.items():
            assert name.isidentifier()
            assert set(info) <= {"description", "fallback"} and info["description"]
        used = {m for m in MACRO.findall(body) if "." not in m}
        assert used == set(declared), path   # only declared placeholders, and all of them


def test_playbooks(kb, sources):
    root, summary = kb
    contacts = yaml.safe_load((root / "macros/data/contacts.yml").read_text())
    stems = {posixpath.basename(p)[:-3] for p in summary["paths"]["script"]}
    assert summary["paths"]["playbook"]
    for path in summary["paths"]["playbook"]:
        meta, _ = sources[path]
        assert meta["priority"] in ("P1", "P2", "P3", "P4")
        assert meta["triggers"] and all(isinstance(t, str) for t in meta["triggers"])
        assert meta["tiers"]
        for tier in meta["tiers"]:
            assert tier["contact"] in contacts
            assert re.fullmatch(r"\d+[mhd]", tier["within"])
            assert isinstance(tier["do"], str) and tier["do"]
            assert tier["handover"] and all(isinstance(h, str) for h in tier["handover"])
            assert tier["message"] in stems
        if meta["priority"] in ("P1", "P2"):
            after = meta["after_hours"]
            assert contacts[after["contact"]]["hours"] == "always"
            assert re.fullmatch(r"\d+[mhd]", after["within"])
            assert after["how"] and after["message"] in stems
        assert isinstance(meta["close_when"], str) and isinstance(meta["deescalate_when"], str)


def test_bodies(kb, sources):
    _, summary = kb
    kind_of = {p: k for k, paths in summary["paths"].items() for p in paths}
    vocabulary: set[str] = set()
    code = admonitions = 0
    for path, (_, body) in sources.items():
        text = "\n".join(prose(body))
        words = len(re.findall(r"[A-Za-z][A-Za-z'-]*", re.sub(r"\]\([^)]*\)", "", text)))
        assert 150 <= words <= 600, (path, words)
        h2 = [line for line in prose(body) if line.startswith("## ")]
        if kind_of[path] == "script":
            assert not h2
        else:
            assert 1 <= len(h2) <= 4, path
            assert len({anchor_of(h[3:]) for h in h2}) == len(h2)
        code += "```" in body
        admonitions += "\n!!! " in body
        vocabulary.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text))
    assert code and admonitions
    assert len(vocabulary) > 1500


def test_macros_resolve(kb, sources):
    root, _ = kb
    facts = {p.stem: yaml.safe_load(p.read_text()) for p in (root / "macros/data").glob("*.yml")}
    used = 0
    for rel in markdown_files(root):
        for name in MACRO.findall((root / rel).read_text(encoding="utf-8")):
            if "." in name:
                assert resolve_fact(facts, name), (rel, name)
                used += 1
    assert used
    assert resolve_fact(facts, "support.hours_text") and resolve_fact(facts, "products.invoices")


# -- links -----------------------------------------------------------------------------------


def test_links_resolve_except_the_deliberately_broken(kb, sources):
    root, summary = kb
    expected = {(b["file"], b["target"]) for b in summary["broken_links"]}
    assert broken_links_on_disk(root) == expected
    in_sources = [b for b in summary["broken_links"] if b["file"] in sources]
    assert 1 <= len(in_sources) <= max(2, round(0.02 * summary["links"]))
    assert {b["reason"] for b in in_sources} <= {"missing-file", "missing-anchor"}
    anchored = 0
    audience = {p: meta["audience"] for p, (meta, _) in sources.items()}
    for path, (meta, body) in sources.items():
        targets = [t for line in prose(body) for t in LINK.findall(line)]
        assert 1 <= len(targets) <= 4, path
        anchored += sum("#" in t for t in targets)
        if meta["audience"] == "public":   # public pages never point at internal ones
            for t in targets:
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path),
                                                             t.partition("#")[0]))
                assert audience.get(resolved, "public") == "public", (path, t)
    assert anchored > 0


def test_without_links_or_translations(tmp_path):
    summary = generate_kb(tmp_path / "kb", 40, languages=("ru",), links=False,
                          translate_share=0.0)
    assert summary["links"] == 0 and summary["broken_links"] == []
    assert summary["translations"] == {"ru": 0}
    for rel in markdown_files(tmp_path / "kb"):
        assert not TRANSLATION.search(rel)
        assert not LINK.search((tmp_path / "kb" / rel).read_text(encoding="utf-8"))


# -- translations ----------------------------------------------------------------------------


def test_translations(kb, sources):
    root, summary = kb
    expected = [p for p, (meta, _) in sources.items()
                if p.startswith("docs/faq/") or
                (p in summary["paths"]["article"] and meta["audience"] == "public")]
    try:
        from kbtools.content.corpus import content_hash
    except Exception:  # noqa: BLE001
        content_hash = None
    scripts = {"ar": r"[\u0621-\u064a]", "fa": r"[\u06cc\u06a9]", "ru": r"[\u0430-\u044f]",
               "sl": r"[čšž]"}
    zwnj = 0
    for lang, paths in summary["translation_paths"].items():
        assert len(paths) == len(expected)
        for source in expected:
            path = source[:-3] + f".{lang}.md"
            meta, body = split((root / path).read_text(encoding="utf-8"))
            src_meta, src_body = sources[source]
            assert set(meta) <= {"title", "owner", "reviewed", "tags", "translation"}
            assert "audience" not in meta
            assert meta["title"] != src_meta["title"]
            assert re.search(scripts[lang], meta["title"] + body), path
            pin = meta["translation"]
            assert isinstance(pin["machine"], bool) and isinstance(pin["source_hash"], str)
            assert "source_commit" not in pin or isinstance(pin["source_commit"], str)
            if content_hash:
                assert pin["source_hash"] == content_hash(src_body, (("title", src_meta["title"]),))
            else:
                assert pin["source_hash"] == "unknown"
            # same structure: lines, heading levels, code, macros and link targets kept
            assert body.count("\n") == src_body.count("\n")
            assert [re.match(r"#*", x).group(0) for x in body.split("\n")] == \
                [re.match(r"#*", x).group(0) for x in src_body.split("\n")]
            assert MACRO.findall(body) == MACRO.findall(src_body)
            assert LINK.findall(body) == LINK.findall(src_body)
            assert re.findall(r"```.*?```", body, re.S) == re.findall(r"```.*?```", src_body, re.S)
            zwnj += "\u200c" in body
    assert zwnj > 0
    for paths in summary["translation_paths"].values():   # titles unique per language
        seen = [split((root / p).read_text(encoding="utf-8"))[0]["title"].casefold()
                for p in paths]
        assert len(seen) == len(set(seen))


# -- git history -----------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def test_git_history(tmp_path):
    root = tmp_path / "kb"
    summary = generate_kb(root, 60, seed=4, git_commits=200)
    assert git(root, "rev-list", "--count", "HEAD").strip() == "200"
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(root, "rev-parse", "HEAD").strip() == summary["git"]["head"]
    git(root, "fsck", "--strict", "--full", "--no-dangling")   # the hand-written pack is valid
    assert summary["git"]["edits"] > 150
    dates = git(root, "log", "--reverse", "--format=%at %ct").split("\n")
    stamps = [tuple(map(int, line.split())) for line in dates if line]
    assert stamps[0][0] == 1735718400           # 2025-01-01 08:00 UTC, fixed
    assert all(a == c for a, c in stamps)
    assert [a for a, _ in stamps] == sorted({a for a, _ in stamps})
    # the working tree is the last commit, and every link still resolves after renames
    tracked = set(git(root, "ls-files").split())
    assert tracked == set(all_files(root))
    expected = {(b["file"], b["target"]) for b in summary["broken_links"]}
    assert broken_links_on_disk(root) == expected
    listed = {p for v in summary["paths"].values() for p in v}
    assert listed == {p for p in markdown_files(root) if not TRANSLATION.search(p)}
    assert sum(summary["counts"].values()) <= 60


def test_git_history_renames_and_is_deterministic(tmp_path):
    a = generate_kb(tmp_path / "a", 30, seed=9, git_commits=400)
    b = generate_kb(tmp_path / "b", 30, seed=9, git_commits=400)
    assert a["git"]["head"] == b["git"]["head"]
    assert a["git"]["renamed"] > 0
    assert all_files(tmp_path / "a") == all_files(tmp_path / "b")
    renames = git(tmp_path / "a", "log", "--format=%s", "--grep=^Rename").split("\n")
    assert len([r for r in renames if r]) == a["git"]["renamed"]
    playbook_messages = set()
    for p in a["paths"]["playbook"]:
        meta, _ = split((tmp_path / "a" / p).read_text(encoding="utf-8"))
        playbook_messages |= {t["message"] for t in meta["tiers"] if "message" in t}
    stems = {posixpath.basename(p)[:-3] for p in a["paths"]["script"]}
    assert playbook_messages <= stems


# -- command line ----------------------------------------------------------------------------


def test_cli(tmp_path):
    out = tmp_path / "cli-kb"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), str(out),
                          "--articles", "30", "--langs", "ru,sl", "--seed", "2"],
                         capture_output=True, text=True, check=True)
    printed = json.loads(run.stdout)
    assert sum(printed["counts"].values()) == 30
    assert set(printed["translations"]) == {"ru", "sl"}
    assert (out / "kb.yml").is_file()
