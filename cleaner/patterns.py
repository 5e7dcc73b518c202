"""A user's own rules (``--patterns FILE``): whole lines that always get a given label.

One rule a line, ``label<TAB>literal text`` or ``label<TAB>re:regex``; blank lines and lines
starting with ``#`` are ignored. A literal matches a line equal to it ignoring case, surrounding
whitespace and runs of whitespace; a regex (Python syntax) must match the whole line with its
surrounding whitespace removed. A matching line gets the rule's label, the decision that label
has under the keep policy, and the reason ``pattern:<line number in the file>``. User rules are
applied after every built-in step, so they have the last word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.document import LABELS


class PatternError(ValueError):
    """A patterns file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class UserRule:
    """One user rule: ``name`` is its line number in the patterns file."""

    name: str
    label: str
    regex: re.Pattern[str]

    def matches(self, text: str) -> bool:
        return self.regex.fullmatch(text.strip()) is not None


def parse_patterns(text: str, origin: str = "<patterns>") -> tuple[UserRule, ...]:
    """User rules from the text of a patterns file; errors name ``origin`` and the line."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{origin}:{number}"
        label, tab, body = line.partition("\t")
        label = label.strip()
        if not tab or not body.strip():
            raise PatternError(f"{where}: expected 'label<TAB>text' or 'label<TAB>re:regex'")
        if label not in LABELS:
            raise PatternError(f"{where}: unknown label {label!r}; known: {', '.join(LABELS)}")
        if body.startswith("re:"):
            try:
                regex = re.compile(body[3:])
            except re.error as exc:
                raise PatternError(f"{where}: bad regex {body[3:]!r}: {exc}") from None
        else:
            words = body.split()
            regex = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
        rules.append(UserRule(str(number), label, regex))
    return tuple(rules)


def load_patterns(path: Path) -> tuple[UserRule, ...]:
    """User rules from a UTF-8 patterns file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatternError(f"{path}: cannot read patterns file ({exc})") from None
    return parse_patterns(text, str(path))


def first_match(rules: Sequence[UserRule], text: str) -> UserRule | None:
    """The first user rule (in file order) that matches the whole line ``text``."""
    return next((rule for rule in rules if rule.matches(text)), None)
