"""The knowledge base's settings (``kb.yml``), typed and declared once with their defaults."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import MappingProxyType

from kbtools.content import yamldoc
from kbtools.content.durations import Cadence, parse_cadence
from kbtools.diagnostics import Finding, error, sort_findings
from kbtools.errors import ConfigError

CONFIG_FILE = "kb.yml"


@dataclass(frozen=True)
class TranslationSettings:
    """Where translations live and where they record their source state."""

    layout: str = "suffix"
    """``suffix`` (``page.ru.md`` beside ``page.md``) or ``folder`` (``ru/page.md``)."""
    folders: Mapping[str, str] = field(default_factory=dict)
    """Folder layout: the root of each language, e.g. ``{ru: docs/ru}`` (default ``docs/<lang>``)."""
    source_commit_key: str = "translation.source_commit"
    """Front-matter key (dotted) of the source commit a translation was made from."""
    source_hash_key: str = "translation.source_hash"
    """Front-matter key (dotted) of the hash of the source's normalised text."""
    machine_key: str = "translation.machine"
    """Front-matter key (dotted) that is true for a machine draft not yet reviewed."""

    def folder_of(self, lang: str) -> str:
        return self.folders.get(lang, f"docs/{lang}")


@dataclass(frozen=True)
class TranslateSettings:
    """Machine-translated drafts (``kb translate``): which provider, with which options."""

    provider: str = "libretranslate"
    """A provider name (see ``kbtools.translate.providers``), e.g. libretranslate, deepl."""
    options: Mapping[str, object] = field(default_factory=dict)
    """Provider options (url, timeout, retries, backoff, max_chars); credentials are not
    accepted here: they come from environment variables."""


@dataclass(frozen=True)
class Config:
    """Settings of one knowledge base, rooted at ``root``."""

    root: Path
    languages: tuple[str, ...] = ("en",)
    """Languages of the KB; the first is the source language."""
    owners_file: str = "owners.yml"
    """The file declaring people, teams and fallback owners."""
    synonyms_file: str = "synonyms.yml"
    """Search synonym groups, edited by authors."""
    facts_dir: str = "macros/data"
    """Shared facts, one YAML file per namespace (``support.yml`` is ``{{ support.* }}``)."""
    macros_module: str = "macros/main.py"
    """Optional Python module with a ``define_env(env)`` that adds macro functions."""
    internal_facts: tuple[str, ...] = ("contacts",)
    """Fact namespaces that must never reach the public site."""
    review_every: Mapping[str, Cadence] = field(default_factory=lambda: MappingProxyType({}))
    """Review cadence per kind, where kb.yml overrides the kind's own default (see
    ``KnowledgeBase.cadence``)."""
    due_soon: Cadence = field(default_factory=lambda: parse_cadence("14d"))
    """How long before its due date an article is flagged ``due-soon``."""
    translations: TranslationSettings = field(default_factory=TranslationSettings)
    """Translation layout and pinned-source keys."""
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    """Machine-translation provider for ``kb translate``."""
    max_file_bytes: int = 2_000_000
    """Larger markdown files are reported, not parsed (a pasted log, not an article)."""
    state_dir: str = ".kb"
    """Git-ignored folder for the search index, query log and caches."""
    search_intents: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    """Per kind, query words and phrases that ask for it, added to the kind's own
    (``Kind.intents``): typically the same phrases in the KB's other languages."""

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def translation_languages(self) -> tuple[str, ...]:
        return self.languages[1:]

    def path(self, relative: str) -> Path:
        return self.root / relative


_SIMPLE = {"owners_file", "synonyms_file", "facts_dir", "macros_module", "state_dir"}


def load_config(root: Path, kinds: Iterable[str] | None = None) -> Config:
    """Read ``root/kb.yml`` (optional); ``kinds`` are the kind names ``review_every`` may
    name (unchecked when None).

    Raises :class:`ConfigError` when ``root`` is not a folder, or once with every problem of
    ``kb.yml`` as a finding at its line (``ConfigError.findings``).
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: not a folder; pass the knowledge base root with --root")
    file = root / CONFIG_FILE
    if not file.exists():
        return Config(root=root)
    try:
        doc = yamldoc.load_file(file)
    except yamldoc.YAMLSyntaxError as exc:
        raise ConfigError.of(CONFIG_FILE, [error(CONFIG_FILE, exc.line,
                                                 exc.code or "config.yaml", str(exc))]) from None
    except UnicodeDecodeError:
        raise ConfigError.of(CONFIG_FILE, [error(CONFIG_FILE, 1, "config.encoding",
                                                 "not UTF-8 text; save it as UTF-8")]) from None
    data = doc.data or {}
    if not isinstance(data, dict):
        raise ConfigError.of(CONFIG_FILE, [error(
            CONFIG_FILE, 1, "config.shape",
            f"expected a mapping of settings such as languages: [en], got {data!r}")])

    problems: list[Finding] = []

    def fail(key: str, message: str, code: str = "config.value") -> None:
        problems.append(error(CONFIG_FILE, doc.line_of(key, 1), code, message))

    kwargs: dict = {"root": root}
    known = {f for f in Config.__dataclass_fields__ if f != "root"}
    for key, value in data.items():
        if key not in known:
            fail(key, f"unknown setting {key!r} (known: {', '.join(sorted(known))})",
                 "config.unknown-setting")
        elif key in _SIMPLE:
            if not isinstance(value, str) or not value:
                fail(key, f"{key} must be a relative path, got {value!r}")
            else:
                kwargs[key] = value
        elif key in ("languages", "internal_facts"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or (
                key == "languages" and not value
            ):
                fail(key, f"{key} must be a list of names, got {value!r}")
            else:
                kwargs[key] = tuple(value)
        elif key == "max_file_bytes":
            if not isinstance(value, int) or value <= 0:
                fail(key, f"max_file_bytes must be a positive number, got {value!r}")
            else:
                kwargs[key] = value
        else:
            check = _NESTED[key]
            if key in ("review_every", "search_intents"):
                check = partial(_NESTED[key], kinds=None if kinds is None else tuple(kinds))
            parsed = check(value, lambda k, m, c="config.value", p=key:
                           fail(f"{p}.{k}" if k else p, m, c))
            if parsed is not None:
                kwargs[key] = parsed
    if problems:
        raise ConfigError.of(CONFIG_FILE, sort_findings(problems))
    return Config(**kwargs)


def _cadence(value, fail) -> Cadence | None:
    try:
        return parse_cadence(value)
    except ValueError as exc:
        fail(str(exc))
        return None


def _due_soon(value, fail) -> Cadence | None:
    return _cadence(value, lambda m: fail("", m))


def _review_every(value, fail, kinds: tuple[str, ...] | None = None
                  ) -> Mapping[str, Cadence] | None:
    if not isinstance(value, dict):
        fail("", f"review_every must map kinds to cadences, got {value!r}")
        return None
    merged = {}
    for kind, cadence in value.items():
        if kinds is not None and kind not in kinds:
            fail(kind, f"unknown kind {kind!r} (expected one of {', '.join(kinds)})",
                 "config.unknown-kind")
            continue
        parsed = _cadence(cadence, lambda m, k=kind: fail(k, m))
        if parsed is not None:
            merged[kind] = parsed
    return MappingProxyType(merged)


def _search_intents(value, fail, kinds: tuple[str, ...] | None = None
                    ) -> Mapping[str, tuple[str, ...]] | None:
    if not isinstance(value, dict):
        fail("", "search_intents must map kinds to lists of words or phrases, e.g. "
                 "script: [reply, template]")
        return None
    merged = {}
    for kind, phrases in value.items():
        if kinds is not None and kind not in kinds:
            fail(kind, f"unknown kind {kind!r} (expected one of {', '.join(kinds)})",
                 "config.unknown-kind")
        elif not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip()
                                                       for p in phrases):
            fail(kind, f"search_intents.{kind} must be a list of words or phrases, "
                       f"got {phrases!r}")
        else:
            merged[kind] = tuple(phrases)
    return MappingProxyType(merged)


def _translations(value, fail) -> TranslationSettings | None:
    if not isinstance(value, dict):
        fail("", f"translations must be a mapping, got {value!r}")
        return None
    known = set(TranslationSettings.__dataclass_fields__)
    good = {}
    for key, item in value.items():
        if key not in known:
            fail(key, f"unknown setting {key!r} (known: {', '.join(sorted(known))})",
                 "config.unknown-setting")
        elif key == "layout" and item not in ("suffix", "folder"):
            fail(key, f"layout must be suffix or folder, got {item!r}")
        elif key == "folders" and not (
            isinstance(item, dict) and all(isinstance(v, str) for v in item.values())
        ):
            fail(key, f"folders must map languages to folders, e.g. {{ru: docs/ru}}, got {item!r}")
        elif key.endswith("_key") and not (isinstance(item, str) and item):
            fail(key, f"{key} must be a front-matter key such as l10n.sourceCommit, got {item!r}")
        else:
            good[key] = item
    return TranslationSettings(**good)


_SECRET_WORDS = ("key", "secret", "token", "password", "auth")


def _translate(value, fail) -> TranslateSettings | None:
    if not isinstance(value, dict):
        fail("", f"translate must be a mapping, got {value!r}")
        return None
    for key in sorted(set(value) - set(TranslateSettings.__dataclass_fields__), key=str):
        fail(key, f"unknown setting {key!r} (known: options, provider)", "config.unknown-setting")
    provider = value.get("provider", TranslateSettings.provider)
    if not isinstance(provider, str) or not provider:
        fail("provider", f"provider must be a name such as libretranslate, got {provider!r}")
    options = value.get("options") or {}
    if not isinstance(options, dict):
        fail("options", f"options must be a mapping, got {options!r}")
        options = {}
    for key in options:
        if any(word in str(key).lower() for word in _SECRET_WORDS):
            fail(f"options.{key}", f"{key!r} looks like a credential; kb.yml is committed, so "
                 "credentials come from environment variables only", "config.credential")
    return TranslateSettings(provider if isinstance(provider, str) else TranslateSettings.provider,
                             MappingProxyType(dict(options)))


_NESTED = {"due_soon": _due_soon, "review_every": _review_every,
           "search_intents": _search_intents,
           "translations": _translations, "translate": _translate}
