"""Readers' "Was this helpful?" votes on the public site: the vote log, which page is which
article, and the report of unhelpful articles.

- :mod:`~kbtools.feedback.votes`: one JSON line per vote under the state folder
  (``.kb/feedback.jsonl``), appended by ``kb serve --public``'s ``POST /api/feedback``, bounded
  in size, read back by the reports;
- :mod:`~kbtools.feedback.pages`: which repo article a public page URL shows (``ru/faq/refund/``
  -> ``docs/faq/refund.ru.md``, or the English source for a fallback page);
- :mod:`~kbtools.feedback.report`: votes per article and language, the unhelpful ones first
  (``kb gaps`` and the content health page show it).
"""

from kbtools.feedback.pages import page_paths
from kbtools.feedback.report import MIN_VOTES, ArticleVotes, unhelpful, unhelpful_articles
from kbtools.feedback.votes import Vote, entries, log_path, record

__all__ = ["MIN_VOTES", "ArticleVotes", "Vote", "entries", "log_path", "page_paths", "record",
           "unhelpful", "unhelpful_articles"]
