"""Onboarding path format and its validation in ``kb check`` (exact path:line for each rule)."""

from __future__ import annotations

import pytest

from kbtools.content.check import check
from kbtools.onboarding.kind import LEVELS, PathMeta, Quiz, Task
from kbtools.registry import open_kb
from tests.support import article, make_kb

# Line numbers in the assertions below refer to this text: keep it in step.
PATH = """\
---
title: First weeks
owner: ann
level: specialist-1
stages:
  - title: Week 1
    steps:
      - ref: docs/products/invoices.md
        minutes: 30
      - ref: docs/tone/voice.md
        minutes: 1h
        note: Read the examples twice.
    checkpoints:
      - id: w1-quiz
        quiz: Which reply follows the voice?
        select: 1
        choices:
          - {text: The friendly one, correct: true}
          - {text: The blaming one}
        explanation: The first one gives a next step.
      - id: w1-task
        task: Rewrite a draft.
        signoff: mentor
  - title: Week 2
    steps:
      - ref: playbooks/outage.md
        minutes: 25
    checkpoints:
      - id: w2-quiz
        quiz: Pick the two facts.
        select: 2
        choices:
          - {text: Fact A, correct: true}
          - {text: Fact B, correct: true}
          - {text: Myth C}
        explanation: A and B are true.
---
Welcome to the path.
"""

PLAYBOOK = {"priority": "P3", "triggers": ["site down"],
            "tiers": [{"contact": "tier1", "within": "1h", "do": "Reproduce it."}]}
TARGETS = {
    "docs/products/invoices.md": article("Invoices overview", "Invoices are great.\n",
                                         owner="ann", reviewed="2026-11-01"),
    "docs/tone/voice.md": article("Voice principles", "Be kind.\n", owner="ann",
                                  reviewed="2026-11-01"),
    "playbooks/outage.md": article("Outage", "Page people.\n", owner="ann",
                                   reviewed="2026-11-01", **PLAYBOOK),
}


def path_kb(tmp_path, path_text: str = PATH, **extra: str):
    """A temp KB with the three target articles and ``path_text`` as first-weeks.md."""
    make_kb(tmp_path, {**TARGETS, "docs/onboarding/first-weeks.md": path_text, **extra})
    return open_kb(tmp_path)


def path_findings(tmp_path, path_text: str = PATH, **extra: str) -> list[str]:
    report = check(path_kb(tmp_path, path_text, **extra))
    return [f.format() for f in report.findings
            if f.path.startswith("docs/onboarding/") or f.code.startswith("path.")]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KB_AS_OF", "2026-11-23")


def test_levels_are_ordered_from_new_specialist_to_engineer():
    assert LEVELS == ("specialist-1", "specialist-2", "senior", "engineer")


def test_valid_path_has_no_findings(tmp_path):
    assert path_findings(tmp_path) == []


def test_path_is_parsed_into_typed_stages(tmp_path):
    meta = path_kb(tmp_path).corpus.get("docs/onboarding/first-weeks.md").details
    assert isinstance(meta, PathMeta)
    assert meta.level == "specialist-1" and meta.level_rank == 0
    assert [s.title for s in meta.stages] == ["Week 1", "Week 2"]
    first, second = meta.steps[:2]
    assert (first.ref, first.minutes, first.line) == ("docs/products/invoices.md", 30, 8)
    assert (second.minutes, second.note) == (60, "Read the examples twice.")
    assert meta.minutes == 30 + 60 + 25
    quiz, task, quiz2 = meta.checkpoints
    assert isinstance(quiz, Quiz) and isinstance(task, Task)
    assert (quiz.id, quiz.select, quiz.correct, quiz.line) == ("w1-quiz", 1, (0,), 14)
    assert (task.task, task.signoff) == ("Rewrite a draft.", "mentor")
    assert quiz2.correct == (0, 1)


def test_missing_step_is_an_error_at_its_line_with_a_suggestion(tmp_path):
    text = PATH.replace("docs/tone/voice.md", "docs/tone/voise.md")
    assert path_findings(tmp_path, text) == [
        "docs/onboarding/first-weeks.md:10: error: step docs/tone/voise.md does not exist "
        "(did you mean docs/tone/voice.md?) [path.missing-step]",
    ]


def test_step_overdue_for_review_is_flagged(tmp_path):
    old = article("Outage", "Page people.\n", owner="ann", reviewed="2026-01-10",
                  review_every="90d", **PLAYBOOK)
    assert path_findings(tmp_path, **{"playbooks/outage.md": old}) == [
        "docs/onboarding/first-weeks.md:26: warning: step playbooks/outage.md is overdue for "
        "review (due 2026-04-10, owner ann); review it or pick another article "
        "[path.stale-step]",
    ]


def test_step_at_an_outdated_translation_is_flagged(tmp_path):
    translation = article("Голос", "Будьте добры.\n", reviewed="2026-11-01",
                          translation={"source_hash": "0000000000000000"})
    text = PATH.replace("ref: docs/tone/voice.md", "ref: docs/tone/voice.ru.md")
    assert path_findings(tmp_path, text, **{"docs/tone/voice.ru.md": translation}) == [
        "docs/onboarding/first-weeks.md:10: warning: step docs/tone/voice.ru.md is an outdated "
        "translation of docs/tone/voice.md; point at the source or update the translation "
        "[path.stale-step]",
    ]


def test_current_translation_is_not_flagged(tmp_path):
    kb = path_kb(tmp_path)
    source_hash = kb.corpus.get("docs/tone/voice.md").content_hash
    translation = article("Голос", "Будьте добры.\n", reviewed="2026-11-01",
                          translation={"source_hash": source_hash})
    text = PATH.replace("ref: docs/tone/voice.md", "ref: docs/tone/voice.ru.md")
    assert path_findings(tmp_path, text, **{"docs/tone/voice.ru.md": translation}) == []


def test_quiz_must_mark_exactly_the_declared_number_of_answers(tmp_path):
    text = PATH.replace("select: 2", "select: 3")
    text = text.replace("{text: The blaming one}", "{text: The blaming one, correct: true}")
    assert path_findings(tmp_path, text) == [
        "docs/onboarding/first-weeks.md:14: error: quiz 'w1-quiz' declares select: 1 but "
        "marks 2 choice(s) correct [path.quiz-answers]",
        "docs/onboarding/first-weeks.md:29: error: quiz 'w2-quiz' declares select: 3 but "
        "marks 2 choice(s) correct [path.quiz-answers]",
    ]


def test_duplicate_checkpoint_ids_and_steps_are_errors(tmp_path):
    text = PATH.replace("id: w2-quiz", "id: w1-quiz").replace(
        "ref: playbooks/outage.md", "ref: docs/products/invoices.md")
    assert path_findings(tmp_path, text) == [
        "docs/onboarding/first-weeks.md:26: error: step docs/products/invoices.md is already "
        "listed at line 8; progress is saved per article, so list it once "
        "[path.duplicate-step]",
        "docs/onboarding/first-weeks.md:29: error: checkpoint id 'w1-quiz' is already used at "
        "line 14; ids key saved progress and must be unique [path.duplicate-id]",
    ]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("level: specialist-1", "level: wizard",
     "4: error: unknown level 'wizard' (expected specialist-1|specialist-2|senior|engineer) "
     "[path.level]"),
    ("        minutes: 30\n", "        minutes: soon\n",
     "9: error: minutes: expected the estimated time as a positive number of minutes "
     "(or 45m, 1h), got 'soon' [path.minutes]"),
    ("        minutes: 30\n", "",
     "8: error: minutes: expected the estimated time as a positive number of minutes "
     "(or 45m, 1h), missing [path.minutes]"),
    ("        select: 1\n", "        select: one\n",
     "16: error: select must be the number of correct answers (1 or more), got 'one' "
     "[path.quiz]"),
    ("        explanation: The first one gives a next step.\n", "",
     "14: error: explanation missing [path.quiz]"),
    ("        task: Rewrite a draft.\n", "        task: Rewrite a draft.\n        quiz: Why?\n",
     "21: error: a checkpoint is either {id, quiz, select, choices, explanation} or "
     "{id, task, signoff} [path.checkpoint]"),
    ("      - id: w1-task\n", "      - id: w1 task\n",
     "21: error: checkpoint id 'w1 task' must be letters, digits, '-', '_' or '.'; it keys "
     "the trainee's saved progress [path.checkpoint]"),
    ("          - {text: The blaming one}\n", "",
     "17: error: choices must be a list of at least two {text, correct} [path.quiz]"),
    ("        signoff: mentor\n", "        signof: mentor\n",
     "23: error: unknown field 'signof' (expected id, signoff, task) [path.checkpoint]"),
])
def test_shape_problems_are_errors_at_their_line(tmp_path, old, new, expected):
    assert old in PATH
    found = path_findings(tmp_path, PATH.replace(old, new, 1))
    assert f"docs/onboarding/first-weeks.md:{expected}" in found


def test_missing_level_and_stages(tmp_path):
    text = "---\ntitle: Empty path\nowner: ann\n---\nNothing yet.\n"
    assert path_findings(tmp_path, text) == [
        "docs/onboarding/first-weeks.md:2: error: missing level (expected "
        "specialist-1|specialist-2|senior|engineer) [path.level]",
        "docs/onboarding/first-weeks.md:2: error: stages must be a non-empty list of "
        "{title, steps, checkpoints} [path.stages]",
    ]


def test_the_example_path_is_valid_and_rich():
    from tests.support import REPO

    kb = open_kb(REPO)
    found = [f for f in check(kb).findings if f.path.startswith("docs/onboarding/")]
    assert [f for f in found if f.is_error] == []
    meta = kb.corpus.get("docs/onboarding/first-weeks.md").details
    assert len(meta.stages) >= 3 and len(meta.quizzes) >= 3
    assert any(q.select > 1 for q in meta.quizzes)
    assert any(isinstance(c, Task) for c in meta.checkpoints)
    assert any(s.ref.startswith("playbooks/") for s in meta.steps)
