"""Text-mode speed and memory of the `cleaner clean` command, as a Markdown table.

Builds a folder of news-length files (about 4 KB) from the team's article bodies and samples
(each file a different mix), then times the CLI on it: throughput (MB/s and lines/s, one
process), cold start on one file, and peak RSS. Every figure is the median of --runs runs.

    python benchmarks/speed.py [--files 400] [--runs 3]
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_folder(folder: Path, n_files: int, seed: int = 7) -> tuple[int, int]:
    """Write ``n_files`` texts of 20–40 shuffled paragraphs; return (bytes, lines)."""
    rng = random.Random(seed)
    sources = sorted((ROOT / "data" / "articles").glob("*/*.txt"))
    sources += sorted((ROOT / "data" / "samples").glob("*.txt"))
    paragraphs = [p for s in sources for p in s.read_text(encoding="utf-8").split("\n\n") if p]
    size = lines = 0
    for i in range(n_files):
        text = "\n\n".join(rng.sample(paragraphs, rng.randint(20, 40))) + "\n"
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
        lines += text.count("\n")
    return size, lines


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "cleaner.cli", "clean"]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        size, lines = make_folder(src, args.files)
        batch = [timed(cli + [str(src), "-o", str(Path(tmp) / f"out{i}")])
                 for i in range(args.runs)]
        one = next(src.iterdir())
        cold = [timed(cli + [str(one)])[0] for _ in range(args.runs)]
    seconds = statistics.median(s for s, _ in batch)
    print(f"Speed, {date.today()}, {platform.machine()}, Python {platform.python_version()}, "
          f"{args.files} files ({size / 1e6:.1f} MB, {lines} lines), median of {args.runs} runs")
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| text mode, one process: MB/s | {size / 1e6 / seconds:.2f} |")
    print(f"| text mode, one process: lines/s | {lines / seconds:,.0f} |")
    print(f"| cold start, `cleaner clean one.txt`: s | {statistics.median(cold):.2f} |")
    print(f"| peak RSS of the batch run: MB | {max(r for _, r in batch):.0f} |")


if __name__ == "__main__":
    main()
