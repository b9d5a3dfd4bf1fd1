"""The relevance benchmark (bench/relevance.py): its metrics, its naive baseline, its query sets."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.relevance import (  # noqa: E402
    SETS_DIR,
    Bm25Baseline,
    Outcome,
    Query,
    add_distractors,
    baseline_text,
    distractor_path,
    first_rank,
    is_distractor,
    load_set,
    missing_paths,
    mrr_at,
    parse_queries,
    percentile,
    recall_at,
    scores,
    table,
    targets,
    words,
)
from kbtools.registry import DEFAULT, open_kb  # noqa: E402
from tests.support import article, make_kb  # noqa: E402

# -- metrics ---------------------------------------------------------------------------------
RANKED = ["a", "b", "c", "d"]


def test_recall_at_k() -> None:
    assert recall_at(RANKED, {"c"}, 1) == 0.0
    assert recall_at(RANKED, {"c"}, 2) == 0.0
    assert recall_at(RANKED, {"c"}, 3) == 1.0
    assert recall_at(RANKED, {"a"}, 1) == 1.0
    assert recall_at(RANKED, {"x"}, 10) == 0.0
    assert recall_at([], {"a"}, 3) == 0.0


def test_mrr_is_the_reciprocal_rank_of_the_first_acceptable_hit_within_k() -> None:
    assert mrr_at(RANKED, {"c"}, 10) == pytest.approx(1 / 3)
    assert mrr_at(RANKED, {"d", "b"}, 10) == pytest.approx(1 / 2)  # the first of the two
    assert mrr_at(RANKED, {"d"}, 3) == 0.0                          # rank 4 is beyond k
    assert mrr_at(RANKED, {"x"}, 10) == 0.0
    eleven = [f"p{n}" for n in range(1, 12)]
    assert mrr_at(eleven, {"p10"}, 10) == pytest.approx(0.1)
    assert mrr_at(eleven, {"p11"}, 10) == 0.0


def test_first_rank() -> None:
    assert first_rank(RANKED, {"b", "d"}) == 2
    assert first_rank(RANKED, {"d"}, 3) is None
    assert first_rank(RANKED, set()) is None


def test_scores_average_over_queries() -> None:
    # ranks 1, 2 and none: R@1 1/3, R@3 2/3, MRR (1 + 1/2 + 0) / 3 = 1/2
    got = scores([(["a", "b"], {"a"}), (["a", "b"], {"b"}), (["a", "b"], {"z"})])
    assert got == pytest.approx({"r1": 1 / 3, "r3": 2 / 3, "mrr": 0.5})
    assert scores([]) == {"r1": 0.0, "r3": 0.0, "mrr": 0.0}


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(100, 0, -1)]  # 100..1, unsorted on purpose
    assert percentile(values, 0.5) == 51.0
    assert percentile(values, 0.95) == 96.0
    assert percentile(values, 0.99) == 100.0
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([], 0.5) == 0.0


# -- the baseline ----------------------------------------------------------------------------
def test_words_are_lowercased_word_runs_and_nothing_more() -> None:
    assert words("Can't log-in: ÉTÉ 2FA refunds") == ["can", "t", "log", "in", "été", "2fa",
                                                     "refunds"]
    assert words("Сбросить Пароль") == ["сбросить", "пароль"]


def test_baseline_text_counts_the_title_three_times() -> None:
    counted = words(baseline_text("Reset password", ("account", "login"), "Open the page."))
    assert counted.count("reset") == 3 and counted.count("password") == 3
    assert counted.count("account") == 1 and counted.count("page") == 1


DOCS = [("d1", "en", "apple banana"),
        ("d2", "en", "apple apple cherry"),
        ("d3", "en", "cherry date"),
        ("r1", "ru", "apple")]


def test_bm25_score_worked_by_hand() -> None:
    # English collection: N = 3, lengths 2, 3, 2, avgdl = 7/3.
    # "banana": n = 1, idf = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(8/3) = 0.980829
    # d1: tf 1, |d| 2: 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / (7/3))) = 2.2 / 2.071429
    #     = 1.062069, score = 0.980829 * 1.062069 = 1.041708
    baseline = Bm25Baseline(DOCS)
    assert baseline.idf("banana", "en") == pytest.approx(math.log(8 / 3))
    assert baseline.scores("banana", "en") == {"d1": pytest.approx(1.041708, abs=1e-6)}
    # "apple": n = 2, idf = ln(1 + 1.5 / 2.5) = ln(1.6) = 0.470004
    # d1: 0.470004 * 1.062069 = 0.499176
    # d2: tf 2, |d| 3: 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 3 / (7/3))) = 4.4 / 3.457143
    #     = 1.272727, score = 0.598186
    assert baseline.scores("apple", "en") == {"d1": pytest.approx(0.499176, abs=1e-6),
                                              "d2": pytest.approx(0.598186, abs=1e-6)}
    assert baseline.rank("apple", "en") == ["d2", "d1"]
    # A repeated query word counts once; words are lower-cased; unknown words add nothing.
    assert baseline.scores("Banana BANANA kiwi", "en") == baseline.scores("banana", "en")


def test_bm25_ranks_only_the_given_language_with_its_own_statistics() -> None:
    baseline = Bm25Baseline(DOCS)
    assert baseline.rank("apple", "ru") == ["r1"]
    # ru alone: N = 1, n = 1, idf = ln(1 + 0.5 / 1.5) = ln(4/3); one word, |d| = avgdl:
    # tf part = 2.2 / (1 + 1.2) = 1
    assert baseline.scores("apple", "ru") == {"r1": pytest.approx(math.log(4 / 3))}
    assert baseline.rank("apple", "fa") == []
    assert baseline.rank("nothing here", "en") == []


def test_bm25_obvious_ranking_and_limits() -> None:
    baseline = Bm25Baseline([
        ("faq/refund.md", "en", baseline_text("Refund policy", ["billing"],
                                              "Refunds within 30 days of payment.")),
        ("faq/password.md", "en", baseline_text("Reset your password", ["account"],
                                                "Open the sign-in page and follow the link.")),
        ("faq/invoice.md", "en", baseline_text("Download invoices", ["billing"],
                                               "Invoices are in the billing page.")),
    ])
    assert baseline.rank("how do I reset my password", "en")[0] == "faq/password.md"
    assert baseline.rank("refund policy", "en", 1) == ["faq/refund.md"]
    assert baseline.rank("billing", "en") == ["faq/invoice.md", "faq/refund.md"]
    # Naive on purpose: no stemming, no typo tolerance.
    assert baseline.rank("refunded", "en") == []
    assert baseline.rank("pasword", "en") == []


def test_bm25_ties_are_broken_by_id() -> None:
    baseline = Bm25Baseline([("b", "en", "same words"), ("a", "en", "same words"),
                             ("c", "en", "other")])
    assert baseline.rank("same", "en") == ["a", "b"]
    assert baseline.rank("same", "en", k=1) == ["a"]


# -- figures ---------------------------------------------------------------------------------
def outcome(lang: str, kb: list[str], base: list[str], detected: str | None) -> Outcome:
    return Outcome(Query("q", lang, "good.md", ("alt.md",)), kb, base, detected)


def test_table_and_targets() -> None:
    outcomes = [outcome("en", ["good.md"], ["x.md", "good.md"], "en"),
                outcome("en", ["alt.md"], ["x.md"], "en"),
                outcome("ru", ["x.md", "y.md", "z.md", "good.md"], ["good.md"], "sl")]
    figures = table(outcomes)
    en, ru, overall = figures["languages"]["en"], figures["languages"]["ru"], figures["overall"]
    assert list(figures["languages"]) == ["en", "ru"]
    assert en["n"] == 2 and en["kb"] == {"r1": 1.0, "r3": 1.0, "mrr": 1.0}
    assert en["baseline"] == {"r1": 0.0, "r3": 0.5, "mrr": 0.25}
    assert ru["kb"] == {"r1": 0.0, "r3": 0.0, "mrr": 0.25}
    assert ru["detected"] == 0.0 and en["detected"] == 1.0
    assert overall["kb"]["r1"] == pytest.approx(2 / 3)
    assert overall["baseline"]["r1"] == pytest.approx(1 / 3)
    assert overall["gain_r1"] == pytest.approx(1 / 3)
    met = targets(figures)
    assert not met["r1"]["met"] and met["gain"]["met"]
    assert not met["lang_r1"]["met"] and met["lang_r1"]["below"] == {"ru": 0.0}


# -- query sets and distractors --------------------------------------------------------------
def test_parse_queries() -> None:
    kb, queries = parse_queries({"kb": "example", "queries": [
        {"q": "locked out", "lang": "en", "expect": "docs/a.md"},
        {"q": "x", "lang": "ru", "expect": "docs/b.ru.md", "also": ["docs/c.ru.md"],
         "note": "typo"},
        {"q": "y", "lang": "en", "expect": "docs/d.md", "also": "docs/e.md"}]})
    assert kb == "example"
    assert queries[0] == Query("locked out", "en", "docs/a.md")
    assert queries[1].acceptable == {"docs/b.ru.md", "docs/c.ru.md"}
    assert queries[1].note == "typo"
    assert queries[2].also == ("docs/e.md",)
    assert missing_paths(queries, {"docs/a.md", "docs/b.ru.md", "docs/d.md"}) == [
        "docs/c.ru.md", "docs/e.md"]
    with pytest.raises(ValueError, match="expect"):
        parse_queries({"kb": "x", "queries": [{"q": "no label", "lang": "en"}]})


def test_distractor_paths_keep_their_kind_in_folders_of_their_own() -> None:
    for path, moved in [("docs/faq/a.md", "docs/faq/distractors/a.md"),
                        ("docs/scripts/b.md", "docs/scripts/distractors/b.md"),
                        ("docs/tone/c.md", "docs/tone/distractors/c.md"),
                        ("playbooks/d.md", "playbooks/distractors/d.md"),
                        ("docs/billing/cards/e.md", "docs/distractors/billing/cards/e.md")]:
        assert distractor_path(path) == moved
        assert DEFAULT.kind_of(moved) == DEFAULT.kind_of(path)
        assert is_distractor(moved) and not is_distractor(path)
    with pytest.raises(ValueError):
        distractor_path("README.md")


def test_adding_distractors_leaves_the_kbs_own_articles_alone(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", {
        "docs/faq/refund.md": article("Refund policy", "Refunds within 30 days.\n"),
        "docs/faq/refund.ru.md": article("Возврат", "Возврат в течение 30 дней.\n",
                                         translation={"source": "docs/faq/refund.md"}),
        "playbooks/outage.md": article("Outage", "Page the duty manager.\n"),
    })
    own = {a.path: (a.kind, a.lang) for a in open_kb(root).corpus.articles}
    added = add_distractors(root, 30, 3, tmp_path / "work")
    assert len(added) == 30 and all(is_distractor(p) for p in added)
    kb = open_kb(root)
    after = {a.path: (a.kind, a.lang) for a in kb.corpus.articles}
    assert {p: after[p] for p in own} == own
    assert set(after) == set(own) | set(added)
    assert {after[p][1] for p in added} == {"en"}
    assert len({after[p][0] for p in added}) > 1  # kinds kept: not all plain articles
    with pytest.raises(RuntimeError, match="folder of their own"):
        add_distractors(root, 5, 4, tmp_path / "work2")


@pytest.mark.parametrize("name", ["example", "confusable"])
def test_query_set_expected_paths_exist(name: str) -> None:
    path = SETS_DIR / f"{name}.yml"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: the benchmark runs both sets"
    kb_name, queries = load_set(path)
    assert queries
    root = ROOT if kb_name == "example" else SETS_DIR / kb_name
    config = yaml.safe_load((root / "kb.yml").read_text(encoding="utf-8"))
    missing = [p for q in queries for p in sorted(q.acceptable) if not (root / p).is_file()]
    assert not missing, f"{name}.yml expects files that do not exist: {missing}"
    assert {q.lang for q in queries} <= set(config["languages"])
    assert all(p.endswith(".md") and p.startswith(("docs/", "playbooks/"))
               and not is_distractor(p) for q in queries for p in q.acceptable)
