"""The ``kb`` command line: a thin front-end over the kbtools library.

Every module in this package adds its commands to :data:`main`; they are imported here, so a
new command is a new module and nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil

from .app import main

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name != "app":
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["main"]
