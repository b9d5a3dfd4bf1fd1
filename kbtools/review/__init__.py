"""Keeping articles current: review due dates, the stale report, ``kb review`` and the content
health page."""
