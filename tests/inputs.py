"""Real inputs written by the tests: an article as text, the same article as an HTML page, and
the compressions cleaner unpacks."""

import bz2
import gzip
import lzma

import zstandard

#: Compressed file suffix -> compress function (bzip2 in 100 kB blocks, so that half of a test
#: stream holds whole blocks, as a real dump does).
PACK = {".gz": gzip.compress, ".zst": zstandard.ZstdCompressor().compress,
        ".bz2": lambda data: bz2.compress(data, 1), ".xz": lzma.compress}

ARTICLE = (
    "Harbour bridge to close for repairs\n\n"
    "Share\n\n"
    "The harbour bridge will close for six weeks from Monday while engineers replace worn "
    "expansion joints, the port authority said.\n\n"
    "Advertisement\n\n"
    "Drivers are advised to use the ring road, which will have an extra lane during the works.\n"
)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour bridge to close for repairs</title>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<main><article>
<h1>Harbour bridge to close for repairs</h1>
<p>The harbour bridge will close for six weeks from Monday while engineers replace worn
expansion joints, the port authority said on Tuesday.</p>
<p>Share</p>
<p>Drivers are advised to use the ring road, which will have an extra lane during the works,
and buses will be diverted through the old town.</p>
<p>Advertisement</p>
<p>The authority said the joints had reached the end of their design life after forty years
of heavy traffic and salt spray from the harbour.</p>
<p>Subscribe to our newsletter</p>
<p>Local businesses near the bridge have asked for help with lost trade, and the council said
it would consider a support scheme next month.</p>
</article></main>
<footer><p>© 2024 Harbour Times. All rights reserved.</p></footer>
</body></html>
"""
