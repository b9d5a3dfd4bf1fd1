"""``kb translate``: machine drafts against a local LibreTranslate speaking its real protocol."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import yaml
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.check import check
from kbtools.registry import open_kb
from kbtools.translations.segment import protect, segment, split_long
from kbtools.translations.verdicts import CURRENT, verdict
from tests.support import article, git, git_init, make_kb
from tests.test_translate_libre_server import LibreServer

BODY = """
# Refunds

Ask within {{ products.refund_window_days }} days, see [the policy](policy.md#window "Policy")
or https://example.test/refunds. Run `kb refund --id 42` or mail {{ support.email }}.

```bash
curl https://api.example.test/v1/refunds   # do not translate
echo "Ask within days"
```

!!! warning "Check the amount"
    Refunds go back to the card you used.

1. Open **Settings > Billing**.
2. Select *Request refund* {: #request}.

| Plan | Refund |
|------|-------:|
| Basic plan | `full` |

<div class="note">raw html block</div>
"""

PROTECTED = ["{{ products.refund_window_days }}", "](policy.md#window \"Policy\")",
             "https://example.test/refunds", "`kb refund --id 42`", "{{ support.email }}",
             "```bash\ncurl https://api.example.test/v1/refunds   # do not translate\n"
             "echo \"Ask within days\"\n```\n", '!!! warning "', "{: #request}", "`full`",
             "|------|-------:|", '<div class="note">raw html block</div>']


def kb_files(**extra):
    return {
        "kb.yml": "languages: [en, ru, fa]\ntranslate:\n  provider: libretranslate\n"
                  "  options: {url: URL, backoff: 0.01, retries: 1, timeout: 5}\n",
        "docs/faq/refund.md": article("How do refunds work?", BODY, audience="public",
                                      owner="ann", reviewed="2026-10-01", tags=["billing"]),
        "docs/faq/login.md": article("How do I sign in?", "Use your e-mail address.\n",
                                     audience="public", owner="bob"),
        # the page the refund article links to (kb check refuses a link to nowhere)
        "docs/faq/policy.md": article("Refund policy", "# Window\n\nThirty days.\n",
                                      audience="public", owner="ann"),
        **extra,
    }


def setup_kb(tmp_path, server, **extra):
    files = kb_files(**extra)
    files["kb.yml"] = files["kb.yml"].replace("URL", server.url)
    make_kb(tmp_path, files)
    git_init(tmp_path)
    return tmp_path


def run(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


def test_segmentation_translates_only_prose():
    doc = segment(BODY)
    rendered = doc.render({id(u): u.restore(u.text.upper()) for u in doc.units})
    for piece in PROTECTED:
        assert piece in rendered, piece
    assert "CHECK THE AMOUNT" in rendered and "    REFUNDS GO BACK TO THE CARD YOU USED." in rendered
    assert "1. OPEN **SETTINGS > BILLING**." in rendered
    assert "| BASIC PLAN | `full` |" in rendered
    assert "ASK WITHIN {{ products.refund_window_days }} DAYS, SEE [THE POLICY](policy.md" \
        in rendered  # the wrapped paragraph is one unit
    assert 'echo "Ask within days"' in rendered


def test_restore_refuses_mangled_placeholders_and_long_text_is_split():
    unit = protect("See `code` and https://x.test now")
    assert unit.restore("VOIR ⟦1⟧ ET ⟦ 2 ⟧") == "VOIR `code` ET https://x.test"
    assert unit.restore("VOIR ⟦1⟧") is None and unit.restore("⟦1⟧ ⟦1⟧ ⟦2⟧") is None
    text = "One sentence here. Another one follows ⟦1⟧ here! " * 20
    pieces = split_long(text.strip(), 120)
    assert all(len(p) <= 120 for p in pieces) and " ".join(pieces) == text.strip()


def test_kb_translate_writes_marked_pinned_drafts(tmp_path):
    with LibreServer() as server:
        root = setup_kb(tmp_path, server)
        result = run(root, "translate", "docs/faq/refund.md", "docs/faq/login.md", "--to", "ru,fa")
    assert result.exit_code == 0, result.output
    assert "4 draft(s) written" in result.output
    head = git(root, "log", "-1", "--format=%H", "--", "docs/faq/refund.md")
    draft = (root / "docs/faq/refund.ru.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(draft.split("---\n")[1])
    assert meta["title"] == "RU:HOW DO REFUNDS WORK?"
    assert meta["tags"] == ["billing"] and "audience" not in meta and "reviewed" not in meta
    assert meta["translation"]["machine"] is True
    assert meta["translation"]["source_commit"] == head
    for piece in PROTECTED:
        assert piece in draft, piece
    kb = open_kb(root)
    assert [f.format() for f in check(kb).findings if f.is_error] == []
    ru = kb.corpus.get("docs/faq/refund.ru.md")
    assert verdict(ru, kb.corpus.get("docs/faq/refund.md")) == CURRENT and ru.pin.machine


def test_human_translation_is_kept_without_force_and_replaced_with_it(tmp_path):
    human = article("Как работают возвраты?", "Человеческий перевод.\n")
    with LibreServer() as server:
        root = setup_kb(tmp_path, server, **{"docs/faq/refund.ru.md": human})
        before = (root / "docs/faq/refund.ru.md").read_bytes()
        kept = run(root, "translate", "docs/faq/refund.md", "--to", "ru")
        assert kept.exit_code == 0 and "skipped-human" in kept.output
        assert (root / "docs/faq/refund.ru.md").read_bytes() == before
        assert server.requests == []
        forced = run(root, "translate", "docs/faq/refund.md", "--to", "ru", "--force")
    assert forced.exit_code == 0 and "docs/faq/refund.ru.md: refreshed" in forced.output
    assert "RU:HOW DO REFUNDS WORK?" in (root / "docs/faq/refund.ru.md").read_text("utf-8")


def test_outdated_machine_draft_is_refreshed_keeping_its_front_matter(tmp_path):
    with LibreServer() as server:
        root = setup_kb(tmp_path, server)
        assert run(root, "translate", "docs/faq/login.md", "--to", "ru").exit_code == 0
        draft = root / "docs/faq/login.ru.md"
        draft.write_text(draft.read_text("utf-8").replace(
            "translation:", "owner: bob  # assigned\ntranslation:"), encoding="utf-8")
        current = run(root, "translate", "docs/faq/login.md", "--to", "ru")
        assert "skipped-current" in current.output
        source = root / "docs/faq/login.md"
        source.write_text(source.read_text("utf-8").replace("e-mail address", "phone number"),
                          encoding="utf-8")
        git(root, "commit", "-qam", "login: phone")
        refreshed = run(root, "translate", "docs/faq/login.md", "--to", "ru")
    assert "docs/faq/login.ru.md: refreshed" in refreshed.output
    text = draft.read_text("utf-8")
    assert "owner: bob  # assigned" in text and "RU:USE YOUR PHONE NUMBER." in text
    assert git(root, "rev-parse", "HEAD") in text


def test_provider_failure_leaves_files_untouched_and_says_what_was_done(tmp_path):
    with LibreServer() as server:
        root = setup_kb(tmp_path, server)
        # first job (login -> ru) succeeds; the next fails twice (retries: 1) and stops the run
        server.script = [None, 500, 500]
        result = run(root, "translate", "docs/faq/login.md", "docs/faq/refund.md", "--to", "ru")
    assert result.exit_code == 1
    assert "docs/faq/login.ru.md: written" in result.output
    assert "docs/faq/refund.ru.md: failed" in result.output
    assert "libretranslate: http://127.0.0.1" in result.output and "HTTP 500" in result.output
    assert "Traceback" not in result.output
    assert (root / "docs/faq/login.ru.md").exists()
    assert not (root / "docs/faq/refund.ru.md").exists()
    assert not [p for p in (root / "docs/faq").iterdir() if p.name.startswith(".")]


def test_long_article_is_chunked_within_the_server_limit(tmp_path):
    long_body = "".join(f"Paragraph {n} explains refunds in plain words for customers.\n\n"
                        for n in range(60))
    with LibreServer(char_limit=400) as server:
        root = setup_kb(tmp_path, server, **{
            "docs/faq/long.md": article("Long", long_body, audience="public")})
        (root / "kb.yml").write_text((root / "kb.yml").read_text().replace(
            "timeout: 5", "timeout: 5, max_chars: 400"))
        result = run(root, "translate", "docs/faq/long.md", "--to", "fa")
    assert result.exit_code == 0, result.output
    sizes = [sum(len(t) for t in r["q"]) for r in server.requests]
    assert len(sizes) > 5 and max(sizes) <= 400
    assert (root / "docs/faq/long.fa.md").read_text("utf-8").count("FA:PARAGRAPH") == 60


def test_mangled_placeholders_are_translated_around(tmp_path):
    with LibreServer() as server:
        root = setup_kb(tmp_path, server)
        server.script = ["mangle"]
        result = run(root, "translate", "docs/faq/refund.md", "--to", "ru")
    assert result.exit_code == 0, result.output
    draft = (root / "docs/faq/refund.ru.md").read_text("utf-8")
    for piece in PROTECTED:
        assert piece in draft, piece
    assert len(server.requests) == 2  # one batch, then the pieces of the mangled units


def test_unsupported_language_is_refused_before_any_work(tmp_path):
    with LibreServer(languages=["en", "ru"]) as server:
        root = setup_kb(tmp_path, server)
        result = run(root, "translate", "docs/faq/login.md", "--to", "fa")
    assert result.exit_code == 2
    assert "cannot translate en to fa" in result.output and server.requests == []


def test_ctrl_c_leaves_each_file_untouched_or_complete(tmp_path):
    reached = threading.Event()
    with LibreServer() as server:
        root = setup_kb(tmp_path, server)
        server.script = [None, ("signal", reached, 3.0)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [sys.executable, "-c", "from kbtools.cli import main; main()", "--root", str(root),
             "translate", "docs/faq/login.md", "docs/faq/refund.md", "--to", "ru"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            # As at a terminal: a shell without job control starts background jobs (a CI
            # runner's, say) with SIGINT ignored, and the child would inherit that.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        assert reached.wait(20)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 130, output
    assert "docs/faq/login.ru.md: written" in output
    assert "docs/faq/refund.ru.md: interrupted" in output
    assert (root / "docs/faq/login.ru.md").exists() and not (root / "docs/faq/refund.ru.md").exists()


def test_credentials_in_kb_yml_are_refused(tmp_path):
    make_kb(tmp_path, {"kb.yml": "languages: [en, ru]\ntranslate:\n  provider: deepl\n"
                                 "  options:\n    api_key: abc\n"})
    result = run(tmp_path, "translations")
    assert result.exit_code == 2
    assert "kb.yml:5: error: 'api_key' looks like a credential" in result.output
