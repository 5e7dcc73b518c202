"""The types that flow through the pipeline: labels, lines and per-line decisions."""

from __future__ import annotations

from dataclasses import dataclass

#: Every non-blank line gets exactly one of these labels.
LABELS: tuple[str, ...] = (
    "content",
    "title",
    "donation_appeal",
    "subscription_paywall",
    "signup_prompt",
    "cookie_legal",
    "ui_message",
    "navigation_share",
    "related_promo",
    "ad_sponsored",
    "caption_credit",
    "byline_meta",
    "comments_prompt",
)

#: Labels that belong to the article itself; kept by the default policy.
ARTICLE_LABELS: frozenset[str] = frozenset({"content", "title"})

#: Labels that are not the article.
BOILERPLATE_LABELS: tuple[str, ...] = tuple(lb for lb in LABELS if lb not in ARTICLE_LABELS)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the input, as it was (without its line break)."""

    number: int  # 1-based, as in an editor and in ../shared/seeds/labels
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True, slots=True)
class Decision:
    """What happened to one non-blank line, and why.

    ``score`` is the final probability that the line is boilerplate; ``reason`` names what
    decided: ``rule:<name>``, ``model``, or a context step such as ``context`` or
    ``block:<name>`` when the line's neighbours changed the line-level verdict; ``…:again``
    when it went in a later round, once the boilerplate around it was gone.
    """

    number: int
    text: str
    label: str
    keep: bool
    score: float
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.number,
            "label": self.label,
            "keep": self.keep,
            "score": round(self.score, 4),
            "reason": self.reason,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Result:
    """A cleaned document: the rendered text and one decision per non-blank line.

    ``skipped`` says why a document was not cleaned at all (an HTML page with no main text:
    extract.NO_TEXT_EXTRACTED), its text then empty and without decisions; else None.
    """

    text: str
    decisions: tuple[Decision, ...]
    skipped: str | None = None

    @property
    def removed(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if not d.keep)
