"""kbtools: the tooling of a markdown-first support knowledge base.

The package is a library first; ``kbtools.cli`` is a thin front-end over it.
"""

__version__ = "0.1.0"
