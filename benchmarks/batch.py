"""Batch scale of `cleaner clean DIR -o OUT`: wall time and peak RSS against the number of
files, and an interrupted run resumed, as Markdown.

Builds flat folders of small files (four paragraphs from the samples, one of them a boilerplate
line) under --tmp, cleans each with all cores, then interrupts a run of the smallest folder
(SIGINT after --interrupt-after seconds, by default half the time its full run took) and reruns
it: the rerun must skip what the interrupted run finished. Memory is the peak of the summed
proportional set sizes of the run's processes (the pages forked workers share with the main
process, the model among them, count once).

    python benchmarks/batch.py [--files 10000 100000] [--tmp /tmp]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from speed import ROOT, timed

BOILERPLATE = ("Share", "Advertisement", "Subscribe to our newsletter", "Read more",
               "Accept all cookies")


def make_small_files(folder: Path, n_files: int, seed: int = 0) -> None:
    """``n_files`` texts of three sample paragraphs and one boilerplate line, shuffled."""
    rng = random.Random(seed)
    paragraphs = [p for f in sorted((ROOT / "data" / "samples").glob("*.txt"))
                  for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    folder.mkdir(parents=True)
    for i in range(n_files):
        parts = [rng.choice(paragraphs) for _ in range(3)] + [rng.choice(BOILERPLATE)]
        rng.shuffle(parts)
        (folder / f"doc{i:06d}.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def interrupted_then_resumed(cli: list[str], src: Path, out: Path, after: float) -> str:
    """Interrupt a run after ``after`` seconds, rerun it, and say what each did."""
    proc = subprocess.Popen([*cli, str(src), "-o", str(out), "-q"], stderr=subprocess.DEVNULL,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    code = proc.wait()
    written = sum(1 for _ in out.glob("*.txt"))
    report = out.parent / "resume.jsonl"
    start = time.perf_counter()
    subprocess.run([*cli, str(src), "-o", str(out), "-q", "--report", str(report)], check=True)
    seconds = time.perf_counter() - start
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    up_to_date = sum(row["documents"] for row in rows if row["status"] == "up to date")
    cleaned = sum(row["status"] == "cleaned" for row in rows)
    return (f"SIGINT after {after:.1f} s: exit {code}, {written:,} outputs written; "
            f"rerun: {up_to_date:,} up to date, {cleaned:,} cleaned, in {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--interrupt-after", type=float,
                        help="seconds (default: half the smallest folder's full run)")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "cleaner.cli", "clean"]
    work = Path(tempfile.mkdtemp(prefix="cleaner-batch-", dir=args.tmp))
    try:
        print("| files | wall s | files/s | peak memory (PSS, all processes) MB |\n"
              "|---:|---:|---:|---:|")
        wall = {}
        for n in args.files:
            make_small_files(work / f"in{n}", n)
            wall[n], _, mb = timed([*cli, str(work / f"in{n}"), "-o", str(work / f"out{n}"), "-q"],
                                   shared_once=True)
            print(f"| {n:,} | {wall[n]:.1f} | {n / wall[n]:,.0f} | {mb:.0f} |", flush=True)
        n = min(args.files)
        after = args.interrupt_after or wall[n] / 2
        print("\n" + interrupted_then_resumed(cli, work / f"in{n}", work / "resume" / "out",
                                              after))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
