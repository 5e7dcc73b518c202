"""Telling mostly-UTF-8 bytes from bytes in another charset.

A UTF-8 file with a few bad bytes (a truncated character, a stray byte from a copy and paste) is
still UTF-8: decoding it in a guessed charset turns every "é" of it into "Ã©". A file in
another charset (cp1252, latin-1, cp1251) is almost never valid multi-byte UTF-8 anywhere. So
the share of invalid sequences among the non-ASCII ones decides.
"""

from __future__ import annotations

import codecs

#: The largest share of invalid sequences among non-ASCII sequences that is still UTF-8.
MOST_INVALID = 0.2
_REPLACEMENT = "\ufffd"
_ENCODED_REPLACEMENT = _REPLACEMENT.encode("utf-8")


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
