"""The package as users get it: the wheel holds every file kb reads at run time, the installed
``kb`` serves and builds from it alone, and every third-party import is a declared dependency.

The wheel is built from a copy of the repository's package (so setuptools' ``build/`` and
``*.egg-info`` never land in the checkout) and installed, without its dependencies, into a
virtual environment made here. The dependencies come from this project's environment through a
plain path in a ``.pth`` file: a path line does not run that folder's own ``.pth`` files, so the
editable install of ``kbtools`` there stays invisible and only the wheel's files can answer.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.support import REPO, article, make_kb
from tests.test_server import kb_serve

PYTHON = REPO / ".venv" / "bin" / "python"
RUNTIME_FILES = (
    "kbtools/sites/theme/assets/kb/search.js",  # the search box (kb serve: GET /_kb/search.js)
    "kbtools/onboarding/assets/kb-onboarding.css",
    "kbtools/onboarding/assets/kb-onboarding.js",
    "kbtools/sites/mkdocs.yml",  # the default MkDocs settings
    "kbtools/sites/theme/main.html",
    "kbtools/sites/theme/assets/kb/kb.css",
    "kbtools/sites/theme/assets/kb/kb.js",
    "kbtools/sites/theme/assets/vendor/mermaid/mermaid.min.js",
    "kbtools/sites/theme/assets/vendor/mermaid/LICENSE",
    "kbtools/preview/live.js",  # kb serve --watch: GET /_kb/live.js
    "kbtools/sites/theme/kb-home.html",  # the help-center home
    "kbtools/sites/theme/partials/copyright.html",
    "kbtools/sites/theme/partials/kb-home-top.html",
    "kbtools/sites/theme/partials/tags.html",
    "kbtools/sites/strings/en.yml",  # kb's interface strings (catalogs)
    "kbtools/sites/strings/ar.yml",
)
# Nothing from the checkout or a user site may stand in for the installed package.
ISOLATED = {"PYTHONPATH": "", "PYTHONNOUSERSITE": "1"}


def package_files(suffix_wanted: bool) -> set[str]:
    """The package's files in the checkout: Python sources, or (False) everything else."""
    found = set()
    for path in (REPO / "kbtools").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            if (path.suffix == ".py") == suffix_wanted:
                found.add(path.relative_to(REPO).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO / "kbtools", source / "kbtools",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    result = subprocess.run(
        [str(PYTHON), "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"),
         str(source)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    [built] = (work / "dist").glob("kbtools-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its ``bin`` folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    result = subprocess.run(
        [str(PYTHON), "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--no-deps", "--no-index", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    site_packages = Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    (site_packages / "kb-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv / "bin"


def test_the_wheel_holds_every_file_the_code_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = package_files(False)
    assert set(RUNTIME_FILES) <= data  # the list names real files
    assert sorted(data - names) == []
    assert sorted(package_files(True) - names) == []
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "kb = kbtools.cli:main" in text
    assert "kb = kbtools.sites.plugin:KBPlugin" in text


def test_the_installed_kb_serves_the_site_search_script_from_the_wheel(installed, tmp_path):
    env = {**os.environ, **ISOLATED}
    where = subprocess.run([str(installed / "python"), "-c",
                            "import kbtools; print(kbtools.__file__)"],
                           cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)
    root = make_kb(tmp_path / "kb", {
        "kb.yml": "languages: [en]\n",
        "docs/faq/refund.md": article("Refund", "Refunds take five days.\n",
                                      audience="public", owner="ann"),
    })
    build = subprocess.run([str(installed / "kb"), "--root", str(root), "build", "--only",
                            "internal"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=120)
    assert build.returncode == 0, build.stderr + build.stdout
    assert (root / "site" / "assets/vendor/mermaid/mermaid.min.js").is_file()
    with kb_serve(root, env=ISOLATED, kb=installed / "kb") as url:
        script = httpx.get(f"{url}/_kb/search.js")
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        assert script.text == (REPO / "kbtools/sites/theme/assets/kb/search.js").read_text(
            encoding="utf-8")
        page = httpx.get(f"{url}/faq/refund/")
        assert page.status_code == 200 and "Refunds take five days." in page.text
        assert re.search(r'<script\b[^>]*\bsrc="/_kb/search\.js"', page.text)
        assert httpx.get(f"{url}/assets/kb/kb.js").status_code == 200
        found = httpx.get(f"{url}/api/search", params={"q": "refund"}).json()
        assert [r["path"] for r in found["results"]] == ["docs/faq/refund.md"]


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_third_party_import_is_a_declared_dependency():
    declared = {_normalized(re.match(r"[A-Za-z0-9._-]+", requirement).group())
                for requirement in tomllib.loads(
                    (REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
                    "dependencies"]}
    imported: dict[str, str] = {}
    for path in sorted((REPO / "kbtools").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "kbtools" and top not in sys.stdlib_module_names:
                    imported.setdefault(top, path.relative_to(REPO).as_posix())
    assert {"whoosh", "mkdocs", "uvicorn", "starlette", "yaml"} <= set(imported)
    distributions = importlib.metadata.packages_distributions()
    undeclared = {module: (where, distributions.get(module))
                  for module, where in imported.items()
                  if not {_normalized(d) for d in distributions.get(module, [])} & declared}
    assert undeclared == {}
