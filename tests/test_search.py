"""Search quality on a fixture KB with known answers, and on the example KB.

Each realistic agent query (typos, synonyms, Russian, Persian typed with Persian or Arabic
letters, Arabic, Slovenian without accents) must have its expected article in the top 3.
"""

from __future__ import annotations

import pytest

from kbtools.registry import open_kb
from kbtools.search import QueryError, search
from kbtools.search.analysis import terms
from tests.support import article, copy_example, make_kb

CANARY = "zanzibarcanary"

SYNONYMS = """\
groups:
  - [refund, money back, chargeback]
  - [log in, login, sign in, cant log in, locked out]
  - [charged twice, double charge, duplicate payment]
  - [late, outside the window, too late, delayed]
  - [2fa, two factor, two-step verification]
"""

FILES = {
    "kb.yml": "languages: [en, ru, fa, ar, sl]\n",
    "synonyms.yml": SYNONYMS,
    "playbooks/payment-failures.md": article(
        "Widespread payment failures and double charges",
        "# Payment failures\n\nStart this playbook when several customers report a duplicate "
        "payment: the same amount captured twice at the same minute.\n\n## What to check\n\n"
        "Compare the payment ids in the billing console.\n",
        owner="ann", reviewed="2026-11-01", tags=["payments", "incident"]),
    "playbooks/night-outage.md": article(
        "Outage reported at night",
        "The web app is down for everyone. Page the engineer on call.\n",
        owner="ann", reviewed="2026-11-01", tags=["outage"]),
    "docs/scripts/account-locked.md": article(
        "Account locked after failed sign-in attempts",
        "Hi {{ customer_name }},\n\nYour account was locked after several unsuccessful sign-in "
        "attempts. Reply from your registered address and we will unlock it.\n",
        owner="ann", reviewed="2026-11-01", channel="email",
        use_when="The customer's account was locked and they ask us to unlock it.",
        placeholders={"customer_name": {"description": "First name", "fallback": "there"}}),
    "docs/scripts/refund-outside-window.md": article(
        "Refund requested outside the refund window",
        "Hi,\n\nThe payment was made more than {{ products.refund_window_days }} days ago, "
        "which is outside our refund window, so I can't issue a refund.\n",
        owner="ann", reviewed="2026-11-01", channel="email"),
    "docs/scripts/refund-approved.md": article(
        "Refund approved",
        "Hi,\n\nI've approved your refund. Most banks show it within 5 to 10 business days.\n",
        owner="ann", reviewed="2026-11-01", channel="email"),
    "docs/scripts/chargeback-opened.md": article(
        "Chargeback opened by the customer",
        "Your bank has opened a chargeback for this payment; the bank decides.\n",
        owner="ann", reviewed="2026-11-01", channel="email"),
    "docs/scripts/invoice-not-received.md": article(
        "Invoice not received by the customer's client",
        "Our system sent the invoice email, but your client's mail server did not confirm "
        "receipt.\n", owner="ann", reviewed="2026-11-01", channel="email"),
    "docs/faq/reset-password.md": article(
        "How do I reset my password?",
        "Forgot your password? Select **Forgot password** on the sign-in page and follow the "
        "link we email you.\n", audience="public", owner="ann", reviewed="2026-11-01"),
    "docs/faq/reset-password.ru.md": article(
        "Как сбросить пароль?",
        "Забыли пароль? Нажмите «Забыли пароль» на странице входа и перейдите по ссылке из "
        "письма.\n", owner="ann", reviewed="2026-11-01"),
    "docs/faq/reset-password.fa.md": article(
        "چطور رمز عبورم را بازیابی کنم؟",
        "رمز عبورتان را فراموش کرده‌اید؟ در صفحه ورود «فراموشی رمز» را انتخاب کنید. "
        "می‌خواهیم دوباره وارد حساب کاربری شوید.\n", owner="ann", reviewed="2026-11-01"),
    "docs/faq/reset-password.ar.md": article(
        "كيف أعيد تعيين كلمة المرور؟",
        "هل نسيت كلمة المرور؟ اختر «نسيت كلمة المرور» في صفحة تسجيل الدخول.\n",
        owner="ann", reviewed="2026-11-01"),
    "docs/faq/reset-password.sl.md": article(
        "Kako ponastavim geslo?",
        "Ste pozabili geslo? Na strani za prijavo izberite »Pozabljeno geslo«.\n",
        owner="ann", reviewed="2026-11-01"),
    "docs/faq/refund-policy.md": article(
        "What is your refund policy?",
        "You can ask for your money back within 30 days of a payment.\n",
        audience="public", owner="ann", reviewed="2026-11-01"),
    "docs/faq/refund-policy.sl.md": article(
        "Kakšna so pravila za vračilo denarja?",
        "Vračilo denarja lahko zahtevate v 30 dneh po plačilu.\n",
        owner="ann", reviewed="2026-11-01"),
    "docs/faq/refund-policy.ru.md": article(
        "Какие у вас правила возврата?",
        "Вернуть деньги можно в течение 30 дней после оплаты.\n",
        owner="ann", reviewed="2026-11-01"),
    "docs/faq/two-factor.md": article(
        "How do I turn on two-step verification?",
        "Open Settings, then Security, and turn on two-step verification.\n",
        audience="public", owner="ann", reviewed="2026-11-01"),
    "docs/guide/escalation-contacts.md": article(
        "Internal escalation contacts",
        f"The {CANARY} on-call rota is internal. Never paste this:\n\n```html\n"
        "<script>alert(1)</script> & more\n```\n",
        owner="ann", reviewed="2026-11-01"),
    "docs/guide/old-process.md": article(
        "Old refund process", "This is how refunds used to work.\n",
        owner="ann", reviewed="2020-01-01"),
}

QUERIES = [
    ("customer charged twice", None, "playbooks/payment-failures.md"),
    ("cant log in", None, "docs/scripts/account-locked.md"),
    ("refund late", None, "docs/scripts/refund-outside-window.md"),
    ("pasword reset", None, "docs/faq/reset-password.md"),
    ("chargebak", None, "docs/scripts/chargeback-opened.md"),
    ("invoce not recieved", None, "docs/scripts/invoice-not-received.md"),
    ("money back", None, "docs/faq/refund-policy.md"),
    ("2fa", None, "docs/faq/two-factor.md"),
    ("как сбросить пароль", None, "docs/faq/reset-password.ru.md"),
    ("вернуть деньги", "ru", "docs/faq/refund-policy.ru.md"),
    ("بازیابی رمز عبور", None, "docs/faq/reset-password.fa.md"),       # Persian letters
    ("بازيابي رمز عبور", "fa", "docs/faq/reset-password.fa.md"),       # Arabic yeh
    ("كلمة المرور", "ar", "docs/faq/reset-password.ar.md"),
    ("vracilo denarja", None, "docs/faq/refund-policy.sl.md"),          # no accents
    ("pozabljeno geslo", "sl", "docs/faq/reset-password.sl.md"),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("searchkb"), FILES)
    return open_kb(root)


@pytest.mark.parametrize(("query", "lang", "expected"), QUERIES, ids=[q for q, _, _ in QUERIES])
def test_known_answer_in_top_three(kb, query, lang, expected):
    results = search(kb, query, lang=lang, limit=3)
    assert expected in [hit.path for hit in results.results], results.to_dict()


def test_typo_gives_a_suggestion(kb):
    assert search(kb, "pasword").suggestion == "password"
    assert search(kb, "password").suggestion is None


def test_json_shape_is_exactly_the_documented_one(kb):
    data = search(kb, "refund", limit=2).to_dict()
    assert set(data) == {"query", "total", "results"}
    assert data["query"] == "refund" and data["total"] >= 2 and len(data["results"]) == 2
    assert set(data["results"][0]) == {"path", "title", "kind", "lang", "score", "snippet", "url"}


def test_filters_by_kind_and_language(kb):
    results = search(kb, "refund", kinds=("script",), limit=10)
    assert results.results and {h.kind for h in results.results} == {"script"}
    results = search(kb, "пароль", lang="ru")
    assert results.results and {h.lang for h in results.results} == {"ru"}


def test_public_scope_sees_no_internal_result_snippet_count_or_suggestion(kb):
    internal = search(kb, CANARY)
    assert internal.total == 1 and CANARY in internal.results[0].snippet
    for text in (CANARY, "zanzibarcanry", f"audience:internal {CANARY}", "escalation contacts",
                 "refund"):
        public = search(kb, text, public=True, limit=50)
        dumped = repr(public.to_dict(extra=True)["results"])
        assert CANARY not in dumped and "zanzibar" not in (public.suggestion or "")
        assert all(hit.path in {"docs/faq/reset-password.md", "docs/faq/refund-policy.md",
                                "docs/faq/two-factor.md"} for hit in public.results)
        assert all(hit.marker is None for hit in public.results)
    assert search(kb, CANARY, public=True).total == 0


def test_snippets_are_escaped_and_marked(kb):
    hit = search(kb, f"{CANARY} alert").results[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "&amp; more" in hit.snippet
    assert f"<mark>{CANARY}</mark>" in hit.snippet


def test_markers_and_urls(kb):
    hit = next(h for h in search(kb, "old refund process").results
               if h.path == "docs/guide/old-process.md")
    assert hit.marker == "overdue"
    ru = next(h for h in search(kb, "сбросить пароль", lang="ru").results)
    assert ru.url == "/ru/faq/reset-password/"
    playbook = search(kb, "outage at night", kinds=("playbook",)).results[0]
    assert playbook.url == "/playbooks/night-outage/"


@pytest.mark.parametrize("text", ['"unbalanced', "(((", "NOT OR x", "*", "?", "title:secret",
                                  "\x00\x01\x1b[31m", "AND", '""', "   "])
def test_malformed_queries_are_empty_or_plain(kb, text):
    results = search(kb, text)
    assert results.total >= 0  # answered, no exception
    assert all(CANARY not in h.snippet for h in search(kb, text, public=True).results)


def test_too_long_query_is_refused(kb):
    with pytest.raises(QueryError, match="limit is 500"):
        search(kb, "a" * 10_000)


def test_persian_zwnj_and_letters_are_normalised():
    joined, parts = terms("fa", "میخواهیم"), terms("fa", "می‌خواهیم")
    assert joined[0] in parts
    assert terms("fa", "اعضاي تيم") == terms("fa", "اعضای تیم")
    assert terms("sl", "vračilo") == terms("sl", "vracilo")
    assert terms("ru", "ёлка") == terms("ru", "елка")


def test_example_kb_finds_the_right_playbook_and_scripts(tmp_path):
    kb = open_kb(copy_example(tmp_path))
    expected = {
        "customer charged twice": "playbooks/payment-failures.md",
        "cant log in": "docs/scripts/account-locked.md",
        "refund late": "docs/scripts/refund-outside-window.md",
    }
    for query, path in expected.items():
        top = [hit.path for hit in search(kb, query, limit=3).results]
        assert path in top, (query, top)
    escalate = search(kb, "customer charged twice", kinds=("playbook",), limit=3)
    assert escalate.results[0].path == "playbooks/payment-failures.md"


def test_a_word_in_most_articles_only_ranks_articles_that_match_a_rarer_one(tmp_path):
    files = {f"docs/notes/n{i}.md": article(f"Note {i}", f"Every customer is welcome {i}.\n")
             for i in range(8)}
    files["docs/notes/portal.md"] = article("Billing portal", "The customer portal shows bills.\n")
    make_kb(tmp_path, files)
    found = search(open_kb(tmp_path), "portal customer")
    # "customer" is in every article: it ranks the portal article, it does not add 8 hits
    assert [hit.path for hit in found.results] == ["docs/notes/portal.md"]
    assert found.total == 1
    only_common = search(open_kb(tmp_path), "customer")
    assert only_common.total == 9  # alone, a common word still finds everything


def test_public_scope_statistics_come_from_public_articles_only(kb, tmp_path):
    """Which words count, which are common, corrections and totals in the public scope are
    those of a KB with the public articles alone: ``override refund`` (``override`` is an
    internal word) and ``overridz refund`` answer exactly as ``refund`` does."""
    # Internal notes make "refund" common and "override" rare in the whole index; neither
    # may change what the public scope answers.
    extra = {f"docs/guide/refund-note-{i}.md": article(
        f"Refund note {i}", "Refund the customer by hand after the refund window.\n")
        for i in range(12)}
    extra.update({f"docs/guide/override-{i}.md": article(
        f"Supervisor override {i}", "Supervisors override the policy.\n") for i in range(2)})
    root = make_kb(tmp_path / "mixed", {**FILES, **extra})
    mixed = open_kb(root)
    public = {p: t for p, t in FILES.items()
              if not p.endswith(".md") or "audience: public" in t
              or (p.count(".") == 2 and "audience: public" in FILES.get(
                  p.rsplit(".", 2)[0] + ".md", ""))}
    alone = open_kb(make_kb(tmp_path / "alone", public))

    def seen(item, text):
        found = search(item, text, public=True, limit=50)
        return found.total, sorted(h.path for h in found.results), found.suggestion

    for text in ("refund", "override refund", "overridz refund", "refund window",
                 "customer refund by hand"):
        assert seen(mixed, text) == seen(alone, text), text
    assert seen(mixed, "override refund")[:2] == seen(mixed, "refund")[:2]
    assert seen(mixed, "overridz refund")[:2] == seen(mixed, "refund")[:2]
