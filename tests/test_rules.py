"""Named rules: widespread chrome each rule must decide, and article lines it must leave alone."""

from __future__ import annotations

import pytest

from cleaner.rules import RuleSet

MATCHES = [
    ("Teilen mit:", "share_bar"),
    ("Gefällt mir Wird geladen …", "loading"),
    ("3 Bloggern gefällt das:", "counter"),
    ("Auch lesen: Diese 3 Sternzeichen verschenken ihr Herz", "read_more"),
    ("LE PUEDE INTERESAR: La ficha del expresidente en Nueva York", "read_more"),
    ("Czytaj też", "read_more"),
    ("Ten tekst przeczytasz w mniej niż minutę", "reading_time"),
    ("Reply", "comments"),
    ("Create an account or sign in to comment", "comments"),
    ("$130 Add to cart", "shop_button"),
    ("Sale price", "shop_button"),
    ("Join Date: Aug 2008", "forum_meta"),
    ("By signing up, you agree to our Privacy Policy & Terms and Conditions.", "cookie_button"),
    ("Sign up for our newsletter to get the latest in streaming and entertainment.",
     "newsletter_line"),
    ("Get the best of Creative Boom delivered to your inbox weekly", "newsletter_line"),
    ("Vorschau auf den nächsten Artikel", "pager"),
    ("People who viewed this item also viewed", "related_heading"),
    ("Last modified November 18, 2025", "dateline"),
]

LEFT_ALONE = [
    "Like many others, she left.",
    "Reply to the minister came late.",
    "Posts on social media drew criticism.",
    "Mehr zu tun gibt es nicht.",
    "Lea said she would come.",
    "The newsletter was founded in 1998 by two reporters.",
    "Regular prices rose 4% last year.",
    "Free shipping costs retailers billions, analysts say.",
]


@pytest.mark.parametrize(("line", "name"), MATCHES)
def test_rule_decides_line(line: str, name: str) -> None:
    hit = RuleSet().match(line)
    assert hit.rule is not None and hit.rule.name == name, hit.rule


@pytest.mark.parametrize("line", LEFT_ALONE)
def test_article_line_not_decided_by_a_rule(line: str) -> None:
    assert RuleSet().match(line).rule is None
