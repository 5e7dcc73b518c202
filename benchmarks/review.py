"""Scale of `cleaner review`: the page of a 100,000-document report, its size, the time and
peak memory to make it, and the time a browser takes until the page is usable, as Markdown.

Builds a JSONL crawl of --docs documents on --sites sites (a few sites hold most documents,
as in a crawl): each a title and article paragraphs from data/samples and data/articles, with
boilerplate lines from the team's labelled lines (data/lines), some the same on every page of
a site (a menu, a newsletter prompt). Cleans it for real with a report (--max-removed-ratio
0.5 flags some), then times `cleaner review` and opens the page in headless Chromium
(Playwright, the system's /usr/bin/chromium): "usable" is the page's own ready mark, set when
its script has drawn every view (performance.now() since navigation began), and the wall time
from navigation to that mark as the test driver sees it.

    python benchmarks/review.py [--docs 100000] [--sites 2000] [--tmp /tmp]

With --screenshot PNG it writes instead the README's picture: the page of data/samples (cleaned
with --max-removed-ratio 0.35), a document open in its Documents view.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def paragraphs() -> list[str]:
    """Article lines of the samples and the team's articles."""
    files = sorted((ROOT / "data" / "samples").glob("*.txt")) + sorted(
        (ROOT / "data" / "articles").rglob("*.txt"))
    return [line for f in files for line in f.read_text(encoding="utf-8").splitlines()
            if len(line.split()) >= 12]


def boilerplate() -> list[str]:
    """The team's labelled lines that are not the article."""
    rows = [line.split("\t", 1) for f in sorted((ROOT / "data" / "lines").glob("*.tsv"))
            for line in f.read_text(encoding="utf-8").splitlines()
            if "\t" in line and not line.startswith("#")]
    return [text for label, text in rows if label not in ("content", "title")]


def make_crawl(path: Path, n_docs: int, n_sites: int, seed: int = 0) -> None:
    """``n_docs`` JSONL records on ``n_sites`` sites, by a Zipf-like law of site sizes."""
    rng = random.Random(seed)
    body, extra = paragraphs(), boilerplate()
    weights = [1 / (k + 1) for k in range(n_sites)]
    chrome = {k: rng.sample(extra, 3) for k in range(n_sites)}  # each site's own recurring lines
    sites = rng.choices(range(n_sites), weights, k=n_docs)
    with open(path, "w", encoding="utf-8") as out:
        for i, site in enumerate(sites):
            lines = rng.sample(body, rng.randint(4, 20))
            top = chrome[site][:rng.randint(0, 2)] + rng.sample(extra, rng.randint(0, 3))
            bottom = chrome[site][2:] + rng.sample(extra, rng.randint(1, 6))
            text = "\n\n".join([rng.choice(body)[:70], *top, *lines, *bottom])
            out.write(json.dumps({"id": f"d{i}", "url": f"https://site{site}.example/a/{i}",
                                  "text": text}, ensure_ascii=False) + "\n")


def run(*args: str | Path, cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``cleaner ARGS``; it must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", *map(str, args)], cwd=cwd,
                            stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"cleaner {' '.join(map(str, args))} failed:\n{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def open_in_browser(page: Path, times: int = 3) -> tuple[list[int], list[float]]:
    """The page's ready mark (ms) and the driver's wall time (s) to it, ``times`` cold opens."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    marks, walls = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        for _ in range(times):
            context = browser.new_context()
            tab = context.new_page()
            start = time.perf_counter()
            tab.goto(page.as_uri(), wait_until="commit")
            tab.wait_for_selector("html[data-ready]", timeout=120_000)
            walls.append(time.perf_counter() - start)
            marks.append(int(tab.get_attribute("html", "data-ready")))
            context.close()
        browser.close()
    return marks, walls


def screenshot(png: Path) -> None:
    """The page of data/samples with a document open, as a PNG."""
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="review-shot-"))
    try:
        shutil.copytree(ROOT / "data" / "samples", work / "samples")
        run("clean", "samples", "-o", "cleaned/", "--report", "audit.jsonl",
            "--max-removed-ratio", "0.35", "-q", cwd=work)
        run("review", "audit.jsonl", "-o", "review.html", cwd=work)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
            tab = browser.new_page(viewport={"width": 1200, "height": 760})
            tab.goto((work / "review.html").as_uri())
            tab.wait_for_selector("html[data-ready]")
            tab.click("#tabs button[data-tab=documents]")
            tab.click("#doc-list li:has-text('en_recipe_blog')")
            tab.screenshot(path=str(png))
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="write the README's picture of the samples' page instead")
    args = parser.parse_args()
    if args.screenshot:
        screenshot(args.screenshot)
        return
    work = Path(tempfile.mkdtemp(prefix="review-bench-", dir=args.tmp))
    try:
        make_crawl(work / "crawl.jsonl", args.docs, args.sites)
        clean_s, _ = run("clean", "crawl.jsonl", "-o", "out/", "--report", "report.jsonl",
                         "--max-removed-ratio", "0.5", "-q", cwd=work)
        review_s, review_mb = run("review", "report.jsonl", "-o", "page.html", cwd=work)
        page = work / "page.html"
        marks, walls = open_in_browser(page)
        data_mb = (work / "report.jsonl").stat().st_size / 1e6
        data = json.loads(page.read_text(encoding="utf-8").split(
            'id="review-data">', 1)[1].split("</script>", 1)[0])
        with_kept = sum(doc["inputs"] for doc in data["docs"])
        print(f"| {args.docs:,} documents on {args.sites:,} sites | |\n|---|---:|\n"
              f"| report | {data_mb:,.0f} MB |\n"
              f"| `cleaner clean` (not the review; for scale) | {clean_s:,.0f} s |\n"
              f"| `cleaner review`: wall time | {review_s:.1f} s |\n"
              f"| `cleaner review`: peak memory (RSS) | {review_mb:,.0f} MB |\n"
              f"| page size | {page.stat().st_size / 1e6:.1f} MB |\n"
              f"| documents flagged (more than half their words removed) | "
              f"{data['status'].get('flagged', 0):,} |\n"
              f"| documents shown line by line (with their kept lines) | "
              f"{len(data['docs']):,} ({with_kept:,}) |\n"
              f"| Chromium: the page's ready mark, median of {len(marks)} | "
              f"{sorted(marks)[len(marks) // 2] / 1000:.2f} s |\n"
              f"| Chromium: navigation to ready, as the driver sees it, median | "
              f"{sorted(walls)[len(walls) // 2]:.2f} s |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
