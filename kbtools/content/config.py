"""The knowledge base's settings (``kb.yml``), typed and declared once with their defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from kbtools.content import yamldoc
from kbtools.content.durations import Cadence, parse_cadence
from kbtools.errors import ConfigError

CONFIG_FILE = "kb.yml"
KINDS = ("faq", "script", "tone", "path", "playbook", "article")

_DEFAULT_CADENCE = {
    "playbook": "90d", "script": "120d", "faq": "180d",
    "tone": "365d", "path": "180d", "article": "180d",
}


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
    review_every: Mapping[str, Cadence] = field(
        default_factory=lambda: MappingProxyType(
            {k: parse_cadence(v) for k, v in _DEFAULT_CADENCE.items()}
        )
    )
    """Default review cadence per kind."""
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

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def translation_languages(self) -> tuple[str, ...]:
        return self.languages[1:]

    def path(self, relative: str) -> Path:
        return self.root / relative


_SIMPLE = {"owners_file", "synonyms_file", "facts_dir", "macros_module", "state_dir"}


def load_config(root: Path) -> Config:
    """Read ``root/kb.yml`` (optional). Raises :class:`ConfigError` naming file and line."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: not a folder; pass the knowledge base root with --root")
    file = root / CONFIG_FILE
    if not file.exists():
        return Config(root=root)
    try:
        doc = yamldoc.load(file.read_text(encoding="utf-8"))
    except yamldoc.YAMLSyntaxError as exc:
        raise ConfigError(f"{CONFIG_FILE}:{exc.line}: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{CONFIG_FILE}: not UTF-8 text") from None
    data = doc.data or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG_FILE}:1: expected a mapping of settings")

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{CONFIG_FILE}:{doc.line_of(key, 1)}: {message}")

    kwargs: dict = {"root": root}
    known = {f for f in Config.__dataclass_fields__ if f != "root"}
    for key, value in data.items():
        if key not in known:
            raise fail(key, f"unknown setting {key!r} (known: {', '.join(sorted(known))})")
        if key in _SIMPLE:
            if not isinstance(value, str) or not value:
                raise fail(key, f"{key} must be a relative path, got {value!r}")
            kwargs[key] = value
        elif key in ("languages", "internal_facts"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or (
                key == "languages" and not value
            ):
                raise fail(key, f"{key} must be a list of names, got {value!r}")
            kwargs[key] = tuple(value)
        elif key == "max_file_bytes":
            if not isinstance(value, int) or value <= 0:
                raise fail(key, f"max_file_bytes must be a positive number, got {value!r}")
            kwargs[key] = value
        elif key == "due_soon":
            kwargs[key] = _cadence(value, lambda m: fail("due_soon", m))
        elif key == "review_every":
            kwargs[key] = _review_every(value, lambda k, m: fail(f"review_every.{k}", m))
        elif key == "translations":
            kwargs[key] = _translations(value, lambda k, m: fail(f"translations.{k}", m))
        elif key == "translate":
            kwargs[key] = _translate(value, lambda k, m: fail(f"translate.{k}", m))
    return Config(**kwargs)


def _cadence(value, fail) -> Cadence:
    try:
        return parse_cadence(value)
    except ValueError as exc:
        raise fail(str(exc)) from None


def _review_every(value, fail) -> Mapping[str, Cadence]:
    if not isinstance(value, dict):
        raise fail("", f"review_every must map kinds to cadences, got {value!r}")
    merged = {k: parse_cadence(v) for k, v in _DEFAULT_CADENCE.items()}
    for kind, cadence in value.items():
        if kind not in KINDS:
            raise fail(kind, f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
        merged[kind] = _cadence(cadence, lambda m, k=kind: fail(k, m))
    return MappingProxyType(merged)


def _translations(value, fail) -> TranslationSettings:
    if not isinstance(value, dict):
        raise fail("", f"translations must be a mapping, got {value!r}")
    known = set(TranslationSettings.__dataclass_fields__)
    for key, item in value.items():
        if key not in known:
            raise fail(key, f"unknown setting {key!r} (known: {', '.join(sorted(known))})")
        if key == "layout" and item not in ("suffix", "folder"):
            raise fail(key, f"layout must be suffix or folder, got {item!r}")
        if key == "folders" and not (
            isinstance(item, dict) and all(isinstance(v, str) for v in item.values())
        ):
            raise fail(key, "folders must map languages to folders, e.g. {ru: docs/ru}")
        if key.endswith("_key") and not (isinstance(item, str) and item):
            raise fail(key, f"{key} must be a front-matter key such as l10n.sourceCommit")
    return TranslationSettings(**value)


_SECRET_WORDS = ("key", "secret", "token", "password", "auth")


def _translate(value, fail) -> TranslateSettings:
    if not isinstance(value, dict):
        raise fail("", f"translate must be a mapping, got {value!r}")
    unknown = set(value) - set(TranslateSettings.__dataclass_fields__)
    if unknown:
        key = sorted(unknown)[0]
        raise fail(key, f"unknown setting {key!r} (known: options, provider)")
    provider = value.get("provider", TranslateSettings.provider)
    if not isinstance(provider, str) or not provider:
        raise fail("provider", f"provider must be a name such as libretranslate, got {provider!r}")
    options = value.get("options") or {}
    if not isinstance(options, dict):
        raise fail("options", f"options must be a mapping, got {options!r}")
    for key in options:
        if any(word in str(key).lower() for word in _SECRET_WORDS):
            raise fail(f"options.{key}", f"{key!r} looks like a credential; kb.yml is "
                       "committed, so credentials come from environment variables only")
    return TranslateSettings(provider, MappingProxyType(dict(options)))
