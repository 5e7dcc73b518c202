"""Cleaning files and folders: find inputs, mirror their paths, write outputs atomically."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.files import write_atomic
from cleaner.pipeline import Cleaner

TEXT_SUFFIXES = (".txt",)


@dataclass
class Summary:
    """What a run did: files cleaned, and each failure with its reason."""

    cleaned: int = 0
    lines_removed: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)


def find_inputs(paths: Sequence[Path]) -> Iterator[tuple[Path, Path]]:
    """(input file, output path relative to the output folder) for files and folders."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and file.suffix.lower() in TEXT_SUFFIXES:
                    yield file, file.relative_to(path)
        else:
            yield path, Path(path.name)


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a byte-order mark is dropped)."""
    return path.read_bytes().decode("utf-8-sig")


def clean_files(cleaner: Cleaner, paths: Sequence[Path], out_dir: Path) -> Summary:
    """Clean every input into ``out_dir``; a failing file is reported and the run goes on."""
    summary = Summary()
    for src, rel in find_inputs(paths):
        try:
            result = cleaner.explain(read_text(src))
            write_atomic(out_dir / rel, result.text)
        except (OSError, UnicodeDecodeError) as exc:
            reason = _reason(exc)
            summary.failed.append((src, reason))
            print(f"cleaner: {src}: {reason}", file=sys.stderr)
            continue
        summary.cleaned += 1
        summary.lines_removed += len(result.removed)
    return summary


def _reason(exc: OSError | UnicodeDecodeError) -> str:
    """What went wrong with a file, in words a user can act on."""
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    return exc.strerror or str(exc)
