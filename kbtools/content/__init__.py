"""The content model: settings, owners, shared facts, macros, Markdown, typed articles and the
one loader every tool reads through."""
