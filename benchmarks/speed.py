"""Speed and memory of the `cleaner clean` command, as a Markdown table for the README.

Everything runs through the CLI in child processes; every figure is the median of --runs runs,
and every comparison is a ratio of runs made in this same invocation (interleaved), because the
machine may be shared.

- text mode: MB/s and lines/s of one process (`--jobs 1`) on a folder of news-length files
  (about 4 KB: article paragraphs recombined from the team's article sentences, so nearly
  every article line is distinct as on real pages, plus boilerplate blocks from data/lines
  that recur across files as a site's chrome does). "per core" divides by the process's CPU
  time, which other work on the machine does not inflate; "wall" divides by elapsed time.
- HTML mode: pages/s of `cleaner clean` on .html files against trafilatura's extraction alone
  on the same pages (real pages from ../shared/corpora when present, else generated ones).
- the text folder through a plain Python C4 line filter (C4_FILTER), interleaved: the
  reference of the throughput target.
- one file of --big-lines distinct lines (make_big; 300,000 lines, about 20 MB) with
  `-j 1 --no-repetition`: seconds and peak RSS.
- cold start: `cleaner clean one.txt`.
- peak RSS of one process on a generated folder of --rss-files small files.
- `--jobs 2` against `--jobs 1` on the text folder, and the memory of all its processes
  (proportional set sizes: the workers are forked and share the model's pages); beside it,
  the time a plain Python loop takes to create as many files (what the file system costs),
  and `--jobs 2` against `--jobs 1` again with the folder in memory (/dev/shm, where present;
  --jobs-files: for more folder sizes); interleaved with them, plain Python work in two
  processes at once against one, what the machine's two cores give at that hour.
- with --baseline DIR: the text folder through the code of an earlier checkout and through
  this one, interleaved (`--jobs 1` CPU time, `--jobs 2` wall time), and whether their outputs
  are the same bytes.

Rows whose CLI option does not exist yet say so instead of failing.

    python benchmarks/speed.py [--files 1000] [--runs 3] [--rss-files 100000] [--html-pages 100]
                               [--big-lines 300000] [--jobs-files N ...] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
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
CLI = [sys.executable, "-m", "cleaner.cli", "clean"]
# trafilatura alone, with the settings and decoding HTML mode uses, on every page of a folder.
TRAFILATURA_ALONE = (
    "import sys, pathlib\n"
    "from cleaner.extract import html_to_text\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.html')):\n"
    "    html_to_text(p.read_bytes())\n"
)

# The reference of the throughput target: a plain Python C4 line filter that, like the CLI, reads
# each file, filters its lines and writes an output file. It drops lines of fewer than 3 words,
# without end punctuation, or with a javascript or cookie phrase.
C4_FILTER = (
    "import sys, pathlib\n"
    "src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])\n"
    "out.mkdir()\n"
    "ends = ('.', '!', '?', '\"', \"'\")\n"
    "for p in sorted(src.iterdir()):\n"
    "    kept = [line for line in p.read_text(encoding='utf-8').splitlines()\n"
    "            if len(line.split()) >= 3 and line.rstrip().endswith(ends)\n"
    "            and 'javascript' not in line.lower() and 'cookie' not in line.lower()]\n"
    "    (out / p.name).write_text('\\n'.join(kept) + '\\n', encoding='utf-8')\n"
)


# Creating files costs the kernel, not Python: on the project's VM between 40 µs and 1 ms a
# file on its disk depending on the hour, and two processes creating files in one folder take
# no less time than one.
CREATE_FILES = (
    "import sys, pathlib\n"
    "out = pathlib.Path(sys.argv[1])\n"
    "out.mkdir()\n"
    "for i in range(int(sys.argv[2])):\n"
    "    (out / f'{i:06d}.txt').write_bytes(b'x' * 3000)\n"
)
#: A memory file system, where present (Linux): the --jobs 2 row again without the disk.
MEMORY_FS = Path("/dev/shm")
# What two cores give that hour: plain Python work (about 1 s) in two processes at once against
# one. The project's VM has given 1.2x to 1.96x within one hour (its vCPUs are shared).
SPIN = "s = 0\nfor i in range(20_000_000):\n    s += i\n"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in text.replace("! ", "!\n").replace("? ", "?\n")
            .replace(". ", ".\n").split("\n") if len(s.split()) >= 3]


def _pools() -> tuple[dict[str, list[str]], dict[str, list[str]], list[list[str]]]:
    """Article sentences and headlines by language, and boilerplate blocks from data/lines."""
    sentences: dict[str, list[str]] = {}
    headlines: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "articles").glob("*/*.txt")):
        lang = path.parent.name
        head, *paragraphs = path.read_text(encoding="utf-8").split("\n\n")
        headlines.setdefault(lang, []).append(head.strip())
        sentences.setdefault(lang, []).extend(s for p in paragraphs for s in _sentences(p))
    blocks: list[list[str]] = []
    for path in sorted((ROOT / "data" / "lines").glob("*.tsv")):
        block: list[str] = []
        for row in path.read_text(encoding="utf-8").splitlines() + [""]:
            label, _, text = row.partition("\t")
            if text and label not in ("content", "title"):
                block.append(text)
            elif block:
                blocks.append(block[:6])
                block = []
    return sentences, headlines, blocks


def make_folder(folder: Path, n_files: int, seed: int = 7, paragraphs: tuple[int, int] = (12, 24),
                suffix: str = ".txt") -> tuple[int, int, float]:
    """Write ``n_files`` news-like texts; return (bytes, lines, share of distinct lines)."""
    rng = random.Random(seed)
    sentences, headlines, blocks = _pools()
    langs = sorted(sentences)
    size = lines = 0
    distinct: set[str] = set()
    for i in range(n_files):
        lang = rng.choice(langs)
        body = [rng.choice(headlines[lang])]
        for _ in range(rng.randint(*paragraphs)):
            body.append(" ".join(rng.sample(sentences[lang], rng.randint(1, 4))))
        for _ in range(rng.randint(1, 3)):
            at = rng.choice([1, len(body) // 2, len(body)])
            body[at:at] = ["\n".join(rng.choice(blocks))]
        text = "\n\n".join(body) + "\n"
        (folder / f"{i:06d}{suffix}").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
        body_lines = [line for line in text.splitlines() if line.strip()]
        lines += len(body_lines)
        distinct.update(body_lines)
    return size, lines, len(distinct) / max(lines, 1)


def make_big(path: Path, n_lines: int = 300_000, seed: int = 17) -> int:
    """Write one file of ``n_lines`` distinct lines (the head of one article sentence and the
    tail of another, about 20 MB for 300,000; a blank line after about one in seven); return
    its size in bytes."""
    rng = random.Random(seed)
    words = {lang: [s.split() for s in pool] for lang, pool in _pools()[0].items()}
    langs = sorted(words)
    seen: set[str] = set()
    out: list[str] = []
    while len(seen) < n_lines:
        pool = words[rng.choice(langs)]
        first, second = rng.choice(pool), rng.choice(pool)
        line = " ".join(first[: rng.randint(2, 8)] + second[-rng.randint(2, 8):])
        if line not in seen:
            seen.add(line)
            out.append(line)
            if rng.random() < 0.15:
                out.append("")
    text = "\n".join(out) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def html_pages(folder: Path, n_pages: int) -> int:
    """Copy real pages from ../shared/corpora (unzipped) if present, else write generated ones."""
    from cleaner.training.corpora import find_shared

    shared = find_shared()
    found = sorted((shared / "corpora").rglob("*.html.gz")) if shared else []
    real = [found[i * len(found) // n_pages] for i in range(n_pages)] if found else []
    for i, page in enumerate(real):  # evenly spaced over both corpora
        (folder / f"{i:06d}.html").write_bytes(gzip.decompress(page.read_bytes()))
    if real:
        return len(real)
    tmp = folder / "txt"
    tmp.mkdir()
    make_folder(tmp, n_pages, seed=11)
    for i, page in enumerate(sorted(tmp.iterdir())):
        paras = "".join(f"<p>{p}</p>\n" for p in page.read_text(encoding="utf-8").split("\n\n"))
        nav = "".join(f'<li><a href="/s{k}">Section {k}</a></li>' for k in range(12))
        (folder / f"{i:06d}.html").write_text(
            f"<html><head><title>Page {i}</title></head><body><nav><ul>{nav}</ul></nav>"
            f"<article><h1>Page {i}</h1>\n{paras}</article><footer>© Example</footer>"
            "</body></html>", encoding="utf-8")
        page.unlink()
    tmp.rmdir()
    return n_pages


def _tree_memory_kb(pid: int, shared_once: bool) -> int:
    """Memory of a process and its descendants (Linux /proc), in KB: resident set sizes, or
    with ``shared_once`` proportional set sizes (pages that forked workers share with their
    parent are then counted once in all, not once per process)."""
    file, key = ("smaps_rollup", "Pss:") if shared_once else ("status", "VmRSS:")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            text = Path(f"/proc/{p}/{file}").read_text()
            total += int(text.split(key)[1].split()[0]) if key in text else 0
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def timed(cmd: list[str], shared_once: bool = False,
          code: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, its children included) and peak memory (MB,
    see _tree_memory_kb). ``code``: the checkout whose cleaner package runs (default: this one).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, PYTHONPATH=str(code or ROOT))
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env,
                                cwd=tempfile.gettempdir())  # not a checkout: -m finds no package
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_memory_kb(proc.pid, shared_once))
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        if proc.returncode:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): "
                               f"{err.read().decode(errors='replace').strip()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, peak / 1024


def against(baseline: Path, src: Path, tmp: Path, runs: int) -> list[tuple[str, str]]:
    """Interleaved runs of the code in ``baseline`` (a checkout of an earlier commit) and of
    this checkout on the text folder: --jobs 1 CPU time, --jobs 2 wall time, same outputs?"""
    med = statistics.median
    rows = []
    for jobs, what, k in (("1", "CPU", 1), ("2", "wall", 0)):
        before, after = [], []
        for i in range(runs):
            for code, times in ((baseline, before), (None, after)):
                out = tmp / f"{'before' if code else 'after'}{jobs}_{i}"
                # each checkout with its own model (an editable install maps cleaner.models to
                # this checkout's models/ whatever PYTHONPATH says)
                own = ["--model", str(baseline / "models" / "cleaner.npz")] if code else []
                times.append(timed(CLI + [str(src), "-o", str(out), "--jobs", jobs, *own],
                                   code=code))
        rows.append((f"`--jobs {jobs}` {what} s, {baseline.name} → this checkout (ratio)",
                     f"{med(t[k] for t in before):.2f} → {med(t[k] for t in after):.2f} "
                     f"({med(b[k] / a[k] for b, a in zip(before, after)):.2f}×)"))
    same = all(_same_tree(tmp / f"before{j}_0", tmp / f"after{j}_0") for j in "12")
    rows.append((f"outputs of {baseline.name} and this checkout", "byte-identical" if same
                 else "differ"))
    return rows


def jobs_in_memory(n_files: int, runs: int) -> str:
    """`--jobs 2` over `--jobs 1` (wall) on the text folder made in MEMORY_FS."""
    with tempfile.TemporaryDirectory(dir=MEMORY_FS) as name:
        mem = Path(name)
        (mem / "text").mkdir()
        make_folder(mem / "text", n_files)
        ratios = []
        for i in range(runs):
            one = timed(CLI + [str(mem / "text"), "-o", str(mem / f"j1_{i}"), "-j", "1"])[0]
            two = timed(CLI + [str(mem / "text"), "-o", str(mem / f"j2_{i}"), "-j", "2"])[0]
            ratios.append(one / two)
    return f"{statistics.median(ratios):.2f}×"


def two_at_once() -> float:
    """2 × the wall time of one SPIN process over that of two started together."""
    one = timed([sys.executable, "-c", SPIN])[0]
    start = time.perf_counter()
    for proc in [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(2)]:
        proc.wait()
    return 2 * one / (time.perf_counter() - start)


def _same_tree(a: Path, b: Path) -> bool:
    """Whether two output folders hold the same files with the same bytes (state aside)."""
    files = [sorted(p.relative_to(d) for p in d.rglob("*") if p.is_file()
                    and not p.name.startswith(".cleaner-state")) for d in (a, b)]
    return files[0] == files[1] and all((a / f).read_bytes() == (b / f).read_bytes()
                                        for f in files[0])


def _help() -> str:
    return subprocess.run(CLI + ["--help"], capture_output=True, text=True).stdout


def _reads_html(tmp: Path) -> bool:
    """Whether `cleaner clean` turns a folder holding an .html page into output."""
    src, out = tmp / "probe_in", tmp / "probe_out"
    src.mkdir()
    (src / "p.html").write_text("<html><body><article><p>" + "A plain sentence here. " * 20
                                + "</p></article></body></html>", encoding="utf-8")
    r = subprocess.run(CLI + [str(src), "-o", str(out)], capture_output=True)
    return r.returncode == 0 and out.is_dir() and any(out.iterdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="text files for throughput")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rss-files", type=int, default=100_000)
    parser.add_argument("--html-pages", type=int, default=100)
    parser.add_argument("--big-lines", type=int, default=300_000,
                        help="lines of the one-file case (0: skip it)")
    parser.add_argument("--jobs-files", type=int, nargs="*", default=[], metavar="N",
                        help="more folder sizes for the in-memory --jobs 2 row")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="a checkout of earlier code (git worktree or git archive) to "
                             "compare with on the text folder, in the same run")
    args = parser.parse_args()
    med = statistics.median
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "text"
        src.mkdir()
        size, lines, distinct = make_folder(src, args.files)
        has_jobs = "--jobs" in _help()
        one_process = ["--jobs", "1"]
        text, c4 = [], []
        for i in range(args.runs):  # interleaved with the reference C4 filter
            text.append(timed(CLI + [str(src), "-o", str(tmp / f"out{i}")] + one_process))
            c4.append(timed([sys.executable, "-c", C4_FILTER, str(src), str(tmp / f"c4_{i}")]))
        wall, cpu = med(t[0] for t in text), med(t[1] for t in text)
        rows += [
            ("plain Python C4 line filter, same files: MB/s per core (CPU time)",
             f"{size / 1e6 / med(t[1] for t in c4):.2f}"),
            ("text mode throughput / C4 filter's (CPU time)",
             f"{med(c[1] / t[1] for t, c in zip(text, c4)):.2f}×"),
            ("text mode, one process: MB/s per core (CPU time)", f"{size / 1e6 / cpu:.2f}"),
            ("text mode, one process: MB/s (wall)", f"{size / 1e6 / wall:.2f}"),
            ("text mode, one process: lines/s per core (CPU time)", f"{lines / cpu:,.0f}"),
            ("text mode, one process: lines/s (wall)", f"{lines / wall:,.0f}"),
        ]
        if args.big_lines:
            big = tmp / "big.txt"
            big_size = make_big(big, args.big_lines)
            runs = [timed(CLI + [str(big), "-o", str(tmp / f"big{i}"), "-j", "1",
                                 "--no-repetition"]) for i in range(args.runs)]
            what = f"{args.big_lines:,} distinct lines in one file ({big_size / 1e6:.0f} MB)"
            rows += [(f"{what}: s (wall)", f"{med(r[0] for r in runs):.1f}"),
                     (f"{what}: s (CPU)", f"{med(r[1] for r in runs):.1f}"),
                     (f"{what}: peak RSS, MB", f"{max(r[2] for r in runs):.0f}")]
        one = next(iter(sorted(src.iterdir())))
        cold = [timed(CLI + [str(one)])[0] for _ in range(args.runs)]
        rows.append(("cold start, `cleaner clean one.txt`: s", f"{med(cold):.2f}"))

        pages = tmp / "html"
        pages.mkdir()
        n_pages = html_pages(pages, args.html_pages)
        if _reads_html(tmp):
            alone, html = [], []
            for i in range(args.runs):  # interleaved, so both see the same machine load
                alone.append(timed([sys.executable, "-c", TRAFILATURA_ALONE, str(pages)])[0])
                html.append(
                    timed(CLI + [str(pages), "-o", str(tmp / f"html{i}")] + one_process)[0])
            rows += [
                ("HTML mode: pages/s", f"{n_pages / med(html):.1f}"),
                ("trafilatura extraction alone: pages/s", f"{n_pages / med(alone):.1f}"),
                ("HTML mode time / trafilatura alone",
                 f"{med(h / a for h, a in zip(html, alone)):.2f}"),
            ]
        else:
            rows.append(("HTML mode time / trafilatura alone", "n/a (needs .html input)"))

        many = tmp / "many"
        many.mkdir()
        make_folder(many, args.rss_files, seed=13, paragraphs=(1, 3))
        rss = [timed(CLI + [str(many), "-o", str(tmp / f"many{i}")] + one_process)[2]
               for i in range(args.runs)]
        rows.append((f"peak RSS, {args.rss_files:,} files, one process: MB", f"{max(rss):.0f}"))
        if has_jobs:
            j1, j2, rss2, ceiling = [], [], [], []
            for i in range(args.runs):  # interleaved with what the machine's two cores give
                j1.append(timed(CLI + [str(src), "-o", str(tmp / f"j1_{i}"), "--jobs", "1"])[0])
                w, _, r = timed(CLI + [str(src), "-o", str(tmp / f"j2_{i}"), "--jobs", "2"],
                                shared_once=True)
                j2.append(w)
                rss2.append(r)
                ceiling.append(two_at_once())
            rows += [
                ("`--jobs 2` speed-up over `--jobs 1` (wall)",
                 f"{med(a / b for a, b in zip(j1, j2)):.2f}×"),
                ("two plain Python processes at once against one: throughput (what the "
                 "machine's two cores gave, same runs)", f"{med(ceiling):.2f}×"),
                ("peak memory (PSS), `--jobs 2` on the text folder, all processes: MB",
                 f"{max(rss2):.0f}"),
            ]
            create = [timed([sys.executable, "-c", CREATE_FILES, str(tmp / f"c{i}"),
                             str(args.files)])[0] for i in range(args.runs)]
            rows.append((f"creating {args.files:,} files of 3 KB, plain Python, beside the "
                         "outputs: s (wall)", f"{med(create):.2f}"))
            if MEMORY_FS.is_dir():  # the same run again with no disk: file creation aside
                for n in sorted({args.files, *args.jobs_files}):
                    rows.append((f"`--jobs 2` speed-up over `--jobs 1` (wall), {n:,} files, "
                                 f"folder and outputs in memory ({MEMORY_FS})",
                                 jobs_in_memory(n, args.runs)))
        else:
            rows.append(("`--jobs 2` speed-up over `--jobs 1` (wall)", "n/a (needs --jobs)"))
        if args.baseline:
            rows += against(args.baseline.resolve(), src, tmp, args.runs)
    print(f"Speed, {date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; text folder: {args.files} files ({size / 1e6:.1f} MB, "
          f"{lines:,} non-blank lines, {distinct:.0%} distinct); {n_pages} HTML pages; "
          f"median of {args.runs} runs")
    print()
    print("| measure | value |")
    print("|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
