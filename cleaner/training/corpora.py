"""Ground-truth pages from ../shared/corpora, their trafilatura text, and noisy line labels.

The corpora are read in place at train/eval time and never copied into the repository. Pages are
split into train and held-out parts by site, so that no site's templates leak into evaluation.
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cleaner.extract import TEXT_MODE_SETTINGS, Extractor, Settings, extract_text
from cleaner.files import write_atomic

CORPORA = ("wcxb", "traf")
#: Corpora whose pages have no ground truth of their own: their lines count only where the team
#: labelled them by reading (news-pages' reference text is newspaper4k's output, not a gold).
READ_CORPORA = ("news",)
_DIRS = {"wcxb": "wcxb-dev", "traf": "traf-dev", "news": "news-pages"}

_WORD = re.compile(r"\w+")
_CANONICAL = re.compile(
    r"<(?:link|meta)\b[^>]*(?:rel=[\"']canonical[\"']|property=[\"']og:url[\"'])[^>]*>", re.I
)
_HREF = re.compile(r"(?:href|content)=[\"'](https?://[^\"']+)", re.I)
_SHORT = 4          # lines with fewer \w+ tokens need a whole-paragraph match to count as article
_KEEP_COVER = 0.8   # share of tokens in n-grams of the main content → article
_DROP_COVER = 0.2   # below this share → boilerplate
_LONG_SNIPPET = 6   # a short line inside a snippet of at least this many tokens takes its label
_DROP_ENOUGH = math.inf  # a must-drop snippet must be half a line to condemn it
_KEEP_ENOUGH = 3         # must-keep snippets are picked from article text: 3 words will do


@dataclass(frozen=True)
class Page:
    """One annotated page; ``main_content`` is None when the corpus (or page) has no full text."""

    corpus: str
    page_id: str
    site: str
    url: str
    html_path: Path
    main_content: str | None
    must_keep: tuple[str, ...]
    must_drop: tuple[str, ...]
    title: str = ""


def find_shared(start: Path | None = None) -> Path | None:
    """The shared folder ($CLEANER_SHARED, else a "shared" dir beside the repo or an ancestor)."""
    env = os.environ.get("CLEANER_SHARED")
    if env:
        return Path(env) if Path(env).is_dir() else None
    repo = Path(__file__).resolve().parents[2]
    here = (start or Path.cwd()).resolve()
    for base in (repo, *repo.parents, here, *here.parents):
        candidate = base / "shared"
        if candidate.is_dir():
            return candidate
    return None


def _site_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def load_pages(shared: Path, corpus: str) -> list[Page]:
    """All pages of one corpus, sorted by page id."""
    root = shared / "corpora" / _DIRS[corpus]
    if corpus == "wcxb":
        return _load_wcxb(root)
    if corpus == "news":
        return _load_news(root)
    return _load_traf(root)


def _load_wcxb(root: Path) -> list[Page]:
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))["files"]
    pages = []
    for gt_path in sorted((root / "ground-truth").glob("*.json")):
        page_id = gt_path.stem
        data = json.loads(gt_path.read_text(encoding="utf-8"))
        truth = data.get("ground_truth") or {}
        html_path = root / "html" / f"{page_id}.html.gz"
        url = data.get("url") or ""
        domain = (meta.get(page_id) or {}).get("domain") or _site_of(url)
        if not domain:  # a few pages have neither: ask the page itself
            url = _canonical_url(html_path)
            domain = _site_of(url) or f"unknown-{page_id}"
        pages.append(Page(
            corpus="wcxb", page_id=page_id, site=domain.lower().removeprefix("www."), url=url,
            html_path=html_path,
            main_content=truth.get("main_content") or None,
            must_keep=tuple(truth.get("with") or ()),
            must_drop=tuple(truth.get("without") or ()),
            title=truth.get("title") or "",
        ))
    return pages


def _canonical_url(html_path: Path) -> str:
    html = gzip.decompress(html_path.read_bytes()).decode("utf-8", errors="replace")
    for tag in _CANONICAL.findall(html):
        found = _HREF.search(tag)
        if found:
            return found.group(1)
    return ""


def _load_traf(root: Path) -> list[Page]:
    data = json.loads((root / "evaldata-dev.json").read_text(encoding="utf-8"))
    # Keys are URLs, except a few "hard::<file>" ones without a URL.
    known = sorted({_site_of(key) for key in data if "://" in key}, key=len, reverse=True)
    pages = []
    for key, entry in data.items():
        name = entry["file"]
        url = key if "://" in key else ""
        site = _site_of(url) if url else _site_from_file(name, known)
        pages.append(Page(
            corpus="traf", page_id=name, site=site, url=url,
            html_path=root / "html" / f"{name}.gz", main_content=None,
            must_keep=tuple(entry.get("with") or ()),
            must_drop=tuple(entry.get("without") or ()),
            title=entry.get("title") or "",
        ))
    return sorted(pages, key=lambda p: p.page_id)


def _load_news(root: Path) -> list[Page]:
    """news-pages: no ground truth (its reference is an extractor's output, a hint only)."""
    pages = []
    with open(root / "MANIFEST.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            html_path = root / "html" / f"{row['name']}.html.gz"
            pages.append(Page(corpus="news", page_id=row["name"], site=row["site"].lower(),
                              url=_canonical_url(html_path), html_path=html_path,
                              main_content=None, must_keep=(), must_drop=()))
    return sorted(pages, key=lambda p: p.page_id)


def _site_from_file(name: str, known: list[str]) -> str:
    """A URL-less page's site: a known site the file name starts with, else its first part."""
    lowered = name.lower().removeprefix("www.")
    for site in known:
        if lowered.startswith((site + ".", site + "-")):
            return site
    return lowered.split(".")[0]


def is_heldout(site: str) -> bool:
    """Whether a site belongs to the held-out ~20% (stable across runs and machines)."""
    digest = hashlib.sha1(b"cleaner-split/" + site.encode("utf-8")).hexdigest()
    return int(digest, 16) % 5 == 0


def read_html(page: Page) -> str:
    """The page's HTML as text (UTF-8, else the detected charset)."""
    return _page_text(gzip.decompress(page.html_path.read_bytes()))


def default_cache_dir() -> Path:
    """Where callers keep extracted texts, so that trafilatura runs once per page and version."""
    return Path.home() / ".cache" / "cleaner" / "extract"


def _cache_key(raw: bytes, settings: Settings) -> str:
    import trafilatura

    h = hashlib.sha256(raw)
    h.update(b"\0" + trafilatura.__version__.encode())
    h.update(b"\0" + json.dumps(settings, sort_keys=True).encode())
    return h.hexdigest()


def _extract_raw(raw: bytes, settings: Settings, extractor: Extractor | None) -> str:
    return (extractor or extract_text)(_page_text(raw), settings)


def _page_text(raw: bytes) -> str:
    """A corpus page's bytes as text, as when the shipped model was trained: UTF-8, else
    charset-normalizer's guess. The command line reads pages by cleaner.extract.decode_page
    (the declared charset, chardet's guess), which reads 5 of the 11 corpus pages that are
    not UTF-8 (of 2,092) differently; training on it is for the next retraining, and the
    extraction cache, keyed by the page's bytes, would keep the old texts until then."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("utf-8", errors="replace")


def extracted_texts(
    pages: list[Page], cache_dir: Path | None, jobs: int = 2,
    settings: Settings = TEXT_MODE_SETTINGS, extractor: Extractor | None = None,
) -> list[str]:
    """The extracted text of each page, in order; cached on disk when cache_dir is given.

    ``extractor(html, settings)`` is trafilatura's ``extract_text`` unless given; the cache key
    is the page's bytes, trafilatura's version and ``settings``, so another extractor must name
    itself (and its version) in its settings.
    """
    raws = [gzip.decompress(p.html_path.read_bytes()) for p in pages]
    paths: list[Path | None] = [None] * len(pages)
    texts: list[str | None] = [None] * len(pages)
    if cache_dir is not None:
        for i, raw in enumerate(raws):
            key = _cache_key(raw, settings)
            path = paths[i] = cache_dir / key[:2] / f"{key}.txt"
            if path.is_file():
                texts[i] = path.read_text(encoding="utf-8")
    todo = [i for i, t in enumerate(texts) if t is None]
    if len(todo) > 1 and jobs > 1:
        from joblib import Parallel, delayed

        done = Parallel(n_jobs=jobs, backend="loky")(
            delayed(_extract_raw)(raws[i], settings, extractor) for i in todo
        )
    else:
        done = [_extract_raw(raws[i], settings, extractor) for i in todo]
    for i, text in zip(todo, done, strict=True):
        texts[i] = text
        path = paths[i]
        if path is not None:
            write_atomic(path, text)
    return [t or "" for t in texts]


# --- alignment -----------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _tokens(normed: str) -> list[str]:
    return _WORD.findall(normed)


def _phrase(tokens: list[str]) -> str:
    """Tokens as a space-padded string, for word-boundary substring checks."""
    return " " + " ".join(tokens) + " "


@dataclass(frozen=True)
class _Snippet:
    text: str    # normalised
    phrase: str  # its tokens, space-padded
    size: int    # number of tokens


def _snippets(raw: tuple[str, ...]) -> tuple[_Snippet, ...]:
    normed = (_norm(s) for s in raw)
    return tuple(_Snippet(n, _phrase(t), len(t)) for n in normed if (t := _tokens(n)))


@dataclass(frozen=True)
class _Truth:
    text: str                       # normalised main content
    title: str                      # normalised page title
    phrase: str                     # its tokens, space-padded
    paragraphs: frozenset[str]      # token phrases of its non-blank lines (its paragraphs)
    trigrams: frozenset[tuple[str, ...]]
    keep: tuple[_Snippet, ...]
    drop: tuple[_Snippet, ...]


@functools.lru_cache(maxsize=8)
def _truth(page: Page) -> _Truth:
    content = page.main_content or ""
    tokens = _tokens(_norm(content))
    paragraphs = frozenset(
        _phrase(_tokens(_norm(part))) for part in content.splitlines() if part.strip()
    )
    trigrams = frozenset(tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2))
    return _Truth(
        text=_norm(content), title=_norm(page.title), phrase=_phrase(tokens),
        paragraphs=paragraphs, trigrams=trigrams,
        keep=_snippets(page.must_keep), drop=_snippets(page.must_drop),
    )


def _coverage(tokens: list[str], trigrams: frozenset[tuple[str, ...]]) -> float:
    """Share of tokens inside a word trigram that also occurs in the main content.

    Trigrams rather than single words, so that a menu of common words does not pass for text.
    """
    covered = [False] * len(tokens)
    for i in range(len(tokens) - 2):
        if tuple(tokens[i:i + 3]) in trigrams:
            covered[i:i + 3] = [True] * 3
    return sum(covered) / len(tokens)


def _overlaps(
    line: str, tokens: list[str], snippets: tuple[_Snippet, ...], enough: float
) -> bool:
    """Whether the line overlaps a snippet.

    A snippet inside the line counts when it has ``enough`` words or half the line's (a short
    must-drop snippet inside a long line says little about the rest of it); the line inside a
    snippet counts when it has 3+ words, or as whole words inside a long snippet.
    """
    phrase = _phrase(tokens)
    need = min(enough, len(tokens) / 2)
    for s in snippets:
        if s.text in line and s.size >= need:
            return True
        if len(tokens) >= 3 and line in s.text:
            return True
        if s.size >= _LONG_SNIPPET and phrase in s.phrase:
            return True
    return False


def _label_with_content(line: str, tokens: list[str], truth: _Truth) -> bool | None:
    phrase = _phrase(tokens)
    verbatim = (len(tokens) >= _SHORT and line in truth.text) or phrase in truth.phrase
    if verbatim and (len(tokens) >= _SHORT or phrase in truth.paragraphs):
        return True
    if line == truth.title:
        return None  # WCXB main texts include the headline on some pages and not on others
    if _overlaps(line, tokens, truth.drop, _DROP_ENOUGH):
        return False
    if verbatim:
        return None  # a few words that also occur somewhere in the text: can't tell
    cover = _coverage(tokens, truth.trigrams)  # 0 for 1-2 words: they'd have been verbatim
    if cover >= _KEEP_COVER and len(tokens) >= _SHORT:
        return True
    if cover < _DROP_COVER:
        return False
    return None


def _label_with_snippets(line: str, tokens: list[str], truth: _Truth) -> bool | None:
    keep = _overlaps(line, tokens, truth.keep, _KEEP_ENOUGH)
    drop = _overlaps(line, tokens, truth.drop, _DROP_ENOUGH)
    if keep != drop:
        return keep
    return None


def in_ground_truth(line: str, page: Page) -> bool:
    """Whether a line is part of the page's main text: its words occur there contiguously, and
    a line of fewer than 4 words is a whole line of it (a WCXB page; False without one)."""
    truth = _truth(page)
    tokens = _tokens(_norm(line))
    phrase = _phrase(tokens)
    return bool(tokens) and phrase in truth.phrase and (
        len(tokens) >= _SHORT or phrase in truth.paragraphs)


def align(lines: list[str], page: Page) -> list[bool | None]:
    """Noisy per-line labels from the page's ground truth: True article, False boilerplate.

    None marks blank lines and lines the ground truth cannot decide, so training can skip them.
    """
    truth = _truth(page)
    labels: list[bool | None] = []
    for raw in lines:
        line = _norm(raw)
        tokens = _tokens(line)
        if not tokens:
            labels.append(None)
        elif truth.text:
            labels.append(_label_with_content(line, tokens, truth))
        else:
            labels.append(_label_with_snippets(line, tokens, truth))
    return labels
