"""Bytes as text: UTF-8 where the bytes are UTF-8, a declared or guessed charset elsewhere.

A UTF-8 file with a few bad bytes (a truncated character, a stray byte from a copy and paste) is
still UTF-8: decoding it in a guessed charset turns every "é" of it into "Ã©". A file in
another charset (cp1252, latin-1, cp1251) is almost never valid multi-byte UTF-8 anywhere. So
the share of invalid sequences among the non-ASCII ones decides, line by line: a file can mix
(a UTF-8 file with a line pasted from a latin-1 one), and its UTF-8 lines are read as UTF-8,
the others in one charset guessed from them all.

The guess is chardet's, among the web's charsets and the ISO 8859 ones: on real lines of the
corpora's languages in their legacy charsets it read 98% of 50-byte snippets and 99% of 110-byte
ones right, charset-normalizer 58% and 72% (benchmarks/charsets.py, docs/reliability.md).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: The largest share of invalid sequences among non-ASCII sequences that is still UTF-8.
MOST_INVALID = 0.2
_REPLACEMENT = "\ufffd"
_ENCODED_REPLACEMENT = _REPLACEMENT.encode("utf-8")
# In a UTF-8 file, a line that is not UTF-8 is text in another charset when its other bytes
# stand in words (next to an ASCII letter, or three in a row as in a Cyrillic word), not alone
# as a stray byte or a truncated character does.
_IN_WORDS = re.compile(rb"[A-Za-z][\x80-\xff]|[\x80-\xff][A-Za-z]|[\x80-\xff]{3}")
# A charset declared in an HTML page's first bytes: <meta charset=...> or http-equiv's content.
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_WINDOW = 2048
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Decoded:
    """Text from bytes: ``replaced`` invalid UTF-8 sequences became U+FFFD; ``guessed`` names
    the charset guessed for the lines that are not UTF-8 (None when none was guessed)."""

    text: str
    replaced: int = 0
    guessed: str | None = None


def mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """``data`` as UTF-8 (a byte-order mark dropped) and how many invalid byte sequences were
    replaced with U+FFFD; None when the bytes are not mostly UTF-8: no valid multi-byte
    character, or more than MOST_INVALID of the non-ASCII sequences invalid."""
    try:
        return data.decode("utf-8-sig"), 0
    except UnicodeDecodeError:
        pass
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    text = data.decode("utf-8", errors="replace")
    replaced = text.count(_REPLACEMENT) - data.count(_ENCODED_REPLACEMENT)
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    valid = non_ascii - replaced
    if valid == 0 or replaced > MOST_INVALID * non_ascii:
        return None
    return text, replaced


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """``data`` as text: UTF-16 with a byte-order mark (when it decodes), UTF-8 (valid UTF-8
    is taken for UTF-8 whatever a page declares: it is almost never anything else), the
    ``declared`` charset when Python knows it and it decodes the bytes, or line by line as the
    module says."""
    for charset in ("utf-16", "utf-8-sig") if data.startswith(_UTF16_BOMS) else ("utf-8-sig",):
        try:
            return Decoded(data.decode(charset))
        except UnicodeDecodeError:
            pass
    if _known(declared):
        try:
            return Decoded(data.decode(declared))
        except UnicodeDecodeError:
            pass  # the declaration is wrong (a page saying UTF-8 that is not): guess
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    lines = data.split(b"\n")
    read = [mostly_utf8(line) for line in lines]
    if not any(r is not None and not line.isascii() for line, r in zip(lines, read)):
        charset = guess_charset(data)  # no UTF-8 line: the whole file is in another charset
        return Decoded(data.decode(charset, errors="replace"), 0, charset)
    foreign = [i for i, r in enumerate(read) if r is None and _IN_WORDS.search(lines[i])]
    charset = guess_charset(b"\n".join(lines[i] for i in foreign)) if foreign else None
    for i in foreign:
        read[i] = lines[i].decode(charset, errors="replace"), 0
    for i, r in enumerate(read):
        if r is None:  # stray bytes in a UTF-8 file
            text = lines[i].decode("utf-8", errors="replace")
            read[i] = text, text.count(_REPLACEMENT) - lines[i].count(_ENCODED_REPLACEMENT)
    return Decoded("\n".join(text for text, _ in read), sum(n for _, n in read), charset)


def guess_charset(data: bytes) -> str:
    """The charset chardet finds likeliest for ``data`` among the web's and the ISO 8859
    charsets (cp1252 when none fits, or when it names a Unicode encoding: these bytes are
    not UTF-8, and UTF-16 without a byte-order mark is binary data here), as a codec name."""
    import chardet

    eras = chardet.EncodingEra.MODERN_WEB | chardet.EncodingEra.LEGACY_ISO
    found = chardet.detect(data, encoding_era=eras, compat_names=False,
                           no_match_encoding="cp1252")["encoding"]
    return found if _known(found) and not found.lower().startswith("utf") else "cp1252"


def declared_charset(html: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag of its first bytes, if Python knows
    it."""
    found = _META_CHARSET.search(html[:_META_WINDOW])
    name = found.group(1).decode("ascii", errors="replace") if found else None
    return name if _known(name) else None


def _known(charset: str | None) -> bool:
    if not charset:
        return False
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True
