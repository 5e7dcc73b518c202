"""Command line: ``cleaner clean``, ``explain``, ``review``, ``train`` and ``evaluate``."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from cleaner import __version__
from cleaner.document import LABELS
from cleaner.options import PRESETS, check_labels, check_threshold

if TYPE_CHECKING:
    from cleaner.sources import Source


def _setting(value: str) -> tuple[str, float | int]:
    """``NAME=VALUE`` for a field of recipe.Settings, its value of the field's type."""
    from cleaner.training.recipe import Settings

    name, _, raw = value.partition("=")
    default = {f.name: f.default for f in dataclasses.fields(Settings)}
    if name not in default or not raw:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give NAME=VALUE, NAME one of {', '.join(default)}")
    try:
        return name, type(default[name])(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: {name} takes a {type(default[name]).__name__}") from None


def _labels(value: str) -> frozenset[str]:
    return _checked(check_labels, [v.strip() for v in value.split(",") if v.strip()])


def _threshold(value: str) -> float:
    return _checked(check_threshold, value)


def _checked(check, value):
    """``check(value)`` (cleaner.options: the API's checks), its refusal as argparse's."""
    try:
        return check(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    p.add_argument("--trust-model", action="store_true",
                   help="accept a model file without a manifest beside it")
    p.add_argument("--keep", type=_labels, default=frozenset(),
                   help="comma-separated labels to keep besides content and title; labels: "
                        + ", ".join(LABELS))
    preset = p.add_mutually_exclusive_group()
    for name, factor in PRESETS.items():
        preset.add_argument(f"--{name}", dest="preset", action="store_const", const=name,
                            help=f"drop from P = 1 - {factor}(1 - the model's threshold) "
                                 f"({'fewer' if factor < 1 else 'more'} lines removed)")
    p.add_argument("--threshold", type=_threshold,
                   help="least boilerplate probability at which a line is dropped; longer "
                        "lines need more (default: the model's, or the preset's)")
    p.add_argument("--patterns", type=Path, metavar="FILE",
                   help="your own rules, one a line: label<TAB>text or label<TAB>re:regex")


def _cleaner(args: argparse.Namespace):
    from cleaner.pipeline import Cleaner

    return Cleaner(args.model, keep=args.keep, threshold=args.threshold,
                   trust_model=args.trust_model, patterns=args.patterns or (),
                   preset=args.preset)


def _number(value: str, parse: type[int] | type[float]) -> int | float:
    """``value`` parsed, or NaN when it is not a number (every range check then fails)."""
    try:
        return parse(value)
    except ValueError:
        return math.nan


def _ratio(value: str) -> float:
    ratio = _number(value, float)
    if not 0 <= ratio <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number between 0 and 1")
    return ratio


def _jobs(value: str) -> int:
    """A number of worker processes, or -1 for one per core."""
    jobs = _number(value, int)
    if not (jobs >= 1 or jobs == -1):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of worker processes; use 1 or more, or -1 for all cores")
    return jobs


def _count(value: str) -> int:
    count = _number(value, int)
    if not count >= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return count


def _seconds(value: str) -> float | None:
    seconds = _number(value, float)
    if not seconds >= 0:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of seconds; use 0 or more (0: no limit)")
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
    from cleaner.batch import repeated_lines, run, same_file
    from cleaner.files import atomic_file
    from cleaner.progress import Progress
    from cleaner.resume import State, settings_key
    from cleaner.run_options import Options
    from cleaner.sinks import FileSink, FolderSink, StreamSink
    from cleaner.sources import find_sources

    paths = [Path(p) for p in args.paths if p != "-"]
    use_stdin = len(paths) < len(args.paths) or not args.paths
    if use_stdin and paths:
        return _usage("read either stdin ('-') or files and folders, not both")
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        return _usage(f"no such file or folder: {', '.join(missing)}")
    out = args.output
    single = use_stdin or (len(paths) == 1 and not paths[0].is_dir())
    if out is None:
        if not single:
            return _usage("folders and several files need an output folder (-o OUT_DIR), "
                          "or -o - with --format jsonl for one JSONL stream on stdout")
        out = "-"
    to_stdout = out == "-"
    if len(paths) > 1 and not to_stdout and not _names_folder(out):
        return _usage(f"-o {out}: several inputs write a folder of outputs, and {out} is no "
                      f"folder; write {out}/ (a trailing /) to create one")
    out_file = Path(out) if single and not to_stdout and not _names_folder(out) else None
    out_dir = None if to_stdout or out_file else Path(out)
    if to_stdout and not single and args.format != "jsonl":
        return _usage("several documents go to stdout only as JSONL (--format jsonl)")
    if out_dir and any(p.is_dir() and p.resolve() == out_dir.resolve() for p in paths):
        return _usage(f"the output folder {out} is an input folder; choose another (-o)")
    if out_file and any(same_file(p, out_file) for p in paths):
        return _usage(f"the output file {out} is the input; choose another (-o)")

    skip = [p for p in (out_dir, out_file, args.report) if p is not None]  # never read back
    given = None if args.input_format == "auto" else args.input_format  # every file's kind
    progress = None
    if not args.quiet and sys.stderr.isatty() and not use_stdin:
        progress = Progress()  # shown at once: the model loads and the inputs are counted
    with contextlib.ExitStack() as stack:
        if progress is not None:
            stack.callback(progress.close)
            kinds = Counter(s.kind for s in find_sources(paths, exclude=skip, kind=given))
            progress.total = kinds.total()
            progress.one_document_per_file = not kinds["jsonl"]
        if not use_stdin:
            _require_warc(find_sources(paths, exclude=skip, kind=given))
        cleaner = _cleaner(args)
        jobs = stack.enter_context(_backend(args.dask, cleaner))  # before anything is written
        options = Options(text_field=args.text_field, id_field=args.id_field,
                          format=args.format, max_removed_ratio=args.max_removed_ratio,
                          on_excess=args.on_excess, site_field=args.site_field,
                          doc_timeout=args.doc_timeout)
        if args.repetition and not use_stdin:
            options = dataclasses.replace(
                options, repeats=repeated_lines(find_sources(paths, exclude=skip, kind=given),
                                                options, jobs=1 if args.dask else args.jobs))
        stdin = None
        if use_stdin:
            read = _stdin_source("clean", args.input_format)
            if read is None:
                return 1
            sources, stdin = [read[0]], read[1]
            _require_warc(sources)
        else:
            sources = find_sources(paths, exclude=skip, kind=given)
        state = None
        if to_stdout:
            sink = StreamSink(sys.stdout.buffer, args.format, args.text_field)
        elif out_file:
            sink = FileSink(out_file, args.format, args.text_field)
        else:
            sink = FolderSink(out_dir, args.format, args.text_field)
            state = State(out_dir, settings_key(cleaner, options), force=args.force)
        with atomic_file(args.report) if args.report else contextlib.nullcontext() as report:
            summary = run(cleaner, sources, sink, options, jobs=jobs or args.jobs, state=state,
                          report=report, progress=progress, stdin=stdin,
                          chunk_docs=args.chunk_size)
    if not args.quiet and not (to_stdout and single and summary.handled == 1):
        print(summary.table(args.report and str(args.report)), file=sys.stderr)
    if summary.handled == 0:
        print("cleaner: no inputs found (.txt, .html, .htm, .jsonl, .warc, .wet, each also .gz, "
              ".zst, .bz2 or .xz)", file=sys.stderr)
        return 2  # nothing to do: like a command that cannot start
    # 1: some input could not be read or cleaned (each named above); a page with no main
    # text, a record whose text is null or an output up to date is a normal outcome, and so
    # is a record that failed in an earlier run and has not changed (named then, counted now).
    return 1 if summary.failed else 0


def _names_folder(out: str) -> bool:
    """Whether ``-o OUT`` for one input names a folder: an existing one, or ending in '/'."""
    return Path(out).is_dir() or out.endswith(("/", os.sep))


def _stdin_source(command: str, input_format: str) -> tuple[Source, BinaryIO] | None:
    """stdin as a source and the stream to read it from (its kind sniffed unless given), or
    None, said on stderr, when it cannot be read."""
    from cleaner.sources import STDIN_NAME, ReadError, Source, sniff_stdin

    _hint_stdin(command)
    try:
        kind, stream = sniff_stdin(sys.stdin.buffer, input_format)
    except ReadError as exc:
        print(f"cleaner: {STDIN_NAME}: {exc}", file=sys.stderr)
        return None
    return Source(None, Path("stdin"), kind), stream


def _hint_stdin(command: str) -> None:
    """Say so on stderr when stdin is a terminal: ``cleaner clean`` alone would otherwise
    wait for typed text without a word."""
    hint = stdin_hint(sys.stdin, command)
    if hint is not None:
        print(hint, file=sys.stderr)


def stdin_hint(stdin, command: str) -> str | None:
    """What to tell a user whose stdin is a terminal, or None when it is a pipe or a file."""
    if not stdin.isatty():
        return None
    return f"cleaner: reading text from stdin (Ctrl-D to end; see cleaner {command} --help)"


#: Seconds to wait for a Dask scheduler to answer before the command gives up (exit 2).
DASK_TIMEOUT = 10


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
        client = Client(address, timeout=DASK_TIMEOUT)
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
    """``cleaner explain``: every line's decision, for each record of a JSONL input."""
    from cleaner.sources import Source, documents, kind_of

    if args.path == "-":
        read = _stdin_source("explain", args.input_format)
        if read is None:
            return 1
        source, stream = read
    else:
        path, stream = Path(args.path), None
        if not os.path.lexists(path):
            return _usage(f"no such file: {path}")
        if path.is_dir():
            return _usage(f"{path} is a folder; explain takes one file")
        given = None if args.input_format == "auto" else args.input_format
        source = Source(path, path, given or kind_of(path) or "txt")
    cleaner = _cleaner(args)
    show = _explained_json if args.format == "json" else _explained_rows(args.color)
    failed = False
    for doc in documents(source, args.text_field, args.id_field, stream):
        decisions, problem = _explain_document(cleaner, doc)
        failed |= problem is not None and doc.skipped is None
        show(doc, decisions, problem, source.kind == "jsonl")
    sys.stdout.flush()  # a closed pipe is met here, not at exit
    return 1 if failed else 0


def _explain_document(cleaner, doc) -> tuple[tuple, str | None]:
    """A document's decisions, or why it has none; its problems and warnings go to stderr."""
    from cleaner.extract import NO_TEXT_EXTRACTED
    from cleaner.sources import ReadError, charset_notice, load_text

    def warn(message: str) -> None:
        print(f"cleaner: {doc.id}: warning: {message}", file=sys.stderr)

    def guessed(charset: str) -> None:
        print(f"cleaner: {doc.id}: {charset_notice(charset)}", file=sys.stderr)

    for message in doc.warnings:
        warn(message)
    if doc.guessed_charset is not None:
        guessed(doc.guessed_charset)
    problem = doc.error or doc.skipped
    if problem is None:
        try:
            text = load_text(doc, warn, guessed)
        except ReadError as exc:
            problem = str(exc)
        else:
            if doc.source.kind == "html" and not text.strip():
                print(f"cleaner: {doc.id}: {NO_TEXT_EXTRACTED}", file=sys.stderr)
            return cleaner.explain(text).decisions, None
    print(f"cleaner: {doc.id}: {'skipped, ' if doc.skipped else ''}{problem}", file=sys.stderr)
    return (), problem


def _explained_json(doc, decisions: tuple, problem: str | None, per_record: bool) -> None:
    """A file's decisions as one JSON array; a JSONL input's as one object per record."""
    rows = [d.as_dict() for d in decisions]
    if not per_record:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    record: dict[str, object] = {"id": doc.id, "lines": rows}
    if problem is not None:
        record["skipped" if doc.skipped else "failed"] = problem
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def _explained_rows(color: str):
    """One row a line (coloured on a terminal); a JSONL record's rows under a ``# id`` line."""
    colour = _use_colour(color, sys.stdout)

    def show(doc, decisions: tuple, problem: str | None, per_record: bool) -> None:
        if per_record:
            print(f"# {doc.id}" + (f": not explained, {problem}" if problem else ""))
        for d in decisions:
            mark = "keep" if d.keep else "DROP"
            row = (f"{d.number:>5} {mark} {d.label:<20} {d.score:5.2f} {d.reason:<24} "
                   f"{d.text.strip()}")
            if colour:
                row = f"{_KEEP_COLOUR if d.keep else _DROP_COLOUR}{row}{_RESET}"
            print(row)

    return show


_KEEP_COLOUR, _DROP_COLOUR, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[0m"


def _use_colour(choice: str, stream) -> bool:
    """``always``/``never``, or with ``auto`` a terminal without NO_COLOR (no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def cmd_train(args: argparse.Namespace) -> int:
    _require_training_packages()
    from cleaner.training.corpora import default_cache_dir, find_shared
    from cleaner.training.train import Settings, fit, training_sets

    shared = None if args.no_corpora else _shared_dir(args.shared) or find_shared()
    if args.json and not args.cv:
        print("cleaner: --json prints --cv's figures; give --cv too", file=sys.stderr)
        return 2
    if args.cv and shared is None:
        print("cleaner: --cv scores corpus pages: it needs ../shared/corpora", file=sys.stderr)
        return 2
    if shared is None and not args.no_corpora:
        print("cleaner: ../shared/corpora not found; training on the team's data only",
              file=sys.stderr)
    settings = dataclasses.replace(Settings(seed=args.seed), **dict(args.set))
    cache = None if args.no_cache else default_cache_dir()
    log = _stderr  # progress; stdout is for --cv's figures
    data = _data_dir(args.data)
    try:
        docs, lines = training_sets(data, shared, cache, settings, extra=args.extra,
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
                    "read_pages": sum(d.read for d in docs),
                    "corpora": bool(shared)},
    })
    print(f"cleaner: wrote {args.output} (sha256 {manifest['sha256'][:12]}…, "
          f"threshold {model.threshold})", file=sys.stderr)
    return 0


def _data_dir(given: Path | None) -> Path:
    """The team's data folder: --data, else data/ of the checkout the package runs from. It is
    not in the wheel, so an installed package has none, and a missing folder would end deep in
    training or evaluation with a traceback."""
    from cleaner.training.train import DATA_DIR

    path = given or DATA_DIR
    if given is None and not path.is_dir():  # an installed wheel: it ships no data/
        raise CommandError("cleaner train and evaluate need a checkout of the repository: its "
                           "data/ folder and the ../shared folder beside it (corpora/), and "
                           "this installed package has neither; run them from a checkout, or "
                           "point at them with --data DIR and --shared DIR")
    if not (path / "lines").is_dir():
        raise CommandError(f"{path}: not the team's data folder (it has no lines/); cleaner "
                           "train and evaluate read data/ of a checkout of the repository: "
                           "run them from the checkout or give --data PATH")
    return path


def _shared_dir(given: Path | None) -> Path | None:
    """--shared as given, once it is seen to hold corpora/ (None when not given)."""
    if given is not None and not (given / "corpora").is_dir():
        raise CommandError(f"--shared {given}: no corpora/ folder in it")
    return given


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
    from cleaner.training.evaluate import cross_validate

    corpora = cross_validate(docs, lines, shared, cache, settings, log=_stderr)
    return _print_report({"corpora": corpora, "scope": "train pages, cross-validated by site"},
                         args.json)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from cleaner.training.corpora import default_cache_dir, find_shared
    from cleaner.training.evaluate import evaluate

    data = _data_dir(args.data)
    shared = _shared_dir(args.shared) or find_shared()
    report = evaluate(_cleaner(args), data, shared,
                      None if args.no_cache else default_cache_dir())
    if args.card:
        from cleaner.model import default_model_path
        from cleaner.training.evaluate import write_card

        write_card(args.model or default_model_path(), report, args.card, "cleaner evaluate")
    return _print_report(report, args.json)


def cmd_review(args: argparse.Namespace) -> int:
    """``cleaner review``: the page of a run's report; 1 when some input of a sampled document
    could not be read (the page is written all the same, those documents without kept lines)."""
    from cleaner.files import write_atomic
    from cleaner.review import ReportError, read_review
    from cleaner.review_page import kept_lines, page_data, render_page, source_texts

    report = Path(args.report)
    if not report.is_file():
        return _usage(f"no such report file: {report}" if not report.exists()
                      else f"{report} is a folder, not a --report file")
    output = args.output or report.with_suffix(".html")
    try:
        review = read_review(report)
    except (OSError, ReportError) as exc:
        return _usage(str(exc) if isinstance(exc, ReportError) else f"{report}: {exc}")
    problems: list[str] = []

    def notice(message: str) -> None:
        problems.append(message)
        print(f"cleaner: {message}", file=sys.stderr)

    given = None if args.input_format == "auto" else args.input_format
    kept = kept_lines(review.sample(), source_texts(given, args.text_field, args.id_field),
                      notice)
    write_atomic(output, render_page(page_data(review, report.name, kept)))
    print(f"cleaner: wrote {output}: {sum(review.status.values()):,} document(s) in the report, "
          f"{len(review.sample()):,} shown line by line", file=sys.stderr)
    return 1 if problems else 0


def _print_report(report: dict, as_json: bool) -> int:
    """An evaluation's figures on stdout, as JSON or as Markdown tables."""
    from cleaner.training.evaluate import format_report

    if as_json:
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_report(report))
    return 0


def _add_input_options(p: argparse.ArgumentParser, kinds: tuple[str, ...]) -> None:
    warc = " 'WARC/' WARC," if "warc" in kinds else ""
    p.add_argument("--input-format", choices=("auto", *kinds), default="auto",
                   help="the format of every input, stdin and files whatever their names "
                        "(auto: a file goes by its name; on stdin '{' first means JSONL, "
                        f"'<html' or '<!doctype' HTML,{warc} else text)")
    p.add_argument("--text-field", default="text", help="JSONL field holding the text")
    p.add_argument("--id-field", default="id",
                   help="JSONL field naming a record in messages and reports (default: id; "
                        "a record without it: file:line number)")


#: What each exit code of ``cleaner clean`` and ``cleaner explain`` means (their --help).
EXIT_CODES = """\
exit codes:
  0    every input was cleaned, or had nothing to clean (a page with no main text,
       a JSONL record whose text is null, a WARC record that is no page) or was up
       to date (a record that failed in an earlier run and has not changed since
       included); also when the reader of stdout stopped early (| head)
  1    some input could not be read or cleaned in this run; each is named on
       stderr, the others were written
  2    usage error: a bad option, a path that does not exist, an unreadable model or
       patterns file, no input found, a missing extra
  130  interrupted by Ctrl-C (143: SIGTERM); finished outputs are kept
"""


#: The default of ``--doc-timeout``: a 20 MB text of 300,000 distinct lines takes about 5.5 s
#: of CPU (docs/speed.md); 60 s leaves room for a loaded machine and slower cores.
DOC_TIMEOUT = 60.0


def build_parser() -> argparse.ArgumentParser:
    from cleaner.batch import CHUNK_DOCS
    from cleaner.sinks import FORMATS
    from cleaner.training.recipe import Settings

    parser = argparse.ArgumentParser(
        prog="cleaner", description="Strip boilerplate lines from scraped article text.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clean", help="clean text, HTML, JSONL and WARC files, folders, or stdin",
                       epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", default=["-"],
                   help="files or folders (recursive); '-' or nothing reads stdin")
    p.add_argument("-o", "--output",
                   help="output folder (mirrors input paths), or '-' for stdout; with one "
                        "input file or stdin, the output file, unless it is a folder or ends "
                        "with '/'")
    p.add_argument("--format", choices=FORMATS, default="txt",
                   help="output of text and HTML inputs (JSONL and WARC inputs always give "
                        "JSONL)")
    _add_input_options(p, ("txt", "html", "jsonl", "warc"))
    p.add_argument("-j", "--jobs", type=_jobs, default=-1,
                   help="worker processes (default -1: all cores)")
    p.add_argument("--chunk-size", type=_count, default=CHUNK_DOCS, metavar="N",
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

    p = sub.add_parser("explain", help="show every line's label, score, decision and reason",
                       epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", nargs="?", default="-",
                   help="a text, HTML or JSONL file (each record explained under its id); "
                        "'-' reads stdin")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: one array of lines, or for JSONL one object per record "
                        "({id, lines})")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the lines (auto: on a terminal, unless NO_COLOR is set)")
    _add_input_options(p, ("txt", "html", "jsonl"))
    _add_model_options(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("train", help="train the model from data/ and ../shared/corpora")
    p.add_argument("-o", "--output", type=Path, default=Path("models/cleaner.npz"),
                   help="the model file to write (its manifest goes beside it)")
    p.add_argument("--data", type=Path, help="the team's data folder (default: data/ of the "
                   "checkout)")
    p.add_argument("--shared", type=Path, help="the shared folder holding corpora/")
    p.add_argument("--no-corpora", action="store_true", help="train on the team's data only")
    p.add_argument("--extra", type=Path, nargs="*", default=[],
                   help="your own labelled lines: TSV (label TAB text) or a --report "
                        "JSONL with corrected labels")
    p.add_argument("--seed", type=int, default=Settings().seed,
                   help="seed of every random choice (same seed, same model bytes)")
    p.add_argument("--set", type=_setting, action="append", default=[], metavar="NAME=VALUE",
                   help="change one training setting (repeatable), e.g. --set keep_target=0.998;"
                        f" settings: {', '.join(f.name for f in dataclasses.fields(Settings))}")
    p.add_argument("--no-cache", action="store_true",
                   help="do not cache trafilatura text in ~/.cache/cleaner/extract")
    p.add_argument("--cv", action="store_true",
                   help="write no model: score this recipe (data, --extra, seed) on the "
                        "corpora's train pages by 3-fold cross-validation by site (trains 3 "
                        "models), to compare changes without looking at the held-out part")
    p.add_argument("--json", action="store_true", help="with --cv: print the figures as JSON")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("review", help="write an HTML page of what a run removed, from its "
                       "--report file: figures, the lines it loses, documents, corrections")
    p.add_argument("report", help="the --report file of a cleaner clean run")
    p.add_argument("-o", "--output", type=Path,
                   help="the page to write (default: the report's name with .html)")
    _add_input_options(p, ("txt", "html", "jsonl", "warc"))
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("evaluate", help="score the model on held-out data beside baselines")
    p.add_argument("--data", type=Path, help="the team's data folder (default: data/ of the "
                   "checkout)")
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
    from cleaner.sinks import OutputClosed

    try:
        return args.func(args)
    except (ModelError, PatternError, CommandError) as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 2
    except (OutputClosed, BrokenPipeError):  # `| head` has what it wanted: not an error
        _drop_stdout()
        return 0
    except KeyboardInterrupt as exc:
        written = getattr(exc, "written", None)
        after = "" if written is None else f" after {written:,} output(s) written"
        print(f"\ncleaner: interrupted{after}; finished outputs are kept, a rerun does the rest",
              file=sys.stderr)
        return 128 + getattr(exc, "signum", signal.SIGINT)  # 130 for SIGINT, 143 for SIGTERM


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that nothing is written to the closed pipe at exit
    (Python would print an 'Exception ignored' message)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
