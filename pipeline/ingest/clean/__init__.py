"""Cleaning, used by every ingester: remove injected SEO spam (spam.py), site furniture (furniture.py) and
hidden elements (hidden.py) from pages. Word lists are data (pipeline/ingest/data/)."""
from pipeline.ingest.clean.furniture import is_furniture, strip_boilerplate
from pipeline.ingest.clean.hidden import remove_hidden
from pipeline.ingest.clean.spam import clean_title, is_spam_text, spam_score, strip_spam, strip_title_tag

__all__ = ["clean_title", "is_furniture", "is_spam_text", "remove_hidden", "spam_score", "strip_boilerplate",
           "strip_spam", "strip_title_tag"]
