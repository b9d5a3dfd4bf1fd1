"""The two static sites built from one knowledge base: the internal agent site and the public
multilingual FAQ.

``build(kb, which=("internal", "public"), *, out=None) -> BuildReport`` is the use case;
``kbtools.mkdocs_plugin`` is the thin MkDocs adapter that calls :mod:`.render` per page.
Other features add pages through :mod:`kbtools.pages` (generated pages and kind renderers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbtools.sites.site import INTERNAL, PUBLIC, SITES, Site

if TYPE_CHECKING:
    from kbtools.sites.builder import BuildReport, SiteBuildError, SiteReport, build

__all__ = ["build", "BuildReport", "SiteReport", "SiteBuildError", "SITES", "Site",
           "INTERNAL", "PUBLIC"]

_BUILDER = frozenset({"build", "BuildReport", "SiteReport", "SiteBuildError"})


def __getattr__(name: str):
    """The builder (and MkDocs with it) is imported on first use, not by every command that
    only needs a site's paths: ``kb search`` starts without loading MkDocs."""
    if name in _BUILDER:
        from kbtools.sites import builder

        return getattr(builder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
