"""The ``kb`` command line: a thin front-end over the kbtools library.

Each module in this package is named after the command it adds to :data:`main` and is
imported only when that command runs (see :class:`~kbtools.cli.app.KBGroup`); a new command
is a new module and a line in :data:`~kbtools.cli.app.COMMANDS` (its short help, which
``kb --help`` shows without importing it).
"""

from __future__ import annotations

from kbtools.cli.app import main

__all__ = ["main"]
