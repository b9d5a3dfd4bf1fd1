"""``kb serve --watch`` as a library and as a server: a change is seen, rebuilt and served as a
new generation; a broken edit is refused with its findings and the last good site stays."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.preview import Preview, Watcher, watched
from kbtools.registry import open_kb
from kbtools.sites import PUBLIC, build
from tests.support import article, copy_example, make_kb
from tests.test_server import kb_serve

FILES = {
    "kb.yml": "languages: [en, ru]\n",
    "docs/faq/refund.md": article("How do I get a refund?", "Write to billing within 30 days.\n",
                                  audience="public", owner="ann"),
    "docs/faq/refund.ru.md": article("Как вернуть деньги?", "Напишите нам.\n",
                                     audience="public", owner="ann"),
    "docs/guide/escalation.md": article("Escalation", "Call the on-call lead.\n", owner="ann"),
}


def page(preview: Preview, relative: str) -> str:
    return (preview.site_dir(preview.kb) / relative).read_text(encoding="utf-8")


def wait_for(condition, timeout: float = 180.0, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def root(tmp_path):
    return make_kb(tmp_path / "kb", FILES)


def test_watched_paths_are_the_sources_and_the_settings_files(root):
    folders, names = watched(root)
    assert [f.name for f in folders] == ["docs", "macros"]  # no playbooks/ folder here
    assert {"kb.yml", "owners.yml", "synonyms.yml", "mkdocs.yml"} <= names


def test_a_saved_edit_is_rebuilt_into_a_new_generation(root):
    preview = Preview(root)
    first = preview.rebuild()
    assert first.built and preview.state.generation == 1
    assert preview.site_dir(preview.kb).parent == root / ".kb" / "preview"
    assert "Write to billing within 30 days." in page(preview, "faq/refund/index.html")
    assert not (root / "site").exists()  # the preview never touches the real build

    reports = []
    watcher = Watcher(preview, lambda outcome, changed: reports.append((outcome, changed)))
    watcher.start()
    try:
        time.sleep(1)  # the watches are set up in their threads
        source = root / "docs/faq/refund.md"
        source.write_text(source.read_text(encoding="utf-8").replace(
            "within 30 days", "within 45 days"), encoding="utf-8")
        wait_for(lambda: preview.state.generation >= 2, what="generation 2")
    finally:
        watcher.stop()
    assert "Write to billing within 45 days." in page(preview, "faq/refund/index.html")
    outcome, changed = reports[0]
    assert outcome.built and changed == ["docs/faq/refund.md"]
    assert preview.state.findings == () and not preview.state.refused


def test_an_edit_renders_its_languages_first_then_the_others(tmp_path):
    root = make_kb(tmp_path / "kb", {**FILES, "kb.yml": "languages: [en, ru, sl]\n"})
    preview = Preview(root, PUBLIC)  # (whose Slovene site has an English copy of the page)
    assert preview.rebuild().built and preview.state.changed == {"en": 1, "ru": 1, "sl": 1}
    slovene = preview.site_dir(preview.kb) / "sl/faq/refund/index.html"  # an English copy
    before = slovene.stat().st_ino

    source = root / "docs/faq/refund.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "within 30 days", "within 45 days"), encoding="utf-8")
    outcome = preview.rebuild(["docs/faq/refund.md"])
    assert outcome.built and outcome.languages == {"en"}
    assert "within 45 days" in page(preview, "faq/refund/index.html")
    # ru and sl were carried over as they were: their open pages do not reload yet
    assert slovene.stat().st_ino == before and "within 30 days" in page(
        preview, "sl/faq/refund/index.html")
    assert preview.behind == {"ru", "sl"}
    assert preview.state.changed == {"en": 2, "ru": 1, "sl": 1}

    done = preview.complete()
    assert done.built and done.languages == {"ru", "sl"}
    assert "within 45 days" in page(preview, "sl/faq/refund/index.html")
    assert preview.state.changed == {"en": 2, "ru": 3, "sl": 3}
    assert preview.behind == frozenset() and preview.complete() is None

    # a translation renders its language (and the default one); a new article, everything
    translation = root / "docs/faq/refund.ru.md"
    translation.write_text(translation.read_text(encoding="utf-8").replace(
        "Напишите нам.", "Напишите в отдел оплаты."), encoding="utf-8")
    assert preview.rebuild(["docs/faq/refund.ru.md"]).languages == {"en", "ru"}
    assert "Напишите в отдел оплаты." in page(preview, "ru/faq/refund/index.html")
    assert preview.behind == {"sl"}

    # the next edit stops a completion under way rather than waiting for it
    completion = preview.start_completion()
    assert completion is not None and completion.is_alive()
    source.write_text(source.read_text(encoding="utf-8").replace(
        "within 45 days", "within 60 days"), encoding="utf-8")
    generation = preview.state.generation
    assert preview.rebuild(["docs/faq/refund.md"]).languages == {"en"}
    assert not completion.is_alive() and preview.finish_completion(completion) is None
    assert preview.state.generation == generation + 1 and preview.behind == {"ru", "sl"}
    assert "within 60 days" in page(preview, "faq/refund/index.html")
    (root / "docs/faq/late.md").write_text(article("Late fees", "None.\n", audience="public",
                                                   owner="ann"), encoding="utf-8")
    full = preview.rebuild(["docs/faq/late.md"])
    assert full.built and full.languages is None and preview.behind == frozenset()
    assert "None." in page(preview, "sl/faq/late/index.html")


COMPLETION_ORPHAN = """
import os, sys
from pathlib import Path
from kbtools.preview import Preview
root = Path(sys.argv[1])
preview = Preview(root, "public")  # (its Slovene site has an English copy of the page)
preview.rebuild()
source = root / "docs/faq/refund.md"
source.write_text(source.read_text(encoding="utf-8").replace("30 days", "45 days"),
                  encoding="utf-8")
preview.rebuild(["docs/faq/refund.md"])
print(preview.start_completion().pid, flush=True)
os._exit(0)  # as a killed kb serve --watch would: no clean-up at all
"""


def test_a_completion_ends_when_the_preview_process_dies(tmp_path):
    root = make_kb(tmp_path / "kb", {**FILES, "kb.yml": "languages: [en, ru, sl]\n"})
    run = subprocess.run([sys.executable, "-c", COMPLETION_ORPHAN, str(root)],
                         capture_output=True, text=True, timeout=300, check=True)
    child = int(run.stdout.split()[-1])

    def gone() -> bool:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return True
        state = Path(f"/proc/{child}/stat")
        return state.exists() and state.read_text().split(")")[-1].split()[0] == "Z"

    wait_for(gone, timeout=60, what="the orphaned completion to end")
    # it stopped at once: the English copy in the Slovene site was never rebuilt
    slovene = root / ".kb/preview/site-public/sl/faq/refund/index.html"
    assert "within 30 days" in slovene.read_text(encoding="utf-8")


def test_a_partial_build_with_nothing_to_carry_over_renders_every_language(root, tmp_path):
    report = build(open_kb(root), ("internal",), out=tmp_path / "out", languages=("en",))
    assert "Напишите нам." in (report["internal"].out / "ru/faq/refund/index.html").read_text(
        encoding="utf-8")


def test_a_broken_edit_shows_its_findings_and_keeps_the_last_good_site(root):
    preview = Preview(root)
    assert preview.rebuild().built
    before = preview.state
    source = root / "docs/faq/refund.md"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("audience: public", "audience: [public"), encoding="utf-8")
    outcome = preview.rebuild(["docs/faq/refund.md"])
    assert not outcome.built
    texts = [f.format() for f in outcome.findings]
    assert len(texts) == 1 and texts[0].startswith("docs/faq/refund.md:3: error: invalid YAML")
    assert texts[0].endswith("[meta.yaml]")
    state = preview.state
    assert state.refused and state.generation == before.generation
    assert state.version > before.version and state.findings == outcome.findings
    assert "Write to billing within 30 days." in page(preview, "faq/refund/index.html")

    # an unknown macro in another file: both edits are still shown until a good build
    guide = root / "docs/guide/escalation.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nCall {{ oncall_phone }}.\n",
                     encoding="utf-8")
    outcome = preview.rebuild(["docs/guide/escalation.md"])
    codes = sorted((f.path, f.code) for f in outcome.findings)
    assert not outcome.built
    assert ("docs/faq/refund.md", "meta.yaml") in codes
    assert any(f.path == "docs/guide/escalation.md" and f.is_error for f in outcome.findings)

    guide.write_text(guide.read_text(encoding="utf-8").replace("{{ oncall_phone }}", "the lead"),
                     encoding="utf-8")
    source.write_text(good.replace("30 days", "60 days"), encoding="utf-8")
    outcome = preview.rebuild(["docs/guide/escalation.md", "docs/faq/refund.md"])
    assert outcome.built and outcome.findings == ()
    assert preview.state.generation == before.generation + 1 and not preview.state.refused
    assert "Write to billing within 60 days." in page(preview, "faq/refund/index.html")


def test_an_edited_faq_gets_its_lint_findings_as_warnings(tmp_path):
    root = copy_example(tmp_path / "example")
    preview = Preview(root)
    assert preview.rebuild().built
    faq = root / "docs/faq/change-plan.md"
    faq.write_text(faq.read_text(encoding="utf-8").replace(
        "\n# How do I change my plan?\n",
        "\n# How do I change my plan?\n\nWOMP WOMP!!! Your payment failed lol, not our "
        "problem!!!\n", 1), encoding="utf-8")
    outcome = preview.rebuild(["docs/faq/change-plan.md"])
    assert outcome.built  # lint findings warn; they never hold the preview back
    lint = [f for f in outcome.findings if f.code.startswith("lint.")]
    assert lint and all(not f.is_error and f.path == "docs/faq/change-plan.md" for f in lint)


def test_watch_serves_pages_with_the_live_script_behind_the_servers_checks(root):
    with kb_serve(root, "--watch") as url:
        home = httpx.get(f"{url}/faq/refund/", timeout=30)
        assert home.status_code == 200
        nonce = home.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
        assert (f'<script src="/_kb/live.js" data-generation="1" nonce="{nonce}" defer>'
                in home.text)
        assert "Write to billing within 30 days." in home.text
        state = httpx.get(f"{url}/_kb/live", params={"since": -1}, timeout=30).json()
        assert state["generation"] == 1 and state["findings"] == []
        script = httpx.get(f"{url}/_kb/live.js", timeout=30)
        assert script.status_code == 200 and "location.reload()" in script.text
        misdirected = httpx.get(f"{url}/_kb/live", headers={"host": "evil.example"}, timeout=30)
        assert misdirected.status_code == 421
        assert not (root / "site").exists()


def test_watch_refuses_a_non_loopback_address(root):
    result = CliRunner().invoke(main, ["--root", str(root), "serve", "--watch", "--host",
                                       "0.0.0.0"])
    assert result.exit_code == 2
    assert "loopback only" in result.output


def test_the_preview_folder_is_under_the_state_folder(root):
    preview = Preview(root, "public")
    assert preview.rebuild().built
    assert preview.site_dir(preview.kb) == Path(root) / ".kb" / "preview" / "site-public"
    assert "escalation" not in " ".join(p.name for p in preview.site_dir(preview.kb).rglob("*"))


def test_until_a_first_good_build_every_page_waits_and_shows_why(root):
    guide = root / "docs/guide/escalation.md"
    good = guide.read_text(encoding="utf-8")
    guide.write_text(good + "\nCall {{ oncall_phone }}.\n", encoding="utf-8")
    with kb_serve(root, "--watch") as url:
        waiting = httpx.get(f"{url}/faq/refund/", timeout=30)
        assert waiting.status_code == 503
        nonce = waiting.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
        assert f'src="/_kb/live.js" data-generation="0" nonce="{nonce}"' in waiting.text
        state = httpx.get(f"{url}/_kb/live", params={"since": -1}, timeout=30).json()
        assert state["generation"] == 0 and state["refused"]
        assert any(f["path"] == "docs/guide/escalation.md" and f["severity"] == "error"
                   for f in state["findings"])
        guide.write_text(good, encoding="utf-8")
        state = wait_for(lambda: (s := httpx.get(f"{url}/_kb/live", params={"since": -1},
                                                 timeout=30).json())["generation"] == 1 and s,
                         what="the first good build")
        assert state["findings"] == [] and not state["refused"]
        assert "Write to billing within 30 days." in httpx.get(f"{url}/faq/refund/",
                                                               timeout=30).text


def test_with_a_token_the_preview_state_is_for_agents_only(root):
    with kb_serve(root, "--watch", env={"KB_SERVE_TOKEN": "brightloop-preview-token"}) as url:
        assert httpx.get(f"{url}/_kb/live", params={"since": -1}, timeout=30).status_code == 401
        assert httpx.get(f"{url}/faq/refund/", timeout=30).status_code in (303, 307)
        agent = {"authorization": "Bearer brightloop-preview-token"}
        state = httpx.get(f"{url}/_kb/live", params={"since": -1}, headers=agent, timeout=30)
        assert state.status_code == 200 and state.json()["generation"] == 1
        page = httpx.get(f"{url}/faq/refund/", headers=agent, timeout=30)
        assert 'src="/_kb/live.js" data-generation="1"' in page.text
