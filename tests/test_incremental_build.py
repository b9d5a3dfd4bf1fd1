"""Incremental ``kb build``: after each kind of edit, a build that reuses the previous pages
writes the same bytes as a clean build of the edited knowledge base (real MkDocs builds of a
small knowledge base in a real git repository)."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.registry import open_kb
from kbtools.sites import build
from tests.support import (
    MKDOCS,
    OLD_NS,
    age,
    article,
    commit,
    edit,
    git,
    git_init,
    make_kb,
    write,
)

FILES = {
    "kb.yml": "languages: [en, ru]\n",
    "mkdocs.yml": MKDOCS.replace("  name: material\n", "  name: material\n"
                                 "  custom_dir: overrides\n", 1),
    "overrides/partials/logo.html": '<span class="kb-test-logo">LOGO-1</span>\n',
    "docs/faq/index.md": article("Questions", "- [Refunds](refunds.md)\n", audience="public"),
    "docs/faq/refunds.md": article(
        "Refunds", "# Refunds\n\nWe refund within {{ products.refund_window_days }} days.\n\n"
        "## Card payments\n\nCards take a week.\n", audience="public", owner="ann",
        reviewed="2026-11-01"),
    "docs/faq/refunds.ru.md": article("Возвраты", "# Возвраты\n\nМы возвращаем деньги.\n"),
    "docs/faq/login.md": article("Signing in", "Use your e-mail. See [refunds](refunds.md).\n",
                                 audience="public", owner="ann", reviewed="2026-11-01"),
    "docs/guide/triage.md": article("Ticket triage", "# Ticket triage\n\nSort tickets by priority.\n",
                                    owner="bob", reviewed="2026-11-01"),
    "docs/guide/tone.md": article("Tone", "Be kind. See [triage](triage.md#ticket-triage).\n",
                                  owner="bob", reviewed="2026-11-01"),
}


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def folders_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def assert_same_tree(incremental: Path, clean: Path) -> None:
    """Byte for byte, with the first lines that differ when a file does; the same folders
    (none left empty by a build into a recycled folder)."""
    assert folders_of(incremental) == folders_of(clean)
    got, want = files_of(incremental), files_of(clean)
    assert sorted(got) == sorted(want), (sorted(set(got) ^ set(want)))[:10]
    for name in want:
        if got[name] != want[name]:
            diff = difflib.unified_diff(
                want[name].decode(errors="replace").splitlines(),
                got[name].decode(errors="replace").splitlines(), "clean", "incremental",
                lineterm="", n=1)
            pytest.fail(f"{name} differs from the clean build:\n" + "\n".join(list(diff)[:20]))


@pytest.fixture
def root(tmp_path):
    root = make_kb(tmp_path / "kb", FILES)
    git_init(root)
    build(open_kb(root), out=root / "inc")
    age(root)
    # the previous build the next one reuses; it leaves the folder it replaced, which the
    # next one builds into (``kbtools.sites.recycling``)
    assert build(open_kb(root), out=root / "inc")["internal"].skipped > 0
    return root


def rebuild(root: Path, *, aged: bool = True):
    """The incremental build of ``root`` into ``inc/`` (after :func:`age` unless not
    ``aged``) and a clean one into ``clean/``; returns the incremental build's report after
    comparing both sites byte for byte."""
    if aged:
        age(root)
    report = build(open_kb(root), out=root / "inc")
    clean = clean_build(root)
    assert all(site.reused == 0 for site in clean.sites)
    for site in ("site", "site-public"):
        assert_same_tree(root / "inc" / site, root / "clean" / site)
    return report


def clean_build(root: Path):
    """A clean build of ``root`` into ``clean/``, from a copy of it: with a state folder of
    its own, it leaves the incremental builds' (the folder the next one builds into, see
    ``kbtools.sites.recycling``) as it is."""
    copy = root.parent / f"{root.name}-clean"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, symlinks=True,
                    ignore=shutil.ignore_patterns("inc", "clean", ".kb"))
    shutil.rmtree(root / "clean", ignore_errors=True)
    return build(open_kb(copy), out=root / "clean", clean=True)


def page(root: Path, site: str, path: str) -> str:
    return (root / "inc" / site / path).read_text(encoding="utf-8")


def test_an_unchanged_knowledge_base_reuses_every_article_page(root):
    report = rebuild(root)
    # every article page (2 languages: translations and fallback copies) but the homes
    assert report["internal"].reused >= 10
    assert report["public"].reused >= 6
    # and MkDocs does not even read them: their files are in place before it starts
    assert [site.skipped for site in report.sites] == [site.reused for site in report.sites]
    # already there: the build wrote into the folder the one before it replaced
    assert [site.recycled for site in report.sites] == [site.reused for site in report.sites]


def test_a_build_into_a_recycled_folder_never_writes_into_the_site_it_replaces(root, tmp_path):
    # The folder the last build replaced holds links to the live site's files, and the next
    # build builds into it. Writing into one of them would change the live site before the
    # swap. Whatever else the folder holds is removed, and links out of it are not followed.
    [spare] = (root / ".kb/build/internal").glob(".site.*.tmp")
    outside = tmp_path / "outside.html"
    outside.write_text("not the knowledge base's", encoding="utf-8")
    stale = spare / "faq/login/index.html"  # a page's place, not the live file
    stale.unlink()
    stale.write_text("stale", encoding="utf-8")
    (spare / "guide/out").symlink_to(tmp_path, target_is_directory=True)
    (spare / "faq/refunds/index.html").unlink()
    (spare / "faq/refunds/index.html").symlink_to(outside)
    (spare / "junk/deep").mkdir(parents=True)
    (spare / "junk/deep/page.html").write_text("junk", encoding="utf-8")
    live = root / "inc" / "site"
    before = files_of(live)
    edit(root, "docs/guide/triage.md", "Sort tickets by priority.", "Sort tickets by impact.")

    report = rebuild(root)  # byte for byte a clean build, folders included
    assert report["internal"].recycled > 0
    assert files_of(spare) == before  # the site replaced, as it was: nothing written into it
    assert outside.read_text(encoding="utf-8") == "not the knowledge base's"
    assert (tmp_path / "kb").is_dir()
    assert "Sort tickets by impact." in page(root, "site", "guide/triage/index.html")


def test_a_partial_build_into_a_recycled_folder_carries_the_other_languages_over(root):
    # (the preview's first answer to an edit) Russian is the live site's, linked in after
    # the build: the recycled folder's Russian pages, links to them, are taken as they are
    [spare] = (root / ".kb/build/internal").glob(".site.*.tmp")
    folder = (spare / "faq/refunds").stat().st_ino
    russian, folders = files_of(root / "inc/site/ru"), folders_of(root / "inc/site/ru")
    edit(root, "docs/faq/refunds.md", "Cards take a week.", "Cards take two weeks.")
    age(root)
    report = build(open_kb(root), ("internal",), out=root / "inc", languages=["en"])
    assert (root / "inc/site/faq/refunds").stat().st_ino == folder  # built into it
    assert report["internal"].recycled == sum(  # (all but the home, never kept: linked)
        1 for p in russian if p.endswith("index.html") and p != "index.html")
    assert "Cards take two weeks." in page(root, "site", "faq/refunds/index.html")
    assert files_of(root / "inc/site/ru") == russian
    assert folders_of(root / "inc/site/ru") == folders


def test_after_a_clean_build_the_next_builds_into_the_folders_it_replaced(root):
    # A clean build shares no file with the site it replaces: of that one, only the folders
    # are kept (deleting them took longer), and the next build builds into them.
    build(open_kb(root), out=root / "inc", clean=True)
    [spare] = (root / ".kb/build/internal").glob(".site.*.tmp")
    assert [p for p in spare.rglob("*") if not p.is_dir()] == []
    folder = (spare / "guide/triage").stat().st_ino
    edit(root, "docs/guide/triage.md", "Sort tickets by priority.", "Sort tickets by impact.")
    report = rebuild(root)  # byte for byte a clean build, folders included
    assert report["internal"].skipped > 0
    assert (root / "inc/site/guide/triage").stat().st_ino == folder


def test_a_build_with_no_folder_to_recycle_builds_into_a_new_one(root):
    # (as after a clean build) and a deleted article's folder is not in it
    for spare in (root / ".kb/build").glob("*/.site*.tmp"):
        shutil.rmtree(spare)
    (root / "docs/guide/tone.md").unlink()
    report = rebuild(root)  # byte for byte a clean build, folders included
    assert report["internal"].recycled == 0
    assert not (root / "inc/site/guide/tone").exists()


def test_pages_older_than_their_staged_files_are_copied_then_skipped(root):
    # A page file older than its staged source (a comment edited in a public page changes
    # the staged file, not the page) would look changed to MkDocs: it gets a fresh copy
    for file in (root / "inc").rglob("*"):  # (the staged files are no older than OLD_NS)
        if file.is_file():
            os.utime(file, ns=(OLD_NS - 10**9, OLD_NS - 10**9))
    before = (root / "inc/site/guide/triage/index.html").stat().st_ino
    report = rebuild(root, aged=False)
    assert [site.skipped for site in report.sites] == [site.reused for site in report.sites]
    assert (root / "inc/site/guide/triage/index.html").stat().st_ino != before
    report = rebuild(root)  # and then they are linked again
    assert [site.skipped for site in report.sites] == [site.reused for site in report.sites]


def test_with_material_tags_export_every_page_is_still_read(tmp_path):
    # Material's tags plugin makes tags.json from the pages it reads: a build that would
    # leave pages out of MkDocs' work reuses them the old way (read, blank template)
    mkdocs = FILES["mkdocs.yml"].replace("  - tags:", "  - tags:\n      export_file: tags.json",
                                         1).replace("      export: false\n", "")
    assert "export: false" not in mkdocs
    root = make_kb(tmp_path / "kb", {**FILES, "mkdocs.yml": mkdocs})
    git_init(root)
    build(open_kb(root), out=root / "inc")
    report = rebuild(root)
    assert report["internal"].reused >= 10 and report["internal"].skipped == 0
    assert (root / "inc/site/tags.json").is_file()


def test_only_plugins_known_to_keep_nothing_from_skipped_pages_allow_skipping():
    from types import SimpleNamespace

    from kbtools.sites.skipping import skippable

    def tags(**options):
        return SimpleNamespace(config={"enabled": True, "export": False, "listings": False,
                                       **options})

    assert skippable({"material/search": None, "material/tags": tags(), "kb": None})
    assert skippable({"kb": None, "tags": tags(enabled=False, export=True)})
    assert not skippable({"kb": None, "material/tags": tags(export=True)})
    assert not skippable({"kb": None, "material/tags": tags(listings=True)})
    assert not skippable({"kb": None, "material/tags": tags(tags_file="tags.md")})
    assert not skippable({"kb": None, "material/blog": None})
    assert not skippable({"kb": None, "__hooks": None})


def test_an_edited_article_is_rendered_and_the_others_reused(root):
    before = build(open_kb(root), out=root / "inc")["internal"].reused
    edit(root, "docs/guide/triage.md", "Sort tickets by priority.", "Sort tickets by impact.")
    report = rebuild(root)
    assert "Sort tickets by impact." in page(root, "site", "guide/triage/index.html")
    # its page in English is rendered again (the agent site has no Russian copy of it)
    assert report["internal"].reused == before - 1


def test_an_edited_translation(root):
    edit(root, "docs/faq/refunds.ru.md", "Мы возвращаем деньги.", "Деньги вернутся за неделю.")
    report = rebuild(root)
    assert "Деньги вернутся за неделю." in page(root, "site-public", "ru/faq/refunds/index.html")
    assert report["public"].reused > 0


def test_a_new_translation_of_an_article_written_once(root):
    """The agent site's guide had no Russian version: the Russian pages led to its English
    page, which held the Russian banner. Translated, it has a Russian page, and the English
    page loses that banner."""
    assert 'data-kb-reader="ru"' in page(root, "site", "guide/triage/index.html")
    assert not (root / "inc/site/ru/guide/triage").exists()
    write(root, "docs/guide/triage.ru.md", article(
        "Сортировка обращений", "# Сортировка обращений\n\nСортируйте по приоритету.\n"))
    rebuild(root)
    assert "Сортируйте по приоритету." in page(root, "site", "ru/guide/triage/index.html")
    assert "data-kb-reader" not in page(root, "site", "guide/triage/index.html")


def test_an_edited_fact_renders_the_pages_that_use_it(root):
    edit(root, "macros/data/products.yml", "refund_window_days: 30", "refund_window_days: 45")
    report = rebuild(root)
    assert "within 45 days" in page(root, "site-public", "faq/refunds/index.html")
    assert "within 45 days" in page(root, "site", "faq/refunds/index.html")
    assert report["internal"].reused > 0  # triage and tone do not use it


def test_a_new_title_changes_every_pages_navigation(root):
    edit(root, "docs/guide/tone.md", "title: Tone", "title: Tone of voice")
    report = rebuild(root)
    assert "Tone of voice" in page(root, "site", "guide/triage/index.html")
    assert report["internal"].reused == 0


def test_an_edited_template_renders_every_page(root):
    write(root, "overrides/partials/logo.html", '<span class="kb-test-logo">LOGO-2</span>\n')
    report = rebuild(root)
    assert "LOGO-2" in page(root, "site", "guide/triage/index.html")
    assert report["internal"].reused == 0 and report["public"].reused == 0


def test_a_deleted_article(root):
    (root / "docs/guide/tone.md").unlink()
    rebuild(root)
    assert not (root / "inc/site/guide/tone").exists()


def test_a_renamed_article(root):
    git(root, "mv", "docs/guide/triage.md", "docs/guide/sorting.md")
    edit(root, "docs/guide/tone.md", "(triage.md#ticket-triage)", "(sorting.md#ticket-triage)")
    commit(root, "rename triage")
    rebuild(root)
    assert "Sort tickets by priority." in page(root, "site", "guide/sorting/index.html")
    assert not (root / "inc/site/guide/triage").exists()


def test_a_new_commit_updates_the_public_last_updated_date(root):
    edit(root, "docs/faq/login.md", "Use your e-mail.", "Use your e-mail address.")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "login wording", date="2030-01-02T10:00:00")
    rebuild(root)
    assert "2030" in page(root, "site-public", "faq/login/index.html")


def test_a_changed_output_file_is_rendered_again(root):
    target = root / "inc/site/guide/triage/index.html"
    target.write_text("edited by hand", encoding="utf-8")
    rebuild(root)
    assert "Sort tickets by priority." in target.read_text(encoding="utf-8")


def test_an_unreadable_manifest_renders_every_page(root):
    for manifest in (root / ".kb/cache/pages").glob("*.json"):
        manifest.write_text("{not json", encoding="utf-8")
    report = rebuild(root)
    assert report["internal"].reused == 0
    manifests = list((root / ".kb/cache/pages").glob("internal-*.json"))
    assert json.loads(manifests[0].read_text(encoding="utf-8"))["pages"]  # written anew


def test_the_pages_search_entries_live_in_one_file_the_manifest_names(root):
    # Each page's search entries are kept in a file beside the manifest, not in it (at
    # thousands of pages the manifest held the whole index in memory for a whole build).
    # Each build writes a new file, named by the new manifest; the old one is removed.
    folder = root / ".kb/cache/pages"
    [manifest] = folder.glob("internal-*.json")
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    [entries] = folder.glob(manifest.stem + ".*.search")
    assert recorded["search"] == {"file": entries.name, "size": entries.stat().st_size}
    page = recorded["pages"]["guide/triage/index.html"]
    offset, length = page["search"]
    found = json.loads(entries.read_bytes()[offset:offset + length])
    index = json.loads((root / "inc/site/search/search_index.json").read_bytes())
    assert found == [e for e in index["docs"] if e["location"].startswith("guide/triage/")]
    assert "Sort tickets by priority." in found[0]["text"]

    rebuild(root)  # the entries of reused pages are read back and written anew
    [now] = folder.glob(manifest.stem + ".*.search")
    assert now.name != entries.name and not entries.exists()
    assert not list(folder.glob(".*.tmp"))  # no file left half written


@pytest.mark.parametrize("damage", ["truncated", "missing", "renamed"])
def test_a_damaged_search_entries_file_renders_every_page(root, damage):
    # A manifest whose entries file is not there, or not the size it records, is not
    # used: every page is rendered (a reused page without its entries would leave the
    # index), and the site is the same as a clean build's.
    folder = root / ".kb/cache/pages"
    [manifest] = folder.glob("internal-*.json")
    [entries] = folder.glob(manifest.stem + ".*.search")
    if damage == "truncated":
        entries.write_bytes(entries.read_bytes()[:-5])
    elif damage == "missing":
        entries.unlink()
    else:  # a file the manifest does not name
        entries.rename(folder / f"{manifest.stem}.000000000000.search")
    report = rebuild(root)
    assert report["internal"].reused == 0 and report["public"].reused > 0
    [now] = folder.glob(manifest.stem + ".*.search")  # written anew, the stray one gone
    assert json.loads(manifest.read_text(encoding="utf-8"))["search"]["file"] == now.name


@pytest.mark.parametrize(("span", "message"), [
    ([10**6, 10], "search entries are cut short"),  # past the end of the file
    ([1, 5], "removed, build again"),               # in it, but not a page's entries
])
def test_a_wrong_entries_span_fails_the_build_and_the_next_one_renders(root, span, message):
    # The file is the recorded size but a page's span is not one of its pages' (the state
    # folder was written by hand): the build stops, the site as it was, the manifest is
    # removed, and the next build renders every page.
    folder = root / ".kb/cache/pages"
    [manifest] = folder.glob("internal-*.json")
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    recorded["pages"]["guide/triage/index.html"]["search"] = span
    manifest.write_text(json.dumps(recorded), encoding="utf-8")
    before = files_of(root / "inc/site")
    age(root)
    with pytest.raises(Exception, match=message):
        build(open_kb(root), out=root / "inc")
    assert files_of(root / "inc/site") == before
    assert not manifest.exists()
    report = rebuild(root)
    assert report["internal"].reused == 0


def test_cli_clean_renders_every_page(root):
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--out",
                                       str(root / "inc"), "--clean", "--json"])
    assert result.exit_code == 0, result.output
    sites = json.loads(result.output)["sites"]
    assert [site["reused"] for site in sites] == [0, 0]
    # English-only pages under ru/ are made from the English pages' HTML: on the agent
    # site (which copies no article) the reports whose links land on the same pages from
    # ru/: their index, the translations page and its Russian one, the owners' section page
    # and ann's page (whose Russian refunds was never reviewed); the health summary,
    # nobody's page and the guides' section page link to articles written once, which ru/
    # leads to in English, and convert their own. On the public site: the FAQ index and
    # login.
    assert [site["shared"] for site in sites] == [5, 2]
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--out",
                                       str(root / "inc")])
    assert result.exit_code == 0, result.output
    assert "reused" in result.output and "shared" in result.output
    age(root)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--out",
                                       str(root / "inc"), "--json"])
    sites = json.loads(result.output)["sites"]
    assert all(site["reused"] > 0 for site in sites)
    assert [site["skipped"] for site in sites] == [site["reused"] for site in sites]


def test_a_page_whose_folder_is_a_link_out_of_the_site_is_rendered_again(root, tmp_path):
    import shutil

    folder = root / "inc/site/guide/triage"
    outside = tmp_path / "outside-folder"
    shutil.copytree(folder, outside)  # the same bytes: only the way to them is wrong
    shutil.rmtree(folder)
    folder.symlink_to(outside, target_is_directory=True)
    before = build(open_kb(root), out=root / "inc")["internal"].reused
    assert not folder.is_symlink()
    assert "Sort tickets by priority." in (folder / "index.html").read_text(encoding="utf-8")
    assert build(open_kb(root), out=root / "inc")["internal"].reused == before + 1


def test_a_manifest_path_that_leaves_the_site_is_never_read(tmp_path):
    from kbtools.sites.pagecache import PageCache

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (tmp_path / "secret.html").write_text("secret", encoding="utf-8")
    (site / "a/index.html").write_text("page", encoding="utf-8")
    (site / "b").symlink_to(tmp_path, target_is_directory=True)
    cache = PageCache(tmp_path / "manifest.json", site)
    recorded = hashlib.blake2b(b"secret", digest_size=20).hexdigest()  # the manifest's digest
    for dest in ("../secret.html", "a/../../secret.html", str(tmp_path / "secret.html"),
                 "b/secret.html", "a/./../../secret.html"):
        cache.previous[dest] = {"key": "k", "digest": recorded}
        assert not cache.reuse(dest, dest, "k"), dest
    cache.previous["a/index.html"] = {
        "key": "k", "digest": hashlib.blake2b(b"page", digest_size=20).hexdigest()}
    assert cache.reuse("a/", "a/index.html", "k")  # the check itself reads real pages


def test_a_page_replaced_by_a_link_out_of_the_site_is_rendered_again(root, tmp_path):
    target = root / "inc/site/guide/triage/index.html"
    outside = tmp_path / "outside.html"
    outside.write_bytes(target.read_bytes())  # the same bytes: only the link is wrong
    target.unlink()
    target.symlink_to(outside)
    report = build(open_kb(root), out=root / "inc")
    assert not target.is_symlink()
    assert "Sort tickets by priority." in target.read_text(encoding="utf-8")
    before = build(open_kb(root), out=root / "inc")["internal"].reused
    assert report["internal"].reused == before - 1


def test_a_home_is_never_reused_in_any_language(tmp_path):
    """The agent home is made from every article (its categories count them): in no
    language is its file taken from the previous build, a translated home included."""
    root = make_kb(tmp_path / "kb", {**FILES,
                                     "docs/index.md": article("Agent home", "Start here.\n"),
                                     "docs/index.ru.md": article("Главная", "Начните здесь.\n")})
    build(open_kb(root), ("internal",), out=root / "inc")
    [manifest] = (root / ".kb/cache/pages").glob("internal-*.json")
    keyed = json.loads(manifest.read_text(encoding="utf-8"))["pages"]
    assert "faq/refunds/index.html" in keyed and "ru/faq/refunds/index.html" in keyed
    assert "index.html" not in keyed and "ru/index.html" not in keyed


COUNTING_EXTENSION = '''\
import os

from markdown.extensions import Extension


class Counting(Extension):
    def extendMarkdown(self, md):  # once per converter MkDocs makes
        with open(os.environ["KB_TEST_CONVERTERS"], "a", encoding="utf-8") as file:
            file.write("+")


def makeExtension(**kwargs):
    return Counting(**kwargs)
'''


def test_pages_whose_html_comes_from_elsewhere_get_no_converter(tmp_path, monkeypatch):
    # A converter with every extension costs about 1 ms a page: none for a page the cache
    # answers, a fallback copy made from its English page's HTML, or a public page whose
    # body the agent site's build converted (built first here).
    files = {**FILES, "mkdocs.yml": FILES["mkdocs.yml"] + "markdown_extensions:\n"
             "  - kb_test_counting\n"}
    root = make_kb(tmp_path / "kb", files)
    (tmp_path / "ext").mkdir()
    (tmp_path / "ext/kb_test_counting.py").write_text(COUNTING_EXTENSION, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "ext"))
    made = tmp_path / "converters"
    monkeypatch.setenv("KB_TEST_CONVERTERS", str(made))
    git_init(root)

    def converters(**options) -> tuple[int, object]:
        made.write_text("", encoding="utf-8")
        report = build(open_kb(root), out=root / "inc", jobs=1, **options)
        return len(made.read_text(encoding="utf-8")), report

    count, clean = converters(clean=True)
    assert clean["internal"].shared > 0 and clean["public"].exchanged > 0
    assert count == sum(site.pages - site.shared - site.exchanged for site in clean.sites)
    count, again = converters()
    assert again["internal"].reused > 0 and again["public"].reused > 0
    assert count == sum(site.pages - site.reused for site in again.sites)


def test_a_reused_page_is_linked_in_only_while_it_is_the_file_read(tmp_path):
    # A reused page's file goes into the new site as a hard link to the previous one (no
    # reading and writing it again), but only while it is the very file the cache checked:
    # replaced by a link out of the site, or rewritten, it is not linked (the build then
    # reads it again, and refuses it: changed during the build).
    from kbtools.sites.pagecache import PageCache

    site, new = tmp_path / "site", tmp_path / "new"
    (site / "a").mkdir(parents=True)
    (tmp_path / "secret.html").write_text("secret", encoding="utf-8")
    pages = {f"{name}/index.html": f"page {name}" for name in ("a", "b", "c")}
    cache = PageCache(tmp_path / "manifest.json", site)
    for dest, text in pages.items():
        (site / dest).parent.mkdir(parents=True, exist_ok=True)
        (site / dest).write_text(text, encoding="utf-8")
        os.utime(site / dest, ns=(OLD_NS, OLD_NS))  # written by a build long ago
        cache.previous[dest] = {
            "key": "k", "digest": hashlib.blake2b(text.encode(), digest_size=20).hexdigest()}
        assert cache.reuse(dest.removesuffix("index.html"), dest, "k")

    assert cache.link("a/index.html", new)
    assert (new / "a/index.html").read_text(encoding="utf-8") == "page a"
    assert (new / "a/index.html").stat().st_ino == (site / "a/index.html").stat().st_ino

    (site / "b/index.html").unlink()
    (site / "b/index.html").symlink_to(tmp_path / "secret.html")
    assert not cache.link("b/index.html", new)
    assert not (new / "b/index.html").exists() and not (new / "b/index.html").is_symlink()
    with pytest.raises(ValueError, match="changed during the build"):
        cache.text("b/index.html")

    (site / "c/index.html").write_text("page C", encoding="utf-8")  # same size, new bytes
    assert not cache.link("c/index.html", new)
    assert not (new / "c/index.html").exists()
    with pytest.raises(ValueError, match="changed during the build"):
        cache.text("c/index.html")
    assert not cache.link("d/index.html", new)  # never reused


def test_a_rebuild_links_the_reused_pages_in(root):
    # The reused pages of a rebuild are the previous build's files, not copies (a file
    # written in the last two seconds is read again instead: a rewrite could look alike).
    age(root)
    fresh = root / "inc/site/guide/tone/index.html"
    os.utime(fresh)
    before = {path: (root / "inc/site" / path).stat().st_ino
              for path in ("guide/triage/index.html", "ru/faq/refunds/index.html",
                           "guide/tone/index.html")}
    report = rebuild(root, aged=False)
    assert report["internal"].reused >= 10
    for path, inode in before.items():
        linked = (root / "inc/site" / path).stat().st_ino == inode
        assert linked == (path != "guide/tone/index.html"), path


def test_the_manifest_records_a_linked_page_by_the_file_it_links(root):
    # A page linked into the new site is the file the cache checked: the manifest takes its
    # identity from that check, not from a file status asked again; it must be the new
    # site's file as it is, or the next build would read every page (or trust a wrong one).
    from kbtools.sites.pagecache import manifest_path

    rebuild(root)
    report = rebuild(root)
    assert report["internal"].skipped > 0
    site = root / "inc" / "site"
    kb = open_kb(root)
    recorded = json.loads(manifest_path(kb, "internal", site).read_text(encoding="utf-8"))
    files = {dest: entry["file"] for dest, entry in recorded["pages"].items() if "file" in entry}
    assert len(files) >= report["internal"].skipped
    for dest, identity in files.items():
        status = (site / dest).lstat()
        assert identity == [status.st_dev, status.st_ino, status.st_size,
                            status.st_mtime_ns], dest


def test_a_page_file_is_known_by_its_identity_once_it_is_old_enough(tmp_path):
    # The manifest records each page file's device, inode, size and time, as git's index
    # does: the next build takes a file with that identity for the bytes it digested,
    # without reading it. Only for a file written well before the manifest (one rewritten
    # in the same instant could keep its size and time): a newer one is read and digested.
    from kbtools.sites.pagecache import PageCache

    site, manifest = tmp_path / "site", tmp_path / "manifest.json"
    pages = {f"{name}/index.html": f"page {name}" for name in ("a", "b", "c", "d")}
    cache = PageCache(manifest, site)
    for dest, text in pages.items():
        (site / dest).parent.mkdir(parents=True, exist_ok=True)
        (site / dest).write_text(text, encoding="utf-8")
        if dest != "c/index.html":  # c: just written
            os.utime(site / dest, ns=(OLD_NS, OLD_NS))
        cache.previous[dest] = {
            "key": "k", "digest": hashlib.blake2b(text.encode(), digest_size=20).hexdigest()}
        assert cache.reuse(dest.removesuffix("index.html"), dest, "k")
    cache.save()
    recorded = json.loads(manifest.read_text(encoding="utf-8"))["pages"]
    assert sorted(d for d, entry in recorded.items() if "file" in entry) == [
        "a/index.html", "b/index.html", "d/index.html"]

    # b rewritten in place with the same size and time: the same identity stands for the
    # bytes digested, so it is not read (a new time, as any real edit makes, is read: d)
    with open(site / "b/index.html", "r+b") as file:
        file.write(b"PAGE")
    os.utime(site / "b/index.html", ns=(OLD_NS, OLD_NS))
    os.utime(site / "d/index.html", ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    again = PageCache.open(manifest, site)
    assert [again.reuse(d.removesuffix("index.html"), d, "k") for d in pages] == [
        True, True, True, True]
    assert again.link("b/index.html", tmp_path / "new")  # the file as it is now
    assert (tmp_path / "new/b/index.html").read_text(encoding="utf-8") == "PAGE b"
    (site / "d/index.html").write_text("page D", encoding="utf-8")  # new bytes, new time
    os.utime(site / "d/index.html", ns=(OLD_NS + 2 * 10**9,) * 2)
    assert not PageCache.open(manifest, site).reuse("d/", "d/index.html", "k")


@pytest.mark.parametrize("skipping", [True, False])
def test_links_to_anchors_of_reused_pages_stay_valid_when_mkdocs_warns_about_anchors(
        tmp_path, skipping):
    # With MkDocs told to warn about missing anchors (strict: a warning refuses the site),
    # a page rendered again that links to a heading of a page reused from the cache must
    # not be refused: the reused page was not converted, its anchors are not unknown.
    mkdocs = FILES["mkdocs.yml"] + "validation:\n  links:\n    anchors: warn\n"
    if not skipping:  # Material's tags.json export: reused pages are read, not skipped
        mkdocs = mkdocs.replace("      export: false\n", "")
    root = make_kb(tmp_path / "kb", {**FILES, "mkdocs.yml": mkdocs})
    git_init(root)
    build(open_kb(root), out=root / "inc")
    edit(root, "docs/guide/tone.md", "Be kind.", "Be very kind.")
    report = rebuild(root)
    assert "Be very kind." in page(root, "site", "guide/tone/index.html")
    assert report["internal"].reused >= 10
    assert (report["internal"].skipped > 0) == skipping
