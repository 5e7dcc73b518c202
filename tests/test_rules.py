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
    ("Hoppla! Da ist etwas schiefgelaufen.", "went_wrong"),
    ("Huch, da ist leider etwas schief gelaufen.", "went_wrong"),
    ("Oups ! Une erreur est survenue.", "went_wrong"),
    ("¡Vaya! Algo salió mal.", "went_wrong"),
    ("Inscrivez-vous à notre lettre quotidienne", "newsletter_line"),
    ("Melden Sie sich für unseren Newsletter an", "newsletter_line"),
    ("Подпишитесь на нашу рассылку", "newsletter_line"),
    ("Descarga nuestra app", "newsletter_line"),
    ("Partager sur Facebook", "share_bar"),
    ("Leer más", "read_more"),
    ("Crédit photo : Reuters", "photo_credit"),
    ("Abonnez-vous pour lire la suite", "paywall_line"),
    ("Dieser Artikel ist nur für Abonnenten verfügbar.", "paywall_line"),
    ("We use cookies to improve your experience.", "cookie_line"),
    ("Diese Website verwendet Cookies.", "cookie_line"),
    ("Utilizamos cookies propias y de terceros.", "cookie_line"),
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
    "Bei der Wahl ist etwas schiefgelaufen, sagte der Minister.",
    "Many websites use cookies to track their visitors across the web.",
    "We use cookies to track you, the regulator said. It fined the firm.",
    "Die Zeitung verwendet Cookies, schrieb der Datenschutzbeauftragte.",
]


@pytest.mark.parametrize(("line", "name"), MATCHES)
def test_rule_decides_line(line: str, name: str) -> None:
    hit = RuleSet().match(line)
    assert hit.rule is not None and hit.rule.name == name, hit.rule


@pytest.mark.parametrize("line", LEFT_ALONE)
def test_article_line_not_decided_by_a_rule(line: str) -> None:
    assert RuleSet().match(line).rule is None


# Lines that probe where RE2 and Python's re differ: Unicode word characters and digits, word
# boundaries after non-ASCII letters, white space other than spaces, long lines, many scripts.
SCREEN_PROBES = [
    "Фото: Иван Петров", "Foto: Øystein Ærø / NTB", "Bild: Zoë Ünal", "© 2024 Société Générale",
    "Page ٣ of ٧", "Seite 2 von 5", "1 2 3 4 5 next", "١٢٣ shares", "12\u00a0345 views",
    "Newsletter\tabonnieren", "ÉDONATIONS", "édonation", "Ädonate now", "x" * 400,
    "Read more: " + "ä" * 300, "Home › Ünterseite › Ärger", "By Åsa Öberg and José Núñez",
    "Cookie\u2009Policy", "Spende\u3000jetzt", "", "   ", "•", "— Share — Tweet —",
    # Lone surrogates (text decoded with surrogateescape): no UTF-8 for RE2, Python's re decides.
    "Photo: Andr\udce9 Dupont", "Share on Facebook \udc80", "\udcff",
]


def test_screened_matching_gives_the_same_hits_as_line_by_line() -> None:
    """With google-re2, match_many screens a batch in one pass; the hits must be those of
    matching line by line with Python's re alone, on the team's lines, ui-strings of every
    language (when ../shared is there) and lines that probe where the two engines differ."""
    pytest.importorskip("re2", reason="google-re2 (the fast extra) is not installed")
    from pathlib import Path

    from cleaner.training.corpora import find_shared

    root = Path(__file__).resolve().parent.parent
    lines = list(SCREEN_PROBES) + [line for line, _ in MATCHES] + LEFT_ALONE
    for path in sorted((root / "data" / "lines").glob("*.tsv")):
        lines += [row.partition("\t")[2] for row in path.read_text(encoding="utf-8").splitlines()]
    for path in sorted((root / "data" / "articles").glob("*/*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    shared = find_shared()
    strings = shared / "corpora" / "ui-strings" / "strings.tsv" if shared else None
    if strings and strings.exists():
        rows = strings.read_text(encoding="utf-8").splitlines()[1:]
        lines += [row.split("\t")[2] for row in rows]
    screened, plain = RuleSet(), RuleSet(screen=False)
    assert screened._screen is not None
    assert screened.match_many(lines) == plain.match_many(lines)
    assert any(hit.rule for hit in plain.match_many(lines)) and len(lines) > 5000
