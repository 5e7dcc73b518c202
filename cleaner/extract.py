"""HTML to text: decode the bytes, then let trafilatura find the main text.

The cleaner works on lines of text; for HTML input this module is the only place that knows how
the text is obtained, so the corpora code (training, evaluation) and the command line agree.
"""

from __future__ import annotations

from collections.abc import Callable

from cleaner.utf8 import Decoded, declared_charset, decode

Settings = dict[str, object]
# An extraction: (HTML text, settings) -> the page's text.
Extractor = Callable[[str, Settings], str]

# Every trafilatura setting behind the "text mode" input (trafilatura's favor_recall text, on
# which the model is trained and evaluated); part of the extraction cache key.
TEXT_MODE_SETTINGS: Settings = {"favor_recall": True}
# trafilatura's own default extraction, the reference HTML mode must beat.
DEFAULT_SETTINGS: Settings = {"include_comments": False, "include_tables": True}
# The settings of HTML mode (`cleaner clean page.html`), chosen on the train split by
# `python benchmarks/quality.py --split train --candidates`: trafilatura's default text, cleaned,
# scored best (WCXB mean word F1 0.8388 against 0.8176 over favor_recall text and 0.8348 with
# comments; trafilatura snippet F1 0.9299, 0.9282, 0.9304). favor_recall loses recall in
# extraction that no line filter wins back (oracle 0.8461 against 0.8618).
HTML_MODE_SETTINGS: Settings = DEFAULT_SETTINGS

#: Why an HTML page gives no cleaned text: the batch's ``skipped`` reason and Result.skipped.
NO_TEXT_EXTRACTED = "no text extracted (trafilatura found no main text)"


def decode_bytes(data: bytes) -> str:
    """Bytes as text, as decode_page says."""
    return decode_page(data).text


def decode_page(data: bytes) -> Decoded:
    """A page's bytes as text (cleaner.utf8.decode): UTF-8, the charset the page declares in a
    <meta> tag, else line by line with a guessed charset for the lines that are not UTF-8."""
    return decode(data, declared_charset(data))


def extract_text(
    html: str, settings: Settings = TEXT_MODE_SETTINGS, url: str | None = None
) -> str:
    """The trafilatura text of a page ("" when trafilatura finds nothing). ``url``, the page's
    address, names it in trafilatura's log and resolves links, which this text does not show."""
    import trafilatura

    return trafilatura.extract(html, url=url, **settings) or ""


def html_to_text(page: bytes | str, url: str | None = None,
                 guessed: Callable[[str], None] | None = None) -> str:
    """An HTML page as the text HTML mode cleans: a file's bytes (decoded as decode_page says;
    ``guessed`` hears the charset when it was guessed) or its text."""
    if isinstance(page, str):
        html = page
    else:
        decoded = decode_page(page)
        html = decoded.text
        if decoded.guessed and guessed is not None:
            guessed(decoded.guessed)
    return extract_text(html, HTML_MODE_SETTINGS, url)
