"""The public site leaks nothing: canaries in every internal place never reach site-public/.

The same canaries are looked for in the internal site as a control: each one is there, so the
search for them in the public site can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtools.registry import open_kb
from kbtools.sites import build
from tests.support import OWNERS, article, make_kb

CANARIES = {
    "CANARY-INTERNAL-NO-AUDIENCE": "an internal article whose audience is missing",
    "CANARY-INTERNAL-TITLE": "the title of an internal article",
    "CANARY-INTERNAL-TRANSLATION": "a translation of an internal article",
    "CANARY-PLAYBOOK": "a playbook",
    "canary-internal-tag": "a tag used only by internal pages",
    "CANARY-OWNER-NAME": "the owner of a public page",
    "CANARY-CONTACT-PHONE": "internal macro data (contacts)",
    "CANARY-COMMENT": "an HTML comment in a public page",
    "canary-internal-image": "an image used only by an internal page",
    "CANARY-IMAGE-BYTES": "the content of that image",
    "CANARY-REVIEWER": "the reviewer of a public page",
}
# Script an author (or a compromised account) put into a public page: must not run.
HOSTILE = {"CANARY-SCRIPT", "CANARY-ONERROR", "CANARY-JS-URL", "CANARY-STYLE"}

FILES = {
    "kb.yml": "languages: [en, ru, ar]\n",
    "owners.yml": OWNERS.replace(
        "teams:",
        "  canaryowner: {name: CANARY-OWNER-NAME, team: support}\n"
        "  canaryreviewer: {name: CANARY-REVIEWER, team: support}\nteams:"),
    "macros/data/contacts.yml": (
        "duty-manager: {name: Duty manager, phone: 'CANARY-CONTACT-PHONE', hours: always}\n"),
    "docs/index.md": article("Home", "Welcome, agents.\n", owner="ann"),
    "docs/faq/index.md": article("Questions", "- [Refunds](refunds.md)\n", audience="public"),
    "docs/faq/index.ru.md": article("Вопросы", "- [Возвраты](refunds.md)\n"),
    "docs/faq/refunds.md": article(
        "How do refunds work?",
        "Refunds take 5 days. We answer {{ support.hours_text }}.\n\n"
        "<!-- CANARY-COMMENT: ask Tomas before promising anything -->\n\n"
        "<script>alert('CANARY-SCRIPT')</script>\n\n"
        '<img src="x.png" onerror="CANARY-ONERROR">\n\n'
        '<p style="CANARY-STYLE">Styled</p>\n\n'
        "[Click me](javascript:CANARY-JS-URL)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        '!!! note "Good to know"\n    Admonitions still work.\n',
        audience="public", owner="canaryowner", reviewed="2020-01-01",
        reviewed_by="canaryreviewer", tags=["billing"]),
    "docs/faq/refunds.ru.md": article("Как работают возвраты?", "Возврат занимает 5 дней.\n"),
    "docs/faq/refunds.ar.md": article("كيف تعمل المبالغ المستردة؟", "يستغرق الاسترداد 5 أيام.\n"),
    "docs/guide/secret.md": article(
        "CANARY-INTERNAL-TITLE", "CANARY-INTERNAL-NO-AUDIENCE\n\n"
        "Call {{ contacts['duty-manager'].phone }}.\n\n"
        "![console](../img/canary-internal-image.svg)\n",
        owner="ann", tags=["canary-internal-tag"]),
    "docs/guide/secret.ru.md": article("Секрет", "CANARY-INTERNAL-TRANSLATION\n"),
    "docs/guide/explicit.md": article("Explicitly internal", "Internal words.\n",
                                      audience="internal", tags=["canary-internal-tag"]),
    "docs/img/canary-internal-image.svg":
        '<svg xmlns="http://www.w3.org/2000/svg"><text>CANARY-IMAGE-BYTES</text></svg>\n',
    "playbooks/outage.md": article(
        "Outage", "CANARY-PLAYBOOK steps.\n", owner="ann", priority="P3",
        triggers=["site down"], tiers=[{"contact": "duty-manager", "within": "1h",
                                        "do": "Page the duty manager."}]),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    root = make_kb(tmp_path_factory.mktemp("canary-kb"), FILES)
    report = build(open_kb(root), out=root)
    assert report["public"].warnings == () and report["internal"].warnings == ()
    return root / "site-public", root / "site"


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def _found(files: dict[str, bytes], needle: str) -> list[str]:
    raw = needle.encode()
    return [name for name, data in files.items() if raw in data or raw in name.encode()]


def test_every_kind_of_public_output_was_built(sites):
    public, _ = sites
    names = set(_contents(public))
    for expected in ("index.html", "404.html", "sitemap.xml", "search/search_index.json",
                     "faq/refunds/index.html", "ru/faq/refunds/index.html",
                     "ar/faq/refunds/index.html"):
        assert expected in names, expected
    assert any(n.startswith("assets/") for n in names)


@pytest.mark.parametrize("canary", sorted(CANARIES))
def test_no_canary_anywhere_in_the_public_site(sites, canary):
    public, internal = sites
    assert _found(_contents(public), canary) == [], CANARIES[canary]


@pytest.mark.parametrize("canary", sorted(set(CANARIES) - {
    "CANARY-OWNER-NAME", "CANARY-REVIEWER", "CANARY-COMMENT"}))
def test_control_each_internal_canary_is_in_the_internal_site(sites, canary):
    _, internal = sites
    assert _found(_contents(internal), canary), f"{canary} should be on the internal site"


def test_the_owner_canary_reaches_html_where_owners_are_shown(sites):
    _, internal = sites
    # The public page is overdue; only the internal site shows the review banner with its owner.
    page = (internal / "faq" / "refunds" / "index.html").read_text(encoding="utf-8")
    assert "CANARY-OWNER-NAME" in page


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_author_script_never_reaches_public_html(sites, hostile):
    public, _ = sites
    assert _found(_contents(public), hostile) == []


def test_sanitized_public_page_keeps_content_and_components(sites):
    public, _ = sites
    page = (public / "faq" / "refunds" / "index.html").read_text(encoding="utf-8")
    assert "Refunds take 5 days" in page
    assert "Monday to Friday, 08:00-20:00" in page  # public facts render
    assert 'class="admonition note"' in page and "<table>" in page
    assert "<script>alert" not in page and "onerror" not in page


def test_internal_urls_do_not_exist_on_the_public_site(sites):
    public, internal = sites
    for path in ("guide/secret/index.html", "playbooks/outage/index.html",
                 "ru/guide/secret/index.html", "img/canary-internal-image.svg"):
        assert (internal / path).exists(), path
        assert not (public / path).exists(), path
