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
