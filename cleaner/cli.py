"""Command line: ``cleaner clean``, ``cleaner explain``, ``cleaner train``, ``cleaner evaluate``."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from cleaner import __version__
from cleaner.document import LABELS


def _labels(value: str) -> frozenset[str]:
    labels = frozenset(v.strip() for v in value.split(",") if v.strip())
    unknown = labels - set(LABELS)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown label(s) {', '.join(sorted(unknown))}; known: {', '.join(LABELS)}"
        )
    return labels


#: ``--precision`` and ``--recall``: (least drop probability, factor on the model's word cost).
#: How far from certainty each preset moves the model's threshold t: precision drops from
#: 1 - (1 - t)/2 (fewer article lines lost, more boilerplate kept), recall from 1 - 2(1 - t)
#: (more boilerplate removed, more short article lines with it).
PRESETS: dict[str, float] = {"precision": 0.5, "recall": 2.0}


def _add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    p.add_argument("--trust-model", action="store_true",
                   help="accept a model file without a manifest beside it")
    p.add_argument("--keep", type=_labels, default=frozenset(),
                   help="comma-separated labels to keep besides content and title")
    preset = p.add_mutually_exclusive_group()
    for name, factor in PRESETS.items():
        preset.add_argument(f"--{name}", dest="preset", action="store_const", const=name,
                            help=f"drop from P = 1 - {factor}(1 - the model's threshold) "
                                 f"({'fewer' if factor < 1 else 'more'} lines removed)")
    p.add_argument("--threshold", type=float,
                   help="least boilerplate probability at which a line is dropped; longer "
                        "lines need more (default: the model's, or the preset's)")
    p.add_argument("--patterns", type=Path, metavar="FILE",
                   help="your own rules, one a line: label<TAB>text or label<TAB>re:regex")


def _cleaner(args: argparse.Namespace):
    from cleaner.patterns import load_patterns
    from cleaner.pipeline import Cleaner

    patterns = load_patterns(args.patterns) if getattr(args, "patterns", None) else ()
    cleaner = Cleaner(args.model, keep=args.keep, threshold=args.threshold,
                      trust_model=args.trust_model, patterns=patterns)
    if getattr(args, "preset", None) and args.threshold is None:
        cleaner.threshold = max(0.0, 1.0 - PRESETS[args.preset] * (1.0 - cleaner.threshold))
    return cleaner


def _ratio(value: str) -> float:
    ratio = float(value)
    if not 0 <= ratio <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not a share between 0 and 1")
    return ratio


def _jobs(value: str) -> int:
    jobs = int(value)
    if jobs == 0:
        raise argparse.ArgumentTypeError("0 jobs; use 1 or more, or -1 for all cores")
    return jobs


def _seconds(value: str) -> float | None:
    seconds = float(value)
    if seconds < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; use 0 for no limit")
    return seconds or None


def cmd_clean(args: argparse.Namespace) -> int:
    """``cleaner clean``; SIGTERM stops it as Ctrl-C does (whole outputs only, exit 143)."""
    from cleaner.batch import STOP_SIGNALS, stop

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS
                if signal.getsignal(signum) is not signal.SIG_IGN}  # a background job's stays
    try:
        return _clean(args)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _clean(args: argparse.Namespace) -> int:
    from cleaner.batch import Options, State, repeated_lines, run, settings_key
    from cleaner.files import atomic_file
    from cleaner.progress import Progress
    from cleaner.sinks import FolderSink, StreamSink
    from cleaner.sources import STDIN_NAME, ReadError, Source, find_sources, sniff_stdin

    paths = [Path(p) for p in args.paths if p != "-"]
    use_stdin = len(paths) < len(args.paths) or not args.paths
    if use_stdin and paths:
        return _usage("read either stdin ('-') or files and folders, not both")
    out = args.output
    single = use_stdin or (len(paths) == 1 and not paths[0].is_dir())
    if out is None:
        if not single:
            return _usage("folders and several files need an output folder (-o OUT_DIR), "
                          "or -o - with --format jsonl for one JSONL stream on stdout")
        out = "-"
    to_stdout = str(out) == "-"
    out_dir = None if to_stdout else Path(out)
    if to_stdout and not single and args.format != "jsonl":
        return _usage("several documents go to stdout only as JSONL (--format jsonl)")
    if out_dir and any(p.is_dir() and p.resolve() == out_dir.resolve() for p in paths):
        return _usage(f"the output folder {out} is an input folder; choose another (-o)")

    skip = [p for p in (out_dir, args.report) if p is not None]  # never read back as inputs
    if not use_stdin:
        _require_warc(find_sources(paths, exclude=skip))
    cleaner = _cleaner(args)
    options = Options(text_field=args.text_field, id_field=args.id_field, format=args.format,
                      max_removed_ratio=args.max_removed_ratio, on_excess=args.on_excess,
                      site_field=args.site_field, doc_timeout=args.doc_timeout)
    if args.repetition and not use_stdin:
        options = dataclasses.replace(
            options, repeats=repeated_lines(find_sources(paths, exclude=skip), options,
                                            jobs=1 if args.dask else args.jobs))
    stdin = None
    if use_stdin:
        try:
            kind, stdin = sniff_stdin(sys.stdin.buffer, args.input_format)
        except ReadError as exc:
            print(f"cleaner: {STDIN_NAME}: {exc}", file=sys.stderr)
            return 1
        sources = [Source(None, Path("stdin"), kind)]
        _require_warc(sources)
    else:
        sources = find_sources(paths, exclude=skip)
    if out_dir is None:
        sink, state = StreamSink(sys.stdout.buffer, args.format, args.text_field), None
    else:
        sink = FolderSink(out_dir, args.format, args.text_field)
        state = State(out_dir, settings_key(cleaner, options), force=args.force)
    progress = None
    if not args.quiet and sys.stderr.isatty() and not use_stdin:
        progress = Progress(sum(1 for _ in find_sources(paths, exclude=skip)))

    with _backend(args.dask, cleaner) as jobs, (atomic_file(args.report) if args.report
                                       else contextlib.nullcontext()) as report:
        summary = run(cleaner, sources, sink, options, jobs=jobs or args.jobs, state=state,
                      report=report, progress=progress, stdin=stdin,
                      chunk_docs=max(1, args.chunk_size))
    if progress is not None:
        progress.close()
    handled = summary.handled
    if not args.quiet and not (to_stdout and single and handled == 1):
        print(summary.table(), file=sys.stderr)
    if handled == 0:
        print("cleaner: no inputs found (.txt, .html, .htm, .jsonl, .warc, .wet, each also .gz, "
              ".zst, .bz2 or .xz)", file=sys.stderr)
        return 2  # nothing to do: like a command that cannot start
    # 1: the run went through, but some inputs gave no output (each named above).
    return 1 if summary.not_cleaned else 0


@contextlib.contextmanager
def _backend(address: str | None, cleaner) -> Iterator[int | None]:
    """joblib's Dask backend on the cluster at ``address`` (yields its number of worker
    threads), or the local default (yields None).

    The Cleaner is broadcast to every worker once, so each worker holds one copy of the model
    for the whole run instead of receiving it with every chunk.
    """
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise CommandError(
            "--dask needs dask and distributed: pip install 'boilerplate-cleaner[dask]'") from None
    from joblib import parallel_config

    try:
        client = Client(address, timeout=30)
    except OSError as exc:
        raise CommandError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    with client, parallel_config(backend="dask", scatter=[cleaner]):
        yield max(1, sum(client.nthreads().values()))


class CommandError(Exception):
    """A command that cannot start; the message says why."""


def _require_warc(sources) -> None:
    """Stop before the run when a WARC input needs the ``warc`` extra that is not installed."""
    from cleaner import warc

    if not warc.available():
        first = next((s for s in sources if s.kind == "warc"), None)
        if first is not None:
            raise CommandError(f"{first.name}: reading WARC files needs FastWARC: "
                               f"{warc.INSTALL_HINT}")


def _usage(message: str) -> int:
    print(f"cleaner: {message}", file=sys.stderr)
    return 2


def cmd_explain(args: argparse.Namespace) -> int:
    from cleaner.sources import Document as Doc
    from cleaner.sources import (
        ReadError,
        Source,
        decode_text,
        kind_of,
        load_text,
        read_stream,
        sniff_stdin,
    )

    cleaner = _cleaner(args)
    try:
        if args.path == "-":
            kind, stream = sniff_stdin(sys.stdin.buffer, args.input_format)
            text = decode_text(read_stream(stream), "html" if kind == "html" else "txt")
        else:
            path = Path(args.path)
            source = Source(path, path, "html" if kind_of(path) == "html" else "txt")
            text = load_text(Doc(source, args.path))
    except ReadError as exc:
        print(f"cleaner: {args.path}: {exc}", file=sys.stderr)
        return 1
    result = cleaner.explain(text)
    if args.format == "json":
        json.dump([d.as_dict() for d in result.decisions], sys.stdout, ensure_ascii=False,
                  indent=1)
        sys.stdout.write("\n")
        return 0
    colour = _use_colour(args.color, sys.stdout)
    for d in result.decisions:
        mark = "keep" if d.keep else "DROP"
        row = f"{d.number:>5} {mark} {d.label:<20} {d.score:5.2f} {d.reason:<24} {d.text.strip()}"
        if colour:
            row = f"{_KEEP_COLOUR if d.keep else _DROP_COLOUR}{row}{_RESET}"
        print(row)
    return 0


_KEEP_COLOUR, _DROP_COLOUR, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[0m"


def _use_colour(choice: str, stream) -> bool:
    """``always``/``never``, or with ``auto`` a terminal without NO_COLOR (no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def cmd_train(args: argparse.Namespace) -> int:
    _require_training_packages()
    from cleaner.corpora import default_cache_dir, find_shared
    from cleaner.train import Settings, fit, training_sets

    shared = None if args.no_corpora else (args.shared or find_shared())
    if args.json and not args.cv:
        print("cleaner: --json prints --cv's figures; give --cv too", file=sys.stderr)
        return 2
    if args.cv and shared is None:
        print("cleaner: --cv scores corpus pages: it needs ../shared/corpora", file=sys.stderr)
        return 2
    if shared is None and not args.no_corpora:
        print("cleaner: ../shared/corpora not found; training on the team's data only",
              file=sys.stderr)
    settings = Settings(seed=args.seed)
    cache = None if args.no_cache else default_cache_dir()
    log = _stderr  # progress; stdout is for --cv's figures
    try:
        docs, lines = training_sets(args.data, shared, cache, settings, extra=args.extra,
                                    log=log)
    except (OSError, ValueError) as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 2
    if args.cv:
        return _cross_validate(args, docs, lines, shared, cache, settings)
    model = fit(docs, lines, settings, log=log)
    manifest = model.save(args.output, extra_info={
        "settings": vars(settings),
        "sources": {"lines": dict(sorted(Counter(x.source for x in lines).items())),
                    "documents": len(docs),
                    "corpora": bool(shared)},
    })
    print(f"cleaner: wrote {args.output} (sha256 {manifest['sha256'][:12]}…, "
          f"threshold {model.threshold})", file=sys.stderr)
    return 0


def _require_training_packages() -> None:
    """Training fits with scikit-learn on SciPy matrices, which cleaning does not need: a plain
    install lacks them, and the command says how to add them before it reads any data."""
    try:
        import scipy.sparse  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise CommandError(f"cleaner train needs scikit-learn and SciPy ({exc.name} is not "
                           "installed): pip install 'boilerplate-cleaner[train]'") from None


def _stderr(*parts: object) -> None:
    print(*parts, file=sys.stderr)


def _cross_validate(args: argparse.Namespace, docs: list, lines: list, shared: Path,
                    cache: Path | None, settings) -> int:
    """``cleaner train --cv``: the recipe's figures on unseen corpus pages; no model written."""
    from cleaner.evaluate import cross_validate

    corpora = cross_validate(docs, lines, shared, cache, settings, log=_stderr)
    return _print_report({"corpora": corpora, "scope": "train pages, cross-validated by site"},
                         args.json)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from cleaner.corpora import default_cache_dir, find_shared
    from cleaner.evaluate import evaluate
    from cleaner.train import DATA_DIR

    shared = args.shared or find_shared()
    report = evaluate(_cleaner(args), args.data or DATA_DIR, shared,
                      None if args.no_cache else default_cache_dir())
    if args.card:
        from cleaner.evaluate import write_card
        from cleaner.model import default_model_path

        write_card(args.model or default_model_path(), report, args.card, "cleaner evaluate")
    return _print_report(report, args.json)


def _print_report(report: dict, as_json: bool) -> int:
    """An evaluation's figures on stdout, as JSON or as Markdown tables."""
    from cleaner.evaluate import format_report

    if as_json:
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_report(report))
    return 0


def _add_input_options(p: argparse.ArgumentParser, kinds: tuple[str, ...]) -> None:
    warc = " 'WARC/' WARC," if "warc" in kinds else ""
    p.add_argument("--input-format", choices=("auto", *kinds), default="auto",
                   help="what stdin holds (auto: '{' first means JSONL, '<html' or "
                        f"'<!doctype' HTML,{warc} else text)")


#: The default of ``--doc-timeout``: a 20 MB document takes 3 to 5 s on one core.
DOC_TIMEOUT = 60.0


def build_parser() -> argparse.ArgumentParser:
    from cleaner.batch import CHUNK_DOCS
    from cleaner.sinks import FORMATS
    from cleaner.train import DATA_DIR, Settings

    parser = argparse.ArgumentParser(
        prog="cleaner", description="Strip boilerplate lines from scraped article text.")
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clean", help="clean text, HTML, JSONL and WARC files, folders, or stdin")
    p.add_argument("paths", nargs="*", default=["-"],
                   help="files or folders (recursive); '-' or nothing reads stdin")
    p.add_argument("-o", "--output",
                   help="output folder (mirrors input paths), or '-' for stdout")
    p.add_argument("--format", choices=FORMATS, default="txt",
                   help="output of text and HTML inputs (JSONL and WARC inputs always give "
                        "JSONL)")
    _add_input_options(p, ("txt", "html", "jsonl", "warc"))
    p.add_argument("--text-field", default="text", help="JSONL field holding the text")
    p.add_argument("--id-field", help="JSONL field naming a record in messages and reports")
    p.add_argument("-j", "--jobs", type=_jobs, default=-1,
                   help="worker processes (default -1: all cores)")
    p.add_argument("--chunk-size", type=int, default=CHUNK_DOCS, metavar="N",
                   help=f"documents per task given to a worker (default {CHUNK_DOCS})")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run on the Dask cluster whose scheduler is at ADDRESS")
    p.add_argument("--force", action="store_true", help="redo outputs that are up to date")
    p.add_argument("--doc-timeout", type=_seconds, default=DOC_TIMEOUT, metavar="SECONDS",
                   help="most seconds one document may take to read and clean; it fails when "
                        f"it takes longer (default {DOC_TIMEOUT:g}; 0: no limit)")
    p.add_argument("--report", type=Path, metavar="FILE",
                   help="write a JSONL audit: one record per document with every removed line")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    p.add_argument("--max-removed-ratio", type=_ratio, metavar="R",
                   help="flag a document when more than this share of its words is removed")
    p.add_argument("--on-excess", choices=("keep", "report"), default="report",
                   help="a flagged document is written uncleaned (keep) or cleaned (report)")
    p.add_argument("--repetition", action=argparse.BooleanOptionalAction, default=True,
                   help="first count the lines that recur across documents of a site and drop "
                        "those the model is not sure of (text and JSONL inputs; on by default)")
    p.add_argument("--site-field", default="url",
                   help="JSONL field whose URL host names a record's site (else its folder)")
    _add_model_options(p)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("explain", help="show every line's label, score, decision and reason")
    p.add_argument("path", nargs="?", default="-", help="a text or HTML file; '-' reads stdin")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the lines (auto: on a terminal, unless NO_COLOR is set)")
    _add_input_options(p, ("txt", "html", "jsonl"))
    _add_model_options(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("train", help="train the model from data/ and ../shared/corpora")
    p.add_argument("-o", "--output", type=Path, default=Path("models/cleaner.npz"),
                   help="the model file to write (its manifest goes beside it)")
    p.add_argument("--data", type=Path, default=DATA_DIR, help="the team's data folder")
    p.add_argument("--shared", type=Path, help="the shared folder holding corpora/")
    p.add_argument("--no-corpora", action="store_true", help="train on the team's data only")
    p.add_argument("--extra", type=Path, nargs="*", default=[],
                   help="your own labelled lines: TSV (label TAB text) or a --report "
                        "JSONL with corrected labels")
    p.add_argument("--seed", type=int, default=Settings().seed,
                   help="seed of every random choice (same seed, same model bytes)")
    p.add_argument("--no-cache", action="store_true",
                   help="do not cache trafilatura text in ~/.cache/cleaner/extract")
    p.add_argument("--cv", action="store_true",
                   help="write no model: score this recipe (data, --extra, seed) on the "
                        "corpora's train pages by 3-fold cross-validation by site (trains 3 "
                        "models), to compare changes without looking at the held-out part")
    p.add_argument("--json", action="store_true", help="with --cv: print the figures as JSON")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score the model on held-out data beside baselines")
    p.add_argument("--data", type=Path, default=None, help="the team's data folder")
    p.add_argument("--shared", type=Path, help="the shared folder holding corpora/")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--card", type=Path, help="also write a model card with these figures")
    p.add_argument("--no-cache", action="store_true",
                   help="do not cache trafilatura text in ~/.cache/cleaner/extract")
    _add_model_options(p)
    p.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from cleaner.model import ModelError
    from cleaner.patterns import PatternError

    try:
        return args.func(args)
    except (ModelError, PatternError, CommandError) as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print("\ncleaner: interrupted; finished outputs are kept, a rerun does the rest",
              file=sys.stderr)
        return 128 + getattr(exc, "signum", signal.SIGINT)  # 130 for SIGINT, 143 for SIGTERM


if __name__ == "__main__":
    sys.exit(main())
