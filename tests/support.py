"""Helpers for tests: small knowledge bases from a dict of files, real git repos."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

OWNERS = """\
people:
  ann: {name: Ann Example, team: support}
  bob: {name: Bob Example, team: support}
  gone: {name: Gone Person, team: support, active: false}
teams:
  support: {name: Support, fallback: ann}
"""

SUPPORT = """\
company: Example Co
email: help@example.test
timezone: Europe/Ljubljana
hours: {days: [mon, tue, wed, thu, fri], open: "08:00", close: "20:00"}
hours_text: Monday to Friday, 08:00-20:00
sla:
  P1: {name: Critical, first_response: 30m, resolution: 4h}
  P2: {name: High, first_response: 2h, resolution: 1d}
  P3: {name: Normal, first_response: 8h, resolution: 3d}
after_hours_required: [P1, P2]
"""

CONTACTS = """\
tier1: {name: Tier 1 on shift, hours: business}
duty-manager: {name: Duty manager, phone: "+1 555 0100", hours: always}
"""

SITE_URL = "https://help.example.test/"
# The package's default MkDocs settings plus the absolute site_url a public build needs.
MKDOCS = ((REPO / "kbtools/sites/mkdocs.yml").read_text(encoding="utf-8")
          + f"site_url: {SITE_URL}\n")

BASE_FILES = {
    "kb.yml": "languages: [en, ru, fa]\n",
    "mkdocs.yml": MKDOCS,
    "owners.yml": OWNERS,
    "macros/data/support.yml": SUPPORT,
    "macros/data/contacts.yml": CONTACTS,
    "macros/data/products.yml": "app: Example App\nrefund_window_days: 30\n",
}


EXAMPLE_FOLDERS = ("docs", "playbooks", "macros")
EXAMPLE_FILES = ("kb.yml", "owners.yml", "synonyms.yml")


def copy_example(dest: Path) -> Path:
    """A copy of the example KB's content and settings at ``dest`` (tests write its index and
    caches there, never in the repository)."""
    for name in EXAMPLE_FOLDERS:
        shutil.copytree(REPO / name, dest / name)
    for name in EXAMPLE_FILES:
        shutil.copy(REPO / name, dest / name)
    return dest


def article(title: str, body: str = "Some text.\n", **fields) -> str:
    """A markdown file with front matter ``title`` + ``fields`` (values written as YAML)."""
    import yaml

    meta = {"title": title, **fields}
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{head}---\n{body}"


def make_kb(root: Path, files: dict[str, str | bytes], *, base: bool = True) -> Path:
    """Write ``files`` (path -> text or bytes) under ``root``; with ``base`` a minimal
    kb.yml, owners and shared facts come first (override any of them in ``files``)."""
    merged: dict[str, str | bytes] = dict(BASE_FILES) if base else {}
    merged.update(files)
    for relative, content in merged.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content) if content.startswith("\n") else content,
                              encoding="utf-8")
    return root


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.test",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.test",
}


def git(root: Path, *args: str, date: str | None = None) -> str:
    """Run git in ``root`` (a real repo); ``date`` fixes author and committer dates."""
    env = {**os.environ, **GIT_ENV}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    result = subprocess.run(["git", *args], cwd=root, env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout.strip()


def git_init(root: Path, message: str = "initial", date: str | None = None) -> str:
    """Make ``root`` a git repo with everything committed; return the commit id."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD")


def write(root: Path, path: str, text: str) -> None:
    """Write ``text`` to ``root/path``, making its folders."""
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")


def edit(root: Path, path: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in ``root/path``."""
    text = (root / path).read_text(encoding="utf-8")
    assert old in text, old
    write(root, path, text.replace(old, new))


def commit(root: Path, message: str) -> str:
    """Commit everything in the repo at ``root``; return the commit id."""
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)
    return git(root, "rev-parse", "HEAD")


OLD_NS = 1_600_000_000 * 10**9  # September 2020: long before any build


def age(root: Path) -> None:
    """Make the previous build (into ``root/inc``) long past, as between an author's edits:
    its staged files older than its pages (written after them), both older than the parse
    cache's 2 s, so that its pages can be linked into the next build and left out of MkDocs'
    work."""
    for folder, when in ((root / ".kb/cache/staged", OLD_NS), (root / "inc", OLD_NS + 10**9)):
        for file in folder.rglob("*"):
            if file.is_file() and not file.is_symlink():
                os.utime(file, ns=(when, when))
