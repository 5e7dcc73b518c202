"""Reference line filters the cleaner is compared with (True = keep the line).

- C4 (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified Text-to-Text
  Transformer", JMLR 21(140), sec. 2.2; tensorflow-datasets ``c4_utils``): keep only lines that
  end in terminal punctuation and have at least 3 words; drop lines mentioning "javascript" or a
  cookie/terms/privacy policy. C4 drops whole pages containing "lorem ipsum"; here the line goes.
- FineWeb (Penedo et al. 2024) runs datatrove's ``C4QualityFilter`` with
  ``filter_no_terminal_punct=False``: the same rules without the terminal-punctuation one.

The page-level rules of both (minimum sentences, curly brackets, bad words) have no line
equivalent and are left out.
"""

from __future__ import annotations

from collections.abc import Callable

# "." covers "..."; "…" and closing quotation marks are added to C4's (. ! ? ").
TERMINAL = (".", "!", "?", '"', "'", "…", "”", "’", "»", "«", "„", "“")
POLICY = (
    "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies",
    "use cookies",
)
MIN_WORDS = 3


def fineweb_keep(line: str) -> bool:
    """FineWeb's C4 line rules: enough words, no javascript / policy / lorem ipsum text."""
    lowered = line.lower()
    return (
        len(line.split()) >= MIN_WORDS
        and "javascript" not in lowered
        and "lorem ipsum" not in lowered
        and not any(p in lowered for p in POLICY)
    )


def c4_keep(line: str) -> bool:
    """C4's line rules: FineWeb's plus the line must end in terminal punctuation."""
    return line.rstrip().endswith(TERMINAL) and fineweb_keep(line)


BASELINES: dict[str, Callable[[str], bool]] = {
    "no cleaning": lambda line: True,
    "C4 line rules": c4_keep,
    "FineWeb line rules": fineweb_keep,
}
