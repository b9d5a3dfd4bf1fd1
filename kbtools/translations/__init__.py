"""Translations: verdicts (current, outdated, ...), the report with git history, machine drafts
and the translation status pages."""
