"""The two static sites built from one knowledge base: the internal agent site and the public
multilingual FAQ.

``build(kb, which=("internal", "public"), *, out=None) -> BuildReport`` is the use case;
``kbtools.mkdocs_plugin`` is the thin MkDocs adapter that calls :mod:`.render` per page.
Other features add pages through :mod:`kbtools.pages` (generated pages and kind renderers).
"""

from __future__ import annotations

from kbtools.sites.build import BuildReport, SiteBuildError, SiteReport, build
from kbtools.sites.site import INTERNAL, PUBLIC, SITES, Site

__all__ = ["build", "BuildReport", "SiteReport", "SiteBuildError", "SITES", "Site",
           "INTERNAL", "PUBLIC"]
