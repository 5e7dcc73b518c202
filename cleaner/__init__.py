"""cleaner: strips boilerplate from scraped article text, line by line, and says why."""

from cleaner.document import ARTICLE_LABELS, LABELS, Decision, Result
from cleaner.pipeline import Cleaner, clean, clean_html

__all__ = ["ARTICLE_LABELS", "LABELS", "Cleaner", "Decision", "Result", "clean", "clean_html"]
__version__ = "0.1.0"  # the distribution's version too (pyproject.toml reads it)
