"""A public article's body is converted once for both sites (:mod:`kbtools.sites.exchange`):
the site built second takes what the first left, in one process or two, and writes the same
bytes as a build that converts every page itself."""

from __future__ import annotations

import json
import marshal
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from mkdocs.structure.toc import get_toc

from kbtools.registry import open_kb
from kbtools.sites import build
from kbtools.sites.exchange import FOLDER_PREFIX, Exchange, markdown_settings
from kbtools.sites.fragments import BANNERS_END, Sharing
from tests.support import MKDOCS, REPO, article, make_kb
from tests.test_shared_fragments import FILES, assert_same_tree, build_both

TOKENS = [{"level": 1, "id": "triage", "name": "Triage &amp; more", "children": [
    {"level": 2, "id": "queues", "name": "Queues", "children": []}]}]


def exchange_folders(root: Path) -> list[Path]:
    return sorted((root / ".kb" / "build").glob(f"{FOLDER_PREFIX}*"))


def test_the_public_site_takes_the_bodies_the_agent_site_converted(tmp_path):
    files = dict(FILES, **{
        # a comment the public site strips: another body there, converted by each site
        "docs/faq/fees.md": article("Fees", "# Fees\n\nNone.<!-- agents: see billing -->\n",
                                    audience="public", owner="ann", reviewed="2026-11-01"),
    })
    root = make_kb(tmp_path / "kb", files)
    report = build_both(root, tmp_path)  # (one site after the other: the agent site first)
    # triage (a link, a footnote, a banner) and refunds in English, refunds in Russian; not
    # the console (an image), nor fees, nor the copies (from their English page)
    assert report["public"].exchanged == 3
    assert report["internal"].exchanged == 0  # built first: it converted them
    public = tmp_path / "shared" / "site-public"
    triage = (public / "guide" / "triage" / "index.html").read_text(encoding="utf-8")
    assert 'href="../console/#console"' in triage and 'id="fn:1"' in triage
    assert 'href="#queues"' in triage  # its table of contents, from the agent site's
    fees = (public / "faq" / "fees" / "index.html").read_text(encoding="utf-8")
    assert "agents: see billing" not in fees
    assert exchange_folders(root) == []  # deleted with the build


def test_the_example_builds_the_same_with_the_sites_built_at_once(tmp_path):
    # Which build converts a body depends on which reaches it first: the bytes do not.
    shared = build(open_kb(REPO), out=tmp_path / "shared", jobs=2)
    assert {s.site for s in shared.sites} == {"internal", "public"}
    plain = build(open_kb(REPO), out=tmp_path / "plain", jobs=1, share=False)
    for report in plain.sites:
        assert report.exchanged == 0
        assert_same_tree(tmp_path / "shared" / shared[report.site].out.name, report.out)
    assert exchange_folders(REPO) == []


def test_one_site_or_no_sharing_makes_no_exchange(tmp_path):
    root = make_kb(tmp_path / "kb", FILES)
    report = build(open_kb(root), ("public",), out=tmp_path / "one", jobs=1)
    assert report["public"].exchanged == 0
    report = build(open_kb(root), out=tmp_path / "plain", jobs=1, share=False)
    assert [s.exchanged for s in report.sites] == [0, 0]


def test_a_killed_builds_exchange_folder_is_deleted_by_the_next_build(tmp_path):
    root = make_kb(tmp_path / "kb", FILES)
    left = root / ".kb" / "build" / f"{FOLDER_PREFIX}killed"
    left.mkdir(parents=True)
    (left / "bodies.sqlite").write_bytes(b"half a body")
    build(open_kb(root), ("internal",), out=tmp_path / "out", jobs=1)
    assert not left.exists()


def test_a_body_is_taken_as_it_was_left(tmp_path):
    exchange, other = Exchange(tmp_path), Exchange(tmp_path)  # (as in two processes)
    html = '<h1 id="triage">Triage</h1>\n<p><a href="../console/#console">c</a></p>'
    assert exchange.leave("k", html, get_toc(TOKENS), {"queues", "triage"}, "guide/triage/")
    body = other.take("k", "guide/triage/", frozenset({"guide/console/"}))
    assert body.html == html and not body.sanitized
    assert body.anchors == {"queues", "triage"} and body.targets == ("../console/",)
    assert [(a.title, a.id, a.level, [c.id for c in a.children]) for a in body.toc] == \
        [("Triage &amp; more", "triage", 1, ["queues"])]
    # the first body left under a key stays (the same body, whichever build left it)
    assert exchange.leave("k", "<p>other</p>", get_toc([]), set(), "guide/triage/")
    assert other.take("k", "guide/triage/", frozenset({"guide/console/"})).html == html
    exchange.close()
    other.close()


def test_a_body_is_not_taken_where_it_would_read_otherwise(tmp_path):
    exchange = Exchange(tmp_path)
    exchange.leave("k", '<a href="../console/">c</a>', get_toc([]), set(), "guide/triage/")
    assert exchange.take("k", "guide/triage/", frozenset()) is None  # no such page here
    assert exchange.take("k", "faq/triage/", frozenset({"faq/console/"})) is None  # elsewhere
    assert exchange.take("other", "guide/triage/", frozenset({"guide/console/"})) is None
    # an image or a file: its link depends on the page's place, it is never left
    assert not exchange.leave("img", '<img src="../i.png">', get_toc([]), set(), "guide/a/")
    assert exchange.take("img", "guide/a/", frozenset()) is None
    exchange.close()


def test_a_damaged_or_foreign_entry_is_a_body_to_convert(tmp_path):
    exchange = Exchange(tmp_path)
    exchange.leave("made", "<p>x</p>", get_toc([]), set(), "a/")  # (the table made)
    db = sqlite3.connect(exchange.file)
    with db:
        db.executemany("INSERT INTO bodies VALUES (?, ?)", [
            ("cut", b"\xda\x01"),
            ("old", marshal.dumps((0, "<p>x</p>", [], [], "a/", ()))),
            ("shape", marshal.dumps([1, 2])),
            ("toc", marshal.dumps((1, "<p>x</p>", [{"level": 1}], [], "a/", ()))),
        ])
    db.close()
    for name in ("cut", "old", "shape", "toc", "missing"):
        assert exchange.take(name, "a/", frozenset()) is None, name
    assert exchange.take("made", "a/", frozenset()) is not None
    exchange.close()


def test_a_damaged_exchange_file_turns_the_exchange_off(tmp_path):
    (tmp_path / "bodies.sqlite").write_bytes(b"not a database" * 100)
    exchange = Exchange(tmp_path)
    assert exchange.take("k", "a/", frozenset()) is None
    assert not exchange.leave("k", "<p>x</p>", get_toc([]), set(), "a/")
    exchange.close()


def test_a_body_that_cannot_be_written_is_left_to_each_build(tmp_path):
    exchange = Exchange(tmp_path / "gone")
    assert not exchange.leave("k", "<p>x</p>", get_toc([]), set(), "a/")
    assert exchange.take("k", "a/", frozenset()) is None
    assert not (tmp_path / "gone").exists()


def test_a_page_takes_the_other_sites_body_with_its_own_banners_and_sanitizer(tmp_path):
    from kbtools.sites.sanitize import sanitize, sanitize_internal

    body = '<p>Refunds <a href="../b/" onclick="x()">b</a></p>\n<script>alert(1)</script>'
    agent = Sharing({}, ("en",), "en", exchange=Exchange(tmp_path))
    agent.start_language(["faq/a/", "faq/b/"], "settings")
    banners = '<div class="admonition kb-banner"><p>Review due</p></div>'
    assert not agent.markdown(url="faq/a/", norm="faq/a.md", locale="en", lang="en",
                              banners=banners, body="the markdown", both_sites=True)
    page = SimpleNamespace(url="faq/a/", toc=get_toc(TOKENS), present_anchor_ids={"triage"})
    whole = banners + BANNERS_END + body
    assert agent.content(page, whole, sanitize_internal) == sanitize_internal(whole)

    # other settings (extensions, their options): another key, nothing to take
    other = Sharing({}, ("en",), "en", exchange=Exchange(tmp_path))
    other.start_language(["faq/a/", "faq/b/"], "other settings")
    assert not other.markdown(url="faq/a/", norm="faq/a.md", locale="en", lang="en",
                              banners="", body="the markdown", both_sites=True)
    # nor for a page not on both sites, or a language build without settings
    assert not other.markdown(url="faq/a/", norm="faq/a.md", locale="en", lang="en",
                              banners="", body="the markdown")
    other.start_language(["faq/a/", "faq/b/"], None)
    assert not other.markdown(url="faq/a/", norm="faq/a.md", locale="en", lang="en",
                              banners="", body="the markdown", both_sites=True)

    public = Sharing({}, ("en",), "en", exchange=Exchange(tmp_path))
    public.start_language(["faq/a/", "faq/b/"], "settings")
    assert public.markdown(url="faq/a/", norm="faq/a.md", locale="en", lang="en",
                           banners="", body="the markdown", both_sites=True)
    taken = SimpleNamespace(url="faq/a/", toc=None, present_anchor_ids=None)
    assert public.content(taken, "", sanitize) == sanitize(body)
    assert taken.present_anchor_ids == {"triage"} and [a.id for a in taken.toc] == ["triage"]
    assert public.exchanged == 1 and public.shared == 0


def test_the_markdown_settings_name_functions_not_objects():
    def config(**mdx):
        return SimpleNamespace(markdown_extensions=["toc", "pymdownx.superfences"],
                               mdx_configs=mdx, plugins={"search": 1, "kb": 2},
                               use_directory_urls=True)

    from pymdownx.superfences import fence_code_format

    fences = {"pymdownx.superfences": {"custom_fences": [
        {"name": "mermaid", "class": "mermaid", "format": fence_code_format}]}}
    here = markdown_settings(config(**fences))
    assert here and here != markdown_settings(config()) \
        != markdown_settings(config(toc={"permalink": True}))
    # the same in another process (a function by its name, not its address)
    code = ("import json, sys; from types import SimpleNamespace as N;"
            "from pymdownx.superfences import fence_code_format as f;"
            "from kbtools.sites.exchange import markdown_settings as m;"
            "print(json.dumps(m(N(markdown_extensions=['toc', 'pymdownx.superfences'],"
            "mdx_configs={'pymdownx.superfences': {'custom_fences': [{'name': 'mermaid',"
            "'class': 'mermaid', 'format': f}]}}, plugins={'search': 1, 'kb': 2},"
            "use_directory_urls=True))))")
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=Path(__file__).resolve().parent.parent).stdout
    assert json.loads(there) == here
    # an extension a plugin gave as an object: no exchange
    with_object = config()
    with_object.markdown_extensions = ["toc", object()]
    assert markdown_settings(with_object) is None


def test_no_exchange_with_a_plugin_that_may_change_pages_per_site():
    def config(plugins):
        return SimpleNamespace(markdown_extensions=["toc"], mdx_configs={}, plugins=plugins,
                               use_directory_urls=True)

    def tags(**options):
        return SimpleNamespace(config={"enabled": True, **options})

    assert markdown_settings(config({"material/search": 1, "material/tags": tags(),
                                     "kb": 2}))
    # tag listings are made from each site's own pages; any other plugin: unknown
    assert markdown_settings(config({"material/tags": tags(listings=True), "kb": 2})) is None
    assert markdown_settings(config({"kb": 2, "macros": 3})) is None


def test_a_site_with_another_plugin_converts_its_own_pages(tmp_path):
    # (a hook of the site's own, as a plugin after kb: it may change a page per site)
    files = dict(FILES, **{"mkdocs.yml": MKDOCS + "hooks:\n  - hook.py\n"})
    files["hook.py"] = ("def on_page_markdown(markdown, page, config, files):\n"
                        "    return markdown\n")
    root = make_kb(tmp_path / "kb", files)
    report = build(open_kb(root), out=tmp_path / "out", jobs=1)
    assert [s.exchanged for s in report.sites] == [0, 0]
