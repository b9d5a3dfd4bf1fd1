"""The MkDocs configuration of a site: the KB's ``mkdocs.yml`` (or ours), fitted to the site.

``mkdocs.yml`` is the readable source of theme and navigation. Per build we only set what the
content model decides: the languages (from ``kb.yml``), which site the ``kb`` plugin builds,
the staged docs folder, the output folder, strict mode, and the public site's name.
"""

from __future__ import annotations

import copy
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils.yaml import yaml_load

from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.errors import ConfigError
from kbtools.sites.site import Site

DEFAULT_CONFIG = Path(__file__).with_name("mkdocs.yml")
LANGUAGE_NAMES = {"en": "English", "ar": "العربية", "fa": "فارسی", "ru": "Русский",
                  "sl": "Slovenščina"}
MKDOCS_PLUGIN = "kb"
I18N_PLUGIN = "i18n"


def config_file(kb: KnowledgeBase) -> Path:
    """The KB's ``mkdocs.yml``, or the package default when the KB has none."""
    own = kb.root / "mkdocs.yml"
    return own if own.exists() else DEFAULT_CONFIG


def read_raw(kb: KnowledgeBase) -> dict:
    file = config_file(kb)
    try:
        with open(file, "rb") as handle:
            raw = yaml_load(handle) or {}
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
                     site_dir: Path) -> MkDocsConfig:
    """Validate the MkDocs configuration for ``site`` (strict), built into ``site_dir``."""
    plugins = fit_plugins(raw.get("plugins") or [], site, kb.config.languages)
    return load_config(str(config_file(kb)), plugins=plugins, docs_dir=str(docs_dir),
                       site_dir=str(site_dir), strict=True, site_name=site_name(raw, site))


def fit_plugins(plugins: list, site: Site, languages: tuple[str, ...]) -> list:
    """The ``plugins`` list with the ``kb`` plugin set to ``site`` (added if missing, before
    i18n) and the i18n languages set to the KB's (names and nav titles kept from the file)."""
    plugins = copy.deepcopy(plugins)
    names = [_name(p) for p in plugins]
    if MKDOCS_PLUGIN not in names:
        position = names.index(I18N_PLUGIN) if I18N_PLUGIN in names else len(plugins)
        plugins.insert(position, {MKDOCS_PLUGIN: {}})
        names.insert(position, MKDOCS_PLUGIN)
    for index, name in enumerate(names):
        options = plugins[index][name] if isinstance(plugins[index], dict) else {}
        options = dict(options or {})
        if name == MKDOCS_PLUGIN:
            options["site"] = site.name
        elif name == I18N_PLUGIN:
            options["languages"] = _languages(options.get("languages") or [], languages)
        plugins[index] = {name: options}
    return plugins


def _languages(declared: list, languages: tuple[str, ...]) -> list[dict]:
    by_locale = {str(item.get("locale")): dict(item) for item in declared if isinstance(item, dict)}
    fitted = []
    for position, lang in enumerate(languages):
        item = by_locale.get(lang, {"locale": lang, "name": LANGUAGE_NAMES.get(lang, lang)})
        item["default"] = position == 0
        item["build"] = True
        fitted.append(item)
    return fitted


def _name(plugin) -> str:
    return next(iter(plugin)) if isinstance(plugin, dict) else str(plugin)


def _plugin_options(plugins: list, name: str) -> dict | None:
    for plugin in plugins:
        if _name(plugin) == name:
            return plugin.get(name) if isinstance(plugin, dict) else {}
    return None
