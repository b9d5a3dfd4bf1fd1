"""What MkDocs logs that kb leaves out: the notices of the ``dirty`` builds kb runs on purpose
(each language after the first into the site's folder, :mod:`.languages`; the pages the
page cache put in place, :mod:`.skipping`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

_NESTED_NOISE = ("A 'dirty' build is being performed", "Documentation built in",
                 "Building documentation to directory", "The directory contains stale files")
"""What MkDocs logs for each ``dirty`` build kb runs: one site is being built, its other
languages are written beside the root's files and the cache's pages are in place on
purpose."""


@contextlib.contextmanager
def quiet_dirty_notices() -> Iterator[None]:
    """Leave out what MkDocs logs about a ``dirty`` build (:data:`_NESTED_NOISE`) while
    kb runs one on purpose (its languages into one folder, pages skipped from the cache)."""
    logger = logging.getLogger("mkdocs.commands.build")
    quiet = _Quiet()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_NESTED_NOISE)
