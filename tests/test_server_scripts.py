"""Only the site's own scripts run: an author's ``<script>``, event handler or ``javascript:``
link in an internal article runs neither in the built HTML nor on the served site.

Two layers, each tested alone: ``kb build`` removes what would run script from the internal
site's article HTML (:func:`kbtools.sites.sanitize.sanitize_internal`), and ``kb serve`` gives
a fresh nonce only to the scripts Material and kbtools ship, so the page's policy refuses any
other (here proven on pages the build never cleaned). Real builds, a real ``kb serve`` on
127.0.0.1, real headless Chromium.
"""

from __future__ import annotations

import re
import shutil

import pytest

from kbtools.registry import open_kb
from kbtools.server.scripts import OwnScripts
from kbtools.sites import build
from kbtools.sites.sanitize import own_scripts, sanitize_internal
from tests.browser_support import browser
from tests.support import REPO, article, make_kb
from tests.test_browser_playbooks import CONTACTS, OUTAGE, drawn_svgs
from tests.test_paths import PATH, TARGETS
from tests.test_search import FILES
from tests.test_server import kb_serve

AUTHOR_HTML = """\
<script>window.__pwned=1</script>

<img src=x onerror="window.__pwned=2">

<p><a id="js-link" href="javascript:window.__pwned=3">Open the refund form</a></p>

<p id="clicky" onclick="window.__pwned=4">Click here for the refund rules</p>

<script src="../evil.js"></script>
"""
"""What a careless or hostile author can paste into an article (evil.js is committed beside it)."""
PAGE = "/guide/refund-rules/"
STATE = """() => ({pwned: typeof window.__pwned, material: typeof window.__md_get,
                   bundle: typeof window.document$})"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small internal site: an article with author scripts, an onboarding path, a playbook
    with a diagram and the search fixture's password article."""
    root = make_kb(tmp_path_factory.mktemp("scriptskb"), {
        "kb.yml": "languages: [en]\n",
        "macros/data/contacts.yml": CONTACTS,
        "docs/faq/reset-password.md": FILES["docs/faq/reset-password.md"],
        "docs/guide/refund-rules.md": article(
            "Refund rules", f"Refunds within 30 days.\n\n{AUTHOR_HTML}\nThe end.\n",
            owner="ann", reviewed="2026-11-01"),
        "docs/guide/evil.js": "window.__pwned = 5;\n",
        **TARGETS,
        "playbooks/outage.md": OUTAGE,
        "docs/scripts/ack.md": article("Outage acknowledged", "Hi.\n", owner="ann",
                                       channel="email", reviewed="2026-11-01"),
        "docs/onboarding/first-weeks.md": PATH,
    })
    build(open_kb(root), ("internal",))
    return root


@pytest.fixture(scope="module")
def served(built):
    with kb_serve(built) as url:
        yield url


def watch(page) -> list[str]:
    """Console errors and uncaught exceptions of ``page``, as they come."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def try_everything(page) -> None:
    """Trigger every way the author's HTML could run: load, click, follow the link."""
    page.wait_for_selector("html[data-kb-search=api]")  # kb serve's own script ran
    page.locator("#clicky").first.click()  # (the pasted copy comes first)
    page.locator("#js-link").first.click()
    page.wait_for_timeout(300)


def search_works(page) -> None:
    box = page.locator("input[data-kb-search=api]")
    box.click()
    box.fill("pasword reset")
    first = page.locator(".md-search-result__list li").first
    first.wait_for(timeout=10_000)
    assert "reset my password" in first.locator("h1").inner_text()


def test_the_build_removes_author_scripts_from_the_internal_site(built):
    html = (built / "site" / PAGE.strip("/") / "index.html").read_text(encoding="utf-8")
    article_html = html.split('<article class="md-content__inner md-typeset">')[1]
    article_html = article_html.split("</article>")[0]
    assert "__pwned" not in html and "onerror" not in html and "javascript:" not in article_html
    assert "<script" not in article_html
    # The rest of what the author wrote stays.
    assert '<img src="x">' in article_html and '<p id="clicky">' in article_html
    assert '<a id="js-link">Open the refund form</a>' in article_html
    assert "Refunds within 30 days." in article_html and "The end." in article_html
    # kbtools' own inline script (the onboarding page's) is kept, byte for byte.
    path_page = (built / "site" / "onboarding" / "first-weeks" / "index.html").read_text()
    (body,) = own_scripts()
    assert f"<script>{body}</script>" in path_page


@pytest.mark.browser
def test_served_site_runs_only_its_own_scripts(served):
    with browser() as chromium:
        page = chromium.new_page()
        problems = watch(page)
        page.goto(served + PAGE, wait_until="load")
        try_everything(page)
        state = page.evaluate(STATE)
        assert state == {"pwned": "undefined", "material": "function", "bundle": "object"}
        search_works(page)
    assert not [p for p in problems if "Content Security Policy" in p], problems


@pytest.mark.browser
def test_the_policy_alone_refuses_scripts_the_build_did_not_remove(built, tmp_path):
    """As if the build had missed them: author scripts pasted into the built page."""
    raw = tmp_path / "site"
    shutil.copytree(built / "site", raw)
    page_file = raw / PAGE.strip("/") / "index.html"
    html = page_file.read_text(encoding="utf-8")
    (material_inline,) = re.findall(r"<script>(var palette=.*?)</script>", html)
    pasted = (AUTHOR_HTML
              + '<script nonce="guessed">window.__pwned=6</script>\n'
              + '<script src="../../assets/kb/kb.js" onload="window.__pwned=7"></script>\n'
              + f"<script>{material_inline};window.__pwned=8</script>\n"
              + '<iframe srcdoc="&lt;script&gt;parent.__pwned=9&lt;/script&gt;"></iframe>\n'
              + '<svg><a href="javascript:window.__pwned=10"><text y="20">svg link</text></a>'
              + "</svg>\n")
    html = html.replace('<article class="md-content__inner md-typeset">',
                        '<article class="md-content__inner md-typeset">' + pasted, 1)
    page_file.write_text(html, encoding="utf-8")
    assert (raw / "guide" / "evil.js").is_file()  # committed beside the article: served as is
    with kb_serve(built, "--site", str(raw)) as url, browser() as chromium:
        page = chromium.new_page()
        problems = watch(page)
        page.goto(url + PAGE, wait_until="load")
        try_everything(page)
        page.get_by_text("svg link").click()
        page.wait_for_timeout(300)
        state = page.evaluate(STATE)
        assert state == {"pwned": "undefined", "material": "function", "bundle": "object"}
        search_works(page)
    refused = [p for p in problems if "Content Security Policy" in p]
    assert any("inline script" in p for p in refused), problems
    assert any("inline event handler" in p for p in refused), problems
    assert any("evil.js" in p for p in refused), problems
    assert any("JavaScript URL" in p for p in refused), problems


@pytest.mark.browser
def test_onboarding_and_diagrams_run_under_the_policy(served):
    with browser() as chromium:
        page = chromium.new_context().new_page()
        problems = watch(page)
        page.goto(served + "/onboarding/first-weeks/", wait_until="load")
        progress = page.locator(".kb-path-progress")
        progress.filter(has_text="Steps read: 0 of 3").wait_for(timeout=10_000)
        page.check('.kb-path-step[data-step="docs/tone/voice.md"] .kb-step-read')
        progress.filter(has_text="Steps read: 1 of 3").wait_for(timeout=10_000)

        page.goto(served + "/playbooks/outage/", wait_until="load")
        page.locator("div.mermaid").wait_for(state="attached", timeout=20_000)
        svgs = drawn_svgs(page)
        assert len(svgs) == 1 and "Support open?" in svgs[0][0]
    assert not [p for p in problems if "Content Security Policy" in p], problems


@pytest.mark.parametrize(("written", "kept"), [
    ('<p onmouseover="x()" title="t">a</p>', '<p title="t">a</p>'),
    ('<a href="java&#x09;script:alert(1)">a</a>', "<a>a</a>"),
    ('<a href=" JAVASCRIPT:alert(1)">a</a>', "<a>a</a>"),
    ('<form action="javascript:x"><button formaction="vbscript:x">b</button></form>',
     "<form><button>b</button></form>"),
    ('<a href="data:text/html,x">a</a><img src="data:image/png;base64,AA">',
     '<a>a</a><img src="data:image/png;base64,AA">'),
    ('<iframe srcdoc="&lt;script&gt;x()&lt;/script&gt;" src="/x/"></iframe>',
     '<iframe src="/x/"></iframe>'),
    ('<base href="https://attacker.example/"><meta http-equiv="refresh" content="0">x', "x"),
    ('<svg><animate attributeName="href" values="javascript:x()"/><text>t</text></svg>',
     "<svg><text>t</text></svg>"),
    ('<svg><style><img src=x onerror=alert(1)></style></svg>', "<svg></svg>"),
    ('<title><a title="</title><img src=x onerror=alert(1)>">t</a></title>',
     '<title><a title="&lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;">t</a></title>'),
    ("<!--> <script>alert(1)</script> -->after", "after"),
    ("<script/>alert(1)</script>", "alert(1)"),
    ('<img"x onclick=alert(1)>', '&lt;img"x onclick=alert(1)&gt;'),
    ("<script>\nalert(1)\n</script>", ""),
    ('<script src="/assets/kb/kb.js"></script>', ""),
    ('<a href="/ok?a=1&amp;b=2" class="x">ok</a>', '<a href="/ok?a=1&amp;b=2" class="x">ok</a>'),
    ('<div hidden data-kb-items="{&quot;a&quot;: 1}">&lt;b&gt; &amp; t</div>',
     '<div hidden data-kb-items="{&quot;a&quot;: 1}">&lt;b&gt; &amp; t</div>'),
    ("<style>.kb-x > p { color: red }</style>", "<style>.kb-x > p { color: red }</style>"),
])
def test_internal_sanitizing_removes_what_runs_and_keeps_the_rest(written, kept):
    assert sanitize_internal(written) == kept



MATERIAL_BASE = (  # Material's first inline script, as its template fills it in two folders down
    '<script>__md_scope=new URL("../..",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.'
    'charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname'
    '+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.'
    'stringify(_))}catch(e){}}</script>')
OWN, FOREIGN = True, False
TAGS = [
    ('<script src="../assets/kb/kb.js"></script>', OWN),  # ours, by its content
    ('<script src="kb-copy.js" defer></script>', OWN),  # a byte-for-byte copy: harmless
    ('<script src="/_kb/search.js" defer></script>', OWN),  # the server's own
    (MATERIAL_BASE, OWN),
    ('<script src="evil.js"></script>', FOREIGN),
    ('<script src="../other/assets/kb/kb.js"></script>', FOREIGN),  # our name, other content
    ('<script src="../assets/kb/kb.js" onload="x()"></script>', FOREIGN),
    ('<script src="evil.js" src="../assets/kb/kb.js"></script>', FOREIGN),
    ('<script src="//attacker.example/assets/kb/kb.js"></script>', FOREIGN),
    ('<script src="..//assets/kb/kb.js"></script>', FOREIGN),
    ('<script nonce="guessed">x()</script>', FOREIGN),
    ('<script>var palette=__md_get("__palette");x()</script>', FOREIGN),
    (MATERIAL_BASE.replace('"../.."', '"\\"),alert(1)//"'), FOREIGN),
    ("<div title='<script src=\"../assets/kb/kb.js\"></script>'></div>", FOREIGN),
    ('<!-- <script src="../assets/kb/kb.js"></script> -->', FOREIGN),
    ('<script src="../assets/kb/kb.js"/>', FOREIGN),
]


def test_only_the_packages_scripts_get_the_nonce(tmp_path):
    site = tmp_path / "site"
    kb_js = (REPO / "kbtools/sites/theme/assets/kb/kb.js").read_bytes()
    for relative, content in {"assets/kb/kb.js": kb_js, "guide/evil.js": b"x()",
                              "guide/kb-copy.js": kb_js, "other/assets/kb/kb.js": b"x()"}.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_bytes(content)
    files = {f.relative_to(site).as_posix(): f for f in site.rglob("*.js")}
    scripts = OwnScripts(files.get, ["/_kb/search.js"])
    html = "\n".join(tag for tag, _ in TAGS) + f"\n<script>{next(iter(own_scripts()))}</script>"

    def marked(folder: str) -> list[bool]:
        page = scripts.mark(html, folder).render("N").decode()
        assert page.replace(' nonce="N"', "") == html
        found = [tag.replace("<script", '<script nonce="N"', 1) in page for tag, _ in TAGS]
        return [*found, '<script nonce="N">\n/* Onboarding paths' in page]

    assert marked("/guide/") == [own for _, own in TAGS] + [True]
    # From a folder where browsers and urljoin may disagree, only absolute URLs qualify.
    assert marked("//guide/") == [False, False, True, True, *[False] * (len(TAGS) - 4), True]
