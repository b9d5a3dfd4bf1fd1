"""The MkDocs configuration of a site: the KB's ``mkdocs.yml`` (or ours), fitted to the site.

``mkdocs.yml`` is the readable source of theme and navigation. Per build we only set what the
content model decides: the languages (from ``kb.yml``), which site the ``kb`` plugin builds,
the staged docs folder, the output folder, strict mode, and the public site's name.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils.yaml import yaml_load

from kbtools.content import yamldoc
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.diagnostics import error
from kbtools.errors import ConfigError
from kbtools.sites.catalogs import catalog
from kbtools.sites.languages import problems as language_problems
from kbtools.sites.navigation import MAX_SECTION_PAGES
from kbtools.sites.search_entries import SEPARATOR, lunr_knows
from kbtools.sites.site import Site

DEFAULT_CONFIG = Path(__file__).with_name("mkdocs.yml")
LANGUAGE_NAMES = {"en": "English", "ar": "العربية", "fa": "فارسی", "ru": "Русский",
                  "sl": "Slovenščina"}
MKDOCS_PLUGIN = "kb"
I18N_PLUGIN = "i18n"
SEARCH_PLUGINS = ("search", "material/search")


class KBConfig(base.Config):
    """The ``kb`` plugin's settings (:mod:`kbtools.sites.plugin`; :func:`fit_plugins` sets
    ``site``, ``languages`` and ``built`` for each build)."""

    site = c.Choice(("internal", "public"), default="internal")
    """Which site this build makes (``kb build`` sets it)."""
    public_site_name = c.Optional(c.Type(str))
    """``site_name`` of the public site (the internal one uses ``site_name``)."""
    max_section_pages = c.Type(int, default=MAX_SECTION_PAGES)
    """Navigation sections longer than this are split (see ``kbtools.sites.navigation``)."""
    languages = c.Type(list, default=[])
    """The site's languages, the default first (see :mod:`kbtools.sites.languages`)."""
    built = c.Optional(c.Type(list))
    """The languages built (None: all; the others' folders are carried over by ``kb build``)."""


def config_file(kb: KnowledgeBase) -> Path:
    """The KB's ``mkdocs.yml``, or the package default when the KB has none."""
    own = kb.root / "mkdocs.yml"
    return own if own.exists() else DEFAULT_CONFIG


def read_raw(kb: KnowledgeBase) -> dict:
    file = config_file(kb)
    try:
        text = yamldoc.read_text(file)
        yamldoc.check_bounds(text)  # MkDocs' loader has no limits of its own
    except yamldoc.YAMLSyntaxError as exc:  # YAMLLimitError too: a finding at its line
        raise ConfigError.of(file.name, [error(file.name, exc.line, exc.code or "config.yaml",
                                                 str(exc))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file.name}: cannot read: {exc}") from None
    try:
        raw = yaml_load(text) or {}
    except Exception as exc:  # noqa: BLE001 - YAML and !ENV errors alike
        raise ConfigError(f"{file.name}: cannot read: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{file.name}:1: expected a mapping of MkDocs settings")
    return raw


def site_name(raw: dict, site: Site) -> str:
    """The site's name: ``site_name``, or the ``kb`` plugin's ``public_site_name`` publicly."""
    options = _plugin_options(raw.get("plugins") or [], MKDOCS_PLUGIN) or {}
    if site.public and options.get("public_site_name"):
        return str(options["public_site_name"])
    return str(raw.get("site_name") or "Knowledge base")


def load_site_config(kb: KnowledgeBase, site: Site, raw: dict, *, docs_dir: Path,
                     site_dir: Path, rendered: frozenset[str] | None = None) -> MkDocsConfig:
    """Validate the MkDocs configuration for ``site`` (strict), built into ``site_dir``, with
    the pages of the ``rendered`` languages (None: all; see :func:`fit_plugins`).

    The public site also needs an absolute ``site_url`` and shows only the navigation links
    declared public (see :func:`public_overrides`); raises :class:`ConfigError` otherwise.
    """
    plugins = fit_plugins(raw.get("plugins") or [], site, kb.config.languages, rendered)
    said = language_problems(_kb_languages(plugins))
    if said:
        raise _config_error(kb, "languages", "site.languages", "; ".join(said))
    if site.public:
        plugins = localize_languages(kb, plugins)
    overrides = public_overrides(kb, raw, plugins) if site.public else {"plugins": plugins}
    return load_config(str(config_file(kb)), docs_dir=str(docs_dir), site_dir=str(site_dir),
                       strict=True, site_name=site_name(raw, site), **overrides)


def fit_plugins(plugins: list, site: Site, languages: tuple[str, ...],
                rendered: frozenset[str] | None = None) -> list:
    """The ``plugins`` list with the ``kb`` plugin set to ``site`` (added if missing) and its
    ``languages`` set to the KB's (names, links, navigation titles and settings kept from the
    file: :func:`fit_languages`); only the ``rendered`` ones (None: all; the default language
    always) are built (``built``).

    kb builds the languages itself (:mod:`kbtools.sites.languages`): an ``i18n`` plugin
    (mkdocs-static-i18n, which kb used before) is left out, its ``languages`` read as the
    ``kb`` plugin's when that has none. The search plugin gets the KB's languages lunr.js
    knows in its ``lang`` (the index of every language, which the internal site keeps; the
    public site's per-language indexes each get their own language), and kb's ``separator``
    (:data:`~kbtools.sites.search_entries.SEPARATOR`: words end at punctuation too) unless the
    file sets one."""
    plugins = copy.deepcopy(plugins)
    legacy = _plugin_options(plugins, I18N_PLUGIN) or {}
    plugins = [p for p in plugins if _name(p) != I18N_PLUGIN]
    names = [_name(p) for p in plugins]
    if MKDOCS_PLUGIN not in names:
        plugins.append({MKDOCS_PLUGIN: {}})
        names.append(MKDOCS_PLUGIN)
    for index, name in enumerate(names):
        options = plugins[index][name] if isinstance(plugins[index], dict) else {}
        options = dict(options or {})
        if name == MKDOCS_PLUGIN:
            options["site"] = site.name
            declared = options.get("languages") or legacy.get("languages") or []
            options["languages"] = fit_languages(declared, languages)
            options["built"] = None if rendered is None else \
                [lang for lang in languages if lang == languages[0] or lang in rendered]
        elif name in SEARCH_PLUGINS:
            options["lang"] = _search_languages(options.get("lang"), languages)
            options.setdefault("separator", SEPARATOR)
        plugins[index] = {name: options}
    return plugins


LOCALIZED = {"site_name": "site.name", "site_description": "site.description",
             "copyright": "site.copyright"}
"""Language settings filled from the catalogs (mkdocs.yml's own values win)."""


def localize_languages(kb: KnowledgeBase, plugins: list) -> list:
    """``plugins`` with each language's site name, description and copyright taken from its
    catalog (:mod:`kbtools.sites.catalogs`) where ``mkdocs.yml`` sets none."""
    plugins = copy.deepcopy(plugins)
    for language in _kb_languages(plugins):
        strings = catalog(kb, str(language.get("locale")))
        for setting, key in LOCALIZED.items():
            if language.get(setting) is None and strings.get(key):
                language[setting] = strings.get(key)
    return plugins


def fit_languages(declared: list, languages: tuple[str, ...]) -> list[dict]:
    """The ``languages`` entries of the KB's ``languages`` (``kb.yml``), in its order: each
    one's entry from ``declared`` (``mkdocs.yml``), else its locale and a name."""
    by_locale = {str(item.get("locale")): dict(item) for item in declared
                 if isinstance(item, dict)}
    fitted = []
    for lang in languages:
        item = by_locale.get(lang, {"locale": lang, "name": LANGUAGE_NAMES.get(lang, lang)})
        item.pop("default", None)  # which language is the default, and which are built,
        item.pop("build", None)    # are kb.yml's and kb build's to say (i18n had them here)
        fitted.append(item)
    return fitted


def _kb_languages(plugins: list) -> list[dict]:
    options = _plugin_options(plugins, MKDOCS_PLUGIN) or {}
    return [item for item in options.get("languages") or [] if isinstance(item, dict)]


def _search_languages(declared, languages: tuple[str, ...]) -> list[str]:
    """``declared`` (a code or a list) plus each of ``languages`` that lunr.js knows."""
    found = [declared] if isinstance(declared, str) else list(declared or [])
    found += [lang for lang in languages if lang not in found and lunr_knows(lang)]
    return found


def _name(plugin) -> str:
    return next(iter(plugin)) if isinstance(plugin, dict) else str(plugin)


def _plugin_options(plugins: list, name: str) -> dict | None:
    for plugin in plugins:
        if _name(plugin) == name:
            return plugin.get(name) if isinstance(plugin, dict) else {}
    return None


# -- the public site ------------------------------------------------------------------------
PUBLIC_NAV = "public_nav"
"""``extra.public_nav`` in ``mkdocs.yml``: the navigation links the public site may show."""
_LINK = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|/)", re.IGNORECASE)
"""A nav entry that is a link, not a page: ``https://...``, ``mailto:...``, ``//host``, ``/path``."""


def public_overrides(kb: KnowledgeBase, raw: dict, plugins: list) -> dict:
    """What the public site's MkDocs configuration changes: its ``nav`` (and each
    language's) without the links not listed in ``extra.public_nav``, and ``plugins``.

    Raises :class:`ConfigError` (at the line of ``mkdocs.yml``) when ``site_url`` is missing or
    not an absolute http(s) URL (every sitemap entry and language link is made from it), or
    ``extra.public_nav`` is not a list of URLs.
    """
    require_site_url(kb, raw.get("site_url"), "site_url")
    declared = (raw.get("extra") or {}).get(PUBLIC_NAV) or []
    if not isinstance(declared, list) or not all(isinstance(u, str) for u in declared):
        raise _config_error(kb, f"extra.{PUBLIC_NAV}", "site.public-nav",
                            f"extra.{PUBLIC_NAV} must be a list of the navigation URLs the "
                            f"public site may show, got {declared!r}")
    allowed = frozenset(declared)
    plugins = copy.deepcopy(plugins)
    for language in _kb_languages(plugins):
        if language.get("nav") is not None:
            language["nav"] = public_nav(language["nav"], allowed)
    overrides: dict = {"plugins": plugins}
    if raw.get("nav") is not None:
        overrides["nav"] = public_nav(raw["nav"], allowed)
    return overrides


def require_site_url(kb: KnowledgeBase, value: object, key: str) -> str:
    """``value`` (the ``site_url`` read at ``key``) when it is an absolute http(s) URL;
    else raises :class:`ConfigError` naming ``mkdocs.yml`` and the line."""
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
    except ValueError:  # a malformed address ("http://[::1")
        parts = None
    if parts is not None and parts.scheme in ("http", "https") and parts.hostname \
            and value == value.strip():
        return value
    example = "site_url: https://help.example.com/"
    if value is None:
        message = (f"the public site needs site_url, the address customers read it at ({example}):"
                   " the sitemap and the links between languages are made from it")
    else:
        message = f"site_url must be an absolute http(s) URL such as {example[10:]}, got {value!r}"
    if config_file(kb) == DEFAULT_CONFIG:
        message += "; the knowledge base has no mkdocs.yml: create one with site_url"
    raise _config_error(kb, key, "site.site-url", message)


def public_nav(nav: list, allowed: frozenset[str]) -> list:
    """``nav`` without the links (``_LINK``) that are not in ``allowed``; sections left
    empty go too. Pages and folders stay (the site drops the ones it does not publish)."""
    kept = []
    for item in nav:
        title, value = (next(iter(item.items())) if isinstance(item, dict) and len(item) == 1
                        else (None, item))
        if isinstance(value, list):
            children = public_nav(value, allowed)
            if children:
                kept.append({title: children} if title is not None else children)
        elif not (isinstance(value, str) and _LINK.match(value) and value not in allowed):
            kept.append(item)
    return kept


def _config_error(kb: KnowledgeBase, key: str, code: str, message: str) -> ConfigError:
    file = config_file(kb)
    name = file.name if file == DEFAULT_CONFIG else file.relative_to(kb.root).as_posix()
    line = _line_of(file, key.rpartition(".")[2]) if file != DEFAULT_CONFIG else 0
    return ConfigError.of(name, [error(name, line, code, message)])


def _line_of(file: Path, key: str) -> int:
    """The first line of ``file`` setting ``key`` (``key:`` at any indent), else 0."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 0)

