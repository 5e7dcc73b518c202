"""HTML mode's extraction: real trafilatura on a small real-world-shaped page."""

from __future__ import annotations

from cleaner.extract import DEFAULT_SETTINGS, extract_text, html_to_text

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}"><title>Night buses return to all lines</title>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/login">Log in</a></li></ul></nav></header>
<div id="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<main><article>
<h1>Night buses return to all lines</h1>
<p class="byline">By Jane Doe, 12 March 2024</p>
<p>The city council voted on Tuesday to bring night buses back to every line from next month,
ending a two-year pause that had left shift workers without a way home after midnight.</p>
<p>The mayor said the plan would pay for itself within ten years, because fewer people would
need taxis and the depots already employ the drivers during the day.</p>
<p>Residents of the northern districts, where the last bus now leaves at half past eleven,
welcomed the decision. «It changes everything for the nurses on our street», said Ana Müller,
who runs the bakery on Lindenstraße.</p>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
</article>
<section id="comments"><h2>Comments</h2><ol class="commentlist">
<li class="comment"><p>Finally! I have been walking home from the hospital for two years now and
nobody at the council seemed to care about people who work at night.</p></li>
</ol></section></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Ten things to do this weekend</a></li>
<li><a href="/b">Weather: storm warning for the coast</a></li></ul></aside>
<footer><p>© 2024 City Daily. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def page(charset: str = "utf-8") -> bytes:
    return PAGE.format(charset=charset).encode(charset)


def test_html_to_text_keeps_the_article_and_drops_the_chrome() -> None:
    text = html_to_text(page())
    assert "ending a two-year pause" in text
    assert "said Ana Müller" in text
    # HTML mode starts from trafilatura's default text: comments are not the article.
    for chrome in ("Log in", "Ten things to do this weekend", "All rights reserved",
                   "walking home from the hospital"):
        assert chrome not in text


def test_html_to_text_reads_other_charsets_alike() -> None:
    plain = html_to_text(page())
    assert plain
    assert html_to_text(page("iso-8859-1")) == plain


def test_extract_text_follows_its_settings() -> None:
    html = page().decode("utf-8")
    comment = "walking home from the hospital"
    assert comment not in extract_text(html, DEFAULT_SETTINGS)
    assert comment in extract_text(html, {**DEFAULT_SETTINGS, "include_comments": True})
    assert extract_text("<html><body></body></html>", DEFAULT_SETTINGS) == ""
