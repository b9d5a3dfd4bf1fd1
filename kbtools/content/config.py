"""The knowledge base's settings (``kb.yml``), typed and declared once with their defaults."""

from __future__ import annotations

import os
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
    """Where translations live, where they record their source state, and what in a source
    counts as content to translate."""

    layout: str = "suffix"
    """``suffix`` (``page.ru.md`` beside ``page.md``) or ``folder`` (``ru/page.md``)."""
    source_folder: str = "docs"
    """Folder layout: the source language's folder (``content/en`` in Hugo); the translation of
    ``<source_folder>/<rest>`` is ``<folder of the language>/<rest>``."""
    folders: Mapping[str, str] = field(default_factory=dict)
    """Folder layout: the folder of each language, e.g. ``{ru: docs/ru}``."""
    folder_pattern: str | None = None
    """Folder layout: the folder of every language at once, with ``{lang}``:
    ``content/{lang}`` (Hugo), ``i18n/{lang}/docusaurus-plugin-content-docs/current``.
    ``folders`` entries win over it; without either, ``docs/<lang>``."""
    source_commit_key: str = "translation.source_commit"
    """Front-matter key (dotted) of the source commit a translation was made from."""
    source_hash_key: str = "translation.source_hash"
    """Front-matter key (dotted) of the hash of the source's normalised text."""
    machine_key: str = "translation.machine"
    """Front-matter key (dotted) that is true for a machine draft not yet reviewed."""
    translatable_fields: tuple[str, ...] = ("title", "description", "summary")
    """Front-matter fields (dotted) that are content: a change to them outdates translations."""

    def folder_of(self, lang: str) -> str:
        if lang in self.folders:
            return self.folders[lang].strip("/")
        if self.folder_pattern:
            return self.folder_pattern.replace("{lang}", lang).strip("/")
        return f"docs/{lang}"


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
    catalogs_dir: str = "catalogs"
    """Folder of the sites' interface-string catalogs, one ``<lang>.yml`` per language."""
    search_intents: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    """Per kind, query words and phrases that ask for it, added to the kind's own
    (``Kind.intents``): typically the same phrases in the KB's other languages."""
    content_roots: tuple[str, ...] = ("docs", "playbooks")
    """Folders holding articles (the translation folders of a folder layout are added)."""
    strict: bool = True
    """False for a repository not written for kb (Hugo, Docusaurus): unknown front-matter
    fields are ignored, a missing title is a warning (the first heading or the file name
    stands in), and Hugo shortcodes are not read as macros."""
    extra_fields: tuple[str, ...] = ()
    """Front-matter fields the repository uses for its own tools (``weight``, ``linkTitle``):
    allowed on every article even when ``strict``."""

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def translation_languages(self) -> tuple[str, ...]:
        return self.languages[1:]

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def scanned_roots(self) -> tuple[str, ...]:
        """Every folder the loader walks: the content roots, and under the folder layout the
        source folder and each translation language's folder (outermost first, no repeats)."""
        roots = [r.strip("/") for r in self.content_roots]
        if self.translations.layout == "folder":
            roots.append(self.translations.source_folder.strip("/"))
            roots.extend(self.translations.folder_of(lang) for lang in self.translation_languages)
        kept: list[str] = []
        for root in sorted(dict.fromkeys(roots), key=lambda r: (r.count("/"), r)):
            if not any(root == k or root.startswith(k + "/") for k in kept):
                kept.append(root)
        return tuple(sorted(kept))


_SIMPLE = {"owners_file", "synonyms_file", "facts_dir", "macros_module", "state_dir",
           "catalogs_dir"}


def locate(config: Config, relative: str) -> tuple[str, str | None]:
    """``(language, source path)`` of the markdown file at repo path ``relative`` under
    ``config``'s layout; the source is None for a file in the source language."""
    settings = config.translations
    if settings.layout == "folder":
        for lang in config.translation_languages:
            folder = settings.folder_of(lang) + "/"
            if relative.startswith(folder):
                return lang, settings.source_folder.strip("/") + "/" + relative[len(folder):]
    head, dot, suffix = relative[: -len(".md")].rpartition(".")
    if dot and suffix in config.translation_languages and "/" not in suffix:
        return suffix, f"{head}.md"
    return config.default_language, None


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
        elif key == "strict":
            if not isinstance(value, bool):
                fail(key, f"strict must be true or false, got {value!r}")
            else:
                kwargs[key] = value
        elif key in ("languages", "internal_facts", "content_roots", "extra_fields"):
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
    if not problems:
        config = Config(**kwargs)
        problems.extend(_folder_problems(config, data, doc))
    if problems:
        raise ConfigError.of(CONFIG_FILE, sort_findings(problems))
    return config


def _folder_problems(config: Config, data: dict, doc) -> list[Finding]:
    """Each folder ``kb.yml`` names that is outside the root, missing, or holds no markdown,
    at the line of its setting: a typo there would otherwise make an empty, passing report."""
    named: list[tuple[str, str]] = []  # (setting key, folder)
    if "content_roots" in data:
        named += [(f"content_roots.{n}", f) for n, f in enumerate(config.content_roots)]
    settings = config.translations
    given = data.get("translations") or {}
    if settings.layout == "folder":
        if "source_folder" in given:
            named.append(("translations.source_folder", settings.source_folder))
        for lang, folder in settings.folders.items():
            named.append((f"translations.folders.{lang}", folder))
    problems = []
    for lang in settings.folders:
        if lang not in config.languages or lang == config.default_language:
            problems.append(error(CONFIG_FILE, doc.line_of(f"translations.folders.{lang}", 1),
                                  "config.folder", f"translations.folders names {lang!r}, which is "
                                  f"not a translation language ({', '.join(config.languages)})"))
    root = config.root
    for key, folder in named:
        line = doc.line_of("content_roots" if key.startswith("content_roots.") else key, 1)
        why = _folder_problem(root, folder)
        if why:
            problems.append(error(CONFIG_FILE, line, "config.folder", f"{key.split('.')[0]}: "
                                  f"{folder!r} {why}"))
    return problems


def _folder_problem(root: Path, folder: str) -> str | None:
    path = Path(folder)
    if not folder.strip("/") or path.is_absolute() or ".." in path.parts:
        return "must be a folder inside the knowledge base, relative to it"
    full = root / folder
    try:
        real = full.resolve(strict=True)
    except OSError:
        return "does not exist"
    if not real.is_relative_to(root):
        return "lies outside the knowledge base (through a symbolic link)"
    if not real.is_dir():
        return "is not a folder"
    for _, _, names in os.walk(full):
        if any(name.endswith(".md") for name in names):
            return None
    return "holds no markdown (.md) files"


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
        elif key == "folders" and isinstance(item, str):
            if "{lang}" not in item:
                fail(key, f"folders must map languages to folders, e.g. {{ru: docs/ru}}, or be "
                          f"one pattern with {{lang}}, e.g. content/{{lang}}; got {item!r}")
            else:
                good["folder_pattern"] = item
        elif key == "folders" and not (
            isinstance(item, dict) and all(isinstance(v, str) for v in item.values())
        ):
            fail(key, f"folders must map languages to folders, e.g. {{ru: docs/ru}}, got {item!r}")
        elif key == "folder_pattern" and not (isinstance(item, str) and "{lang}" in item):
            fail(key, f"folder_pattern must contain {{lang}}, e.g. content/{{lang}}; got {item!r}")
        elif key == "source_folder" and not (isinstance(item, str) and item.strip("/")):
            fail(key, f"source_folder must be a folder such as content/en, got {item!r}")
        elif key == "translatable_fields":
            if not isinstance(item, list) or not all(isinstance(v, str) and v for v in item):
                fail(key, f"translatable_fields must be a list of front-matter fields, got {item!r}")
            else:
                good[key] = tuple(item)
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
