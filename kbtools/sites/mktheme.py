"""The theme of a kb build: MkDocs' :class:`~mkdocs.theme.Theme`, whose template listing
leaves hidden folders out.

Every MkDocs build lists all of its theme's files (``Files.add_files_from_theme``) to copy
the static ones, then drops every name with a hidden part (``.*``, ``*/.*``). Material keeps
its 14,000 icons in ``.icons/``: listing and matching them took 3-5 % of a rebuild after an
edit, once per language of each site. :class:`ListedTheme` gives MkDocs a Jinja loader that
does not walk hidden folders (:class:`VisibleLoader`); the files a build copies are the
same, and every template, the icons included, still loads by its name.

The templates compile once, not once per language and build: :func:`bytecode_cache` keeps
Jinja's bytecode in the KB's state folder.
"""

from __future__ import annotations

import os

import jinja2
from mkdocs.theme import Theme


def bytecode_cache(kb) -> jinja2.FileSystemBytecodeCache:
    """Jinja's bytecode cache of the KB (``<state_dir>/cache/jinja``)."""
    folder = kb.config.path(kb.config.state_dir) / "cache" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


class VisibleLoader(jinja2.FileSystemLoader):
    """A :class:`jinja2.FileSystemLoader` whose :meth:`list_templates` leaves out the
    names with a hidden part (a file or folder whose name starts with ``.``), without
    walking hidden folders. Loading a template by its name is unchanged."""

    def list_templates(self) -> list[str]:
        found = set()
        for searchpath in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=self.followlinks):
                dirnames[:] = [name for name in dirnames if not name.startswith(".")]
                folder = os.path.relpath(dirpath, searchpath).replace(os.path.sep, "/")
                prefix = "" if folder == "." else folder + "/"
                found.update(prefix + name for name in filenames if not name.startswith("."))
        return sorted(found)


class ListedTheme(Theme):
    """A :class:`~mkdocs.theme.Theme` whose environment lists templates with a
    :class:`VisibleLoader` (see the module's doc)."""

    @classmethod
    def like(cls, theme: Theme, overrides: str | None = None) -> ListedTheme:
        """The same theme as ``theme``: name, folders, settings, language and static pages;
        with the folder ``overrides`` (kb's templates and assets) right after the user's
        ``custom_dir`` when it is not among its folders yet. ``theme`` itself when it is
        listed already and has it."""
        if not isinstance(theme, cls):
            settings = {k: v for k, v in theme.items() if k not in ("name", "locale")}
            listed = cls(theme.name, custom_dir=theme.custom_dir, locale=str(theme.locale),
                         **settings)
            listed.dirs = list(theme.dirs)
            listed.static_templates = set(theme.static_templates)
            theme = listed
        if overrides is not None and overrides not in theme.dirs:
            theme.dirs.insert(1 if theme.custom_dir else 0, overrides)
        return theme

    def get_env(self) -> jinja2.Environment:
        env = super().get_env()
        env.loader = VisibleLoader(self.dirs)
        return env
