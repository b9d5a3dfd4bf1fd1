"""The theme a kb build gives MkDocs lists no hidden folder, and copies the same files."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import Files

from kbtools.registry import open_kb
from kbtools.sites import build
from kbtools.sites.mktheme import ListedTheme, VisibleLoader
from kbtools.sites.plugin import THEME_DIR
from tests.support import REPO, article, make_kb


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>{name}</p>", encoding="utf-8")


def test_the_listing_leaves_out_every_hidden_name_and_loading_is_unchanged(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    _tree(first, ["main.html", "partials/nav.html", "assets/app.js", ".icons/home.svg",
                  ".icons/deep/er.svg", "assets/.cache/x.js", "partials/.swp", ".hidden"])
    _tree(second, ["main.html", "extra/page.html", ".git/config"])
    loader = VisibleLoader([str(first), str(second)])

    assert loader.list_templates() == ["assets/app.js", "extra/page.html", "main.html",
                                       "partials/nav.html"]
    env = ListedTheme().get_env()  # (MkDocs' own templates only)
    env.loader = loader
    assert env.get_template(".icons/deep/er.svg").render() == "<p>.icons/deep/er.svg</p>"
    assert env.get_template("main.html").filename == str(first / "main.html")


def test_the_theme_is_the_same_theme_and_the_files_a_build_copies_are_the_same():
    config = load_config(str(REPO / "mkdocs.yml"))
    theme = config.theme
    listed = ListedTheme.like(theme, str(THEME_DIR))
    theme.dirs.insert(1 if theme.custom_dir else 0, str(THEME_DIR))  # kb's, after the user's

    assert (listed.name, listed.dirs, listed.static_templates, dict(listed)) == \
        (theme.name, theme.dirs, theme.static_templates, dict(theme))
    assert ListedTheme.like(listed, str(THEME_DIR)) is listed
    assert listed.dirs.count(str(THEME_DIR)) == 1
    plain, kept = Files([]), Files([])
    plain.add_files_from_theme(theme.get_env(), config)
    kept.add_files_from_theme(listed.get_env(), config)
    assert len(plain) > 20  # Material's assets and kb's
    assert [(f.src_uri, f.abs_src_path) for f in kept] == \
        [(f.src_uri, f.abs_src_path) for f in plain]
    assert listed.get_env().get_template(".icons/material/home.svg").render().startswith("<svg")


def test_a_build_copies_the_theme_assets_and_no_hidden_file(tmp_path):
    root = make_kb(tmp_path / "kb", {"docs/faq/refunds.md": article("Refunds")})
    build(open_kb(root), ["internal"], jobs=1)

    site = root / "site"
    written = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert "assets/kb/kb.js" in written
    assert any(p.startswith("assets/javascripts/bundle.") for p in written)
    assert any(p.startswith("assets/javascripts/workers/search.") for p in written)
    assert not [p for p in written if any(part.startswith(".") for part in p.split("/"))]
