"""How often each charset detector reads short legacy-encoded text right.

Real lines of the corpora's pages (../shared/corpora: trafilatura's text of the pages of
trafilatura's dev set and of WCXB, read here, never copied into the repository) in English,
German, French, Spanish, Polish and Russian, cut to 50, 110 and 300 bytes and encoded in each
language's legacy charsets (cp1252 and latin-1; cp1250 and iso-8859-2; cp1251 and koi8-r).
A detector is right when decoding the bytes in the charset it names gives the original text
back (latin-1 named for a cp1252 text without cp1252's extra characters is right). Only
snippets with a non-ASCII character are counted: ASCII reads the same in every charset here.
Pages are read through cleaner's extraction cache (trafilatura runs once per page).

    python benchmarks/charsets.py [--per-language 300]

The table is in docs/reliability.md ("Charset detection").
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator

from cleaner.training.corpora import default_cache_dir, extracted_texts, find_shared, load_pages

LENGTHS = (50, 110, 300)
CHARSETS = {"en": ("cp1252", "latin-1"), "de": ("cp1252", "latin-1"),
            "fr": ("cp1252", "latin-1"), "es": ("cp1252", "latin-1"),
            "pl": ("cp1250", "iso-8859-2"), "ru": ("cp1251", "koi8-r")}
# A line's language by the letters only it uses among the six (English: ASCII letters with
# typographic punctuation, the non-ASCII characters of an English page).
_LANGUAGE = [("ru", re.compile(r"[а-яё]{3}", re.I)), ("pl", re.compile(r"[ąęłńśźż]", re.I)),
             ("de", re.compile(r"[äöüß]", re.I)), ("es", re.compile(r"[ñ¿¡]|ción\b", re.I)),
             ("fr", re.compile(r"[èêçœ]|é\w* [dl]es\b", re.I)),
             ("en", re.compile(r"^[\x00-\x7f‘’“”–—…]+$"))]
_WORDS = re.compile(r"\b(the|and|of|der|und|die|les|des|est|los|las|que|się|nie|и|в|не)\b",
                    re.I)


def language(line: str) -> str | None:
    for lang, pattern in _LANGUAGE:
        if pattern.search(line):
            return lang
    return None


def snippets(per_language: int) -> dict[str, list[str]]:
    """Up to ``per_language`` texts of 300 characters per language, each from a page's
    trafilatura text (lines shorter are joined with the next), starting a few words before
    its first non-ASCII character, in corpus order; pages in cleaner's extraction cache."""
    shared = find_shared()
    if shared is None:
        sys.exit("../shared/corpora not found")
    found: dict[str, list[str]] = {lang: [] for lang in CHARSETS}
    for corpus in ("traf", "wcxb"):
        pages = load_pages(shared, corpus)
        for page_text in extracted_texts(pages, default_cache_dir()):
            for text in _runs(page_text.splitlines()):
                lang = language(text)
                if lang and len(found[lang]) < per_language and _WORDS.search(text):
                    found[lang].append(text)
    return found


def _runs(lines: list[str]) -> Iterator[str]:
    """Runs of lines of 300 characters from a few words before a non-ASCII character."""
    run = ""
    for line in lines:
        run = f"{run} {line.strip()}".strip()
        first = next((i for i, ch in enumerate(run) if not ch.isascii()), None)
        if first is None:
            run = run[-max(LENGTHS):]
            continue
        start = run.rfind(" ", 0, max(0, first - 20)) + 1
        if len(run) - start >= max(LENGTHS):
            yield run[start:start + max(LENGTHS)]
            run = ""


def _normalizer(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return best.encoding if best else None


def _chardet(data: bytes) -> str | None:
    import chardet

    return chardet.detect(data)["encoding"]


def _cchardet(data: bytes) -> str | None:
    import cchardet

    return cchardet.detect(data)["encoding"]


def _cleaner(data: bytes) -> str | None:
    """cleaner.utf8's guess: chardet among the web's and the ISO 8859 charsets."""
    from cleaner.utf8 import guess_charset

    return guess_charset(data)


DETECTORS: dict[str, Callable[[bytes], str | None]] = {
    "charset-normalizer": _normalizer, "cchardet": _cchardet, "chardet": _chardet,
    "cleaner (chardet, web and ISO charsets)": _cleaner}


def right(data: bytes, text: str, charset: str | None) -> bool:
    try:
        return charset is not None and data.decode(charset) == text
    except (LookupError, UnicodeDecodeError):
        return False


def measure(found: dict[str, list[str]], detectors: dict[str, Callable]) -> dict:
    """Per (language, charset, length): snippets tried and how many each detector read right."""
    table: dict[tuple[str, str, int], Counter] = {}
    for lang, texts in found.items():
        for charset in CHARSETS[lang]:
            for length in LENGTHS:
                counts = table.setdefault((lang, charset, length), Counter())
                for text in texts:
                    cut = text[:length].rsplit(" ", 1)[0] if len(text) > length else text
                    if cut.isascii():
                        continue
                    try:
                        data = cut.encode(charset)
                    except UnicodeEncodeError:
                        continue  # a character this charset lacks: no such file exists
                    counts["tried"] += 1
                    for name, detect in detectors.items():
                        counts[name] += right(data, cut, detect(data))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-language", type=int, default=300)
    args = parser.parse_args()
    detectors = {}
    for name, detect in DETECTORS.items():
        try:
            detect(b"probe")
        except ImportError:
            print(f"({name} is not installed: left out)", file=sys.stderr)
        else:
            detectors[name] = detect
    table = measure(snippets(args.per_language), detectors)
    print("| language | charset | bytes | snippets | " + " | ".join(detectors) + " |")
    print("|---|---|---:|---:|" + "---:|" * len(detectors))
    totals: dict[int, Counter] = {length: Counter() for length in LENGTHS}
    for (lang, charset, length), counts in table.items():
        totals[length].update(counts)
        if counts["tried"]:
            print(f"| {lang} | {charset} | {length} | {counts['tried']} | "
                  + " | ".join(f"{counts[d] / counts['tried']:.0%}" for d in detectors) + " |")
    for length, counts in totals.items():
        print(f"| **all** | | {length} | {counts['tried']} | "
              + " | ".join(f"**{counts[d] / counts['tried']:.1%}**" for d in detectors) + " |")


if __name__ == "__main__":
    main()
