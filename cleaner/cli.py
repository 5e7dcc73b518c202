"""Command line: ``cleaner clean``, ``cleaner explain``, ``cleaner train``, ``cleaner evaluate``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cleaner.document import ARTICLE_LABELS, LABELS


def _labels(value: str) -> frozenset[str]:
    labels = frozenset(v.strip() for v in value.split(",") if v.strip())
    unknown = labels - set(LABELS)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown label(s) {', '.join(sorted(unknown))}; known: {', '.join(LABELS)}"
        )
    return labels


def _add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    p.add_argument("--trust-model", action="store_true",
                   help="accept a model file without a manifest beside it")
    p.add_argument("--keep", type=_labels, default=frozenset(),
                   help="comma-separated labels to keep besides content and title")
    p.add_argument("--threshold", type=float,
                   help="least boilerplate probability at which a line is dropped; longer "
                        "lines need more (default: the model's)")


def _cleaner(args: argparse.Namespace):
    from cleaner.pipeline import Cleaner

    return Cleaner(args.model, keep=ARTICLE_LABELS | args.keep, threshold=args.threshold,
                   trust_model=args.trust_model)


def cmd_clean(args: argparse.Namespace) -> int:
    from cleaner.batch import clean_files, read_text

    cleaner = _cleaner(args)
    paths = [p for p in args.paths if p != "-"]
    if not paths:
        sys.stdout.write(cleaner.clean(sys.stdin.read()))
        return 0
    if args.output is None:
        if len(paths) == 1 and Path(paths[0]).is_file():
            sys.stdout.write(cleaner.clean(read_text(Path(paths[0]))))
            return 0
        print("cleaner: folders and several files need an output folder (-o OUT_DIR)",
              file=sys.stderr)
        return 2
    summary = clean_files(cleaner, [Path(p) for p in paths], args.output)
    print(f"cleaner: {summary.cleaned} file(s) cleaned, {summary.lines_removed} line(s) removed"
          + (f", {len(summary.failed)} failed" if summary.failed else ""), file=sys.stderr)
    return 1 if summary.failed or not summary.cleaned else 0


def cmd_explain(args: argparse.Namespace) -> int:
    from cleaner.batch import read_text

    cleaner = _cleaner(args)
    text = sys.stdin.read() if args.path == "-" else read_text(Path(args.path))
    result = cleaner.explain(text)
    if args.format == "json":
        json.dump([d.as_dict() for d in result.decisions], sys.stdout, ensure_ascii=False,
                  indent=1)
        sys.stdout.write("\n")
        return 0
    for d in result.decisions:
        mark = "keep" if d.keep else "DROP"
        print(f"{d.number:>5} {mark} {d.label:<20} {d.score:5.2f} {d.reason:<24} {d.text.strip()}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from cleaner.corpora import default_cache_dir, find_shared
    from cleaner.train import Settings, fit, training_sets

    shared = None if args.no_corpora else (args.shared or find_shared())
    if shared is None and not args.no_corpora:
        print("cleaner: ../shared/corpora not found; training on the team's data only",
              file=sys.stderr)
    settings = Settings(seed=args.seed)
    cache = None if args.no_cache else default_cache_dir()
    try:
        docs, team = training_sets(args.data, shared, cache, settings, extra=args.extra)
    except (OSError, ValueError) as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 2
    model = fit(docs, team, settings)
    manifest = model.save(args.output, extra_info={
        "settings": vars(settings),
        "sources": {"team_lines": len(team), "documents": len(docs),
                    "corpora": bool(shared)},
    })
    print(f"cleaner: wrote {args.output} (sha256 {manifest['sha256'][:12]}…, "
          f"threshold {model.threshold:.2f}, word cost {model.word_cost})", file=sys.stderr)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from cleaner.corpora import default_cache_dir, find_shared
    from cleaner.evaluate import evaluate, format_report
    from cleaner.train import DATA_DIR

    shared = args.shared or find_shared()
    report = evaluate(_cleaner(args), args.data or DATA_DIR, shared,
                      None if args.no_cache else default_cache_dir())
    if args.card:
        from cleaner.evaluate import write_card
        from cleaner.model import default_model_path

        write_card(args.model or default_model_path(), report, args.card, "cleaner evaluate")
    if args.json:
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_report(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from cleaner.train import DATA_DIR, Settings

    parser = argparse.ArgumentParser(
        prog="cleaner", description="Strip boilerplate lines from scraped article text.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clean", help="clean .txt files, folders, or stdin")
    p.add_argument("paths", nargs="*", default=["-"],
                   help="files or folders (recursive); '-' or nothing reads stdin")
    p.add_argument("-o", "--output", type=Path, help="output folder (mirrors input paths)")
    _add_model_options(p)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("explain", help="show every line's label, score, decision and reason")
    p.add_argument("path", nargs="?", default="-")
    p.add_argument("--format", choices=("text", "json"), default="text")
    _add_model_options(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("train", help="train the model from data/ and ../shared/corpora")
    p.add_argument("-o", "--output", type=Path, default=Path("models/cleaner.npz"))
    p.add_argument("--data", type=Path, default=DATA_DIR)
    p.add_argument("--shared", type=Path, help="the shared folder holding corpora/")
    p.add_argument("--no-corpora", action="store_true", help="train on the team's data only")
    p.add_argument("--extra", type=Path, nargs="*", default=[],
                   help="your own labelled lines: TSV (label TAB text) or a --report "
                        "JSONL with corrected labels")
    p.add_argument("--seed", type=int, default=Settings().seed)
    p.add_argument("--no-cache", action="store_true", help="do not cache trafilatura text")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score the model on held-out data beside baselines")
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--shared", type=Path)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--card", type=Path, help="also write a model card with these figures")
    p.add_argument("--no-cache", action="store_true")
    _add_model_options(p)
    p.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from cleaner.model import ModelError

    try:
        return args.func(args)
    except ModelError as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
