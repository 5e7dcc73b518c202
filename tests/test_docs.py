"""The README and docs/ run as written: every fenced ``sh`` block in a scratch folder, every
``python`` block from the checkout, as a user would run it, writing nothing into it; a
``text`` block that starts with ``$ command`` shows what the command prints; and the README's
figures are the committed model's.

What a ``python`` block prints is checked against the doc. The convention: the ``text`` block
that follows it with only blank lines between is its output, compared exactly::

    ```python
    print(clean("Share this article").strip() == "")
    ```

    ```text
    True
    ```

and a ``python`` block with no such block must print nothing (what it shows is in its code
and comments).

A block that cannot run here is marked in its fence, after the language: ```` ```sh slow ````
(installing from the package index, training, benchmarks: minutes, not a unit test) or
```` ```sh skip: REASON ```` (a Dask cluster's address, say). It is not run; the test lists it
as skipped with that reason, and a ``skip`` without a reason fails. The install prefix of the
README's first command is dropped (the suite runs in an installed environment), and the test
command itself is CI's to run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$\n?", re.M | re.S)
INSTALL = re.compile(r"^python3 -m venv \.venv && \. \.venv/bin/activate && pip install [^&]+&& ")
#: Why a block marked ``slow`` (without a reason of its own) is not run.
SLOW = "marked slow: an install from the package index, a training or a benchmark"


def _fences() -> list[tuple[str, str, str, str, str | None]]:
    """(doc:line, kind, marker, code, output) of every fenced block of the docs: ``marker``
    is what its fence says after the language; ``output`` is the code of the ``text`` block
    that follows it with only blank lines between (a ``python`` block's output), or None."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        fences = list(FENCE.finditer(text))
        for m, after in zip(fences, [*fences[1:], None]):
            line = text.count("\n", 0, m.start()) + 1
            output = None
            if (after is not None and after.group(1) == "text"
                    and not text[m.end():after.start()].strip()):
                output = after.group(3)
            found.append((f"{doc.relative_to(ROOT)}:{line}", m.group(1), m.group(2).strip(),
                          m.group(3), output))
    return found


def _skipped(marker: str) -> bool:
    return marker.split(":")[0].strip() in ("slow", "skip")


def blocks(kind: str) -> list[tuple[str, str]]:
    """(doc:line, code) of every runnable block of ``kind`` in the docs."""
    return [(where, code) for where, k, marker, code, _ in _fences()
            if k == kind and not _skipped(marker)]


def _python_blocks() -> list[tuple[str, str, str]]:
    """(doc:line, code, the output it shows: "" when no output block follows it)."""
    return [(where, code, output or "") for where, kind, marker, code, output in _fences()
            if kind == "python" and not _skipped(marker)]


def _marked() -> list[tuple[str, str]]:
    """(doc:line, marker) of every block marked not to run."""
    return [(where, marker) for where, _, marker, _, _ in _fences() if _skipped(marker)]


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A folder whose data/ is the repo's, read only, where outputs land."""
    (tmp_path / "data").symlink_to(ROOT / "data")
    return tmp_path


def _run(cmd: list[str], cwd: Path, where: str) -> str:
    """What the command prints on stdout; it must succeed."""
    env = {**os.environ, "NO_COLOR": "1"}
    bindir = str(Path(sys.executable).parent)  # the `cleaner` command of this environment
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{where} failed ({done.returncode}):\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.mark.parametrize(("where", "code"), blocks("sh"), ids=[w for w, _ in blocks("sh")])
def test_shell_block_runs(where: str, code: str, scratch: Path) -> None:
    if "pytest" in code:
        pytest.skip("the test command is what CI runs")
    script = "set -euo pipefail\n" + "\n".join(INSTALL.sub("", line) for line in code.splitlines())
    _run(["bash", "-c", script], scratch, where)


@pytest.mark.parametrize(("where", "code", "shown"), _python_blocks(),
                         ids=[w for w, _, _ in _python_blocks()])
def test_python_block_runs_prints_what_the_doc_shows_and_writes_nothing_into_the_checkout(
        where: str, code: str, shown: str) -> None:
    before = _checkout_files()
    printed = _run([sys.executable, "-c", code], ROOT, where)
    assert printed == shown, f"{where}: the block prints\n{printed}"
    assert _checkout_files() == before


@pytest.mark.parametrize(("where", "marker"), _marked(), ids=[w for w, _ in _marked()])
def test_blocks_not_run_say_why(where: str, marker: str) -> None:
    kind, _, reason = marker.partition(":")
    assert kind.strip() == "slow" or reason.strip(), f"{where}: say why after 'skip:'"
    pytest.skip(f"{where}: {reason.strip() or SLOW}")


def _checkout_files() -> dict[str, int]:
    """The checkout's files (not git's, a venv's, caches or bytecode) and their mtimes."""
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache"}
    return {str(p.relative_to(ROOT)): p.stat().st_mtime_ns for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)}


def _transcripts() -> list[tuple[str, str, str]]:
    """(doc:line, command, output) of every ``text`` block that starts with ``$ command``."""
    return [(where, code.split("\n", 1)[0][2:], code.split("\n", 1)[1])
            for where, code in blocks("text") if code.startswith("$ ")]


@pytest.mark.parametrize(("where", "command", "output"), _transcripts(),
                         ids=[w for w, _, _ in _transcripts()])
def test_transcripts_show_what_the_command_prints(where: str, command: str, output: str,
                                                  scratch: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1",
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    done = subprocess.run(["bash", "-c", command], cwd=scratch, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.stdout == output, f"{where}: the output shown is not what it prints"


def test_docs_have_runnable_blocks() -> None:
    """The parser finds the README's commands (a changed fence would skip them all)."""
    assert len(blocks("sh")) >= 2 and len(blocks("python")) >= 2 and _transcripts()
    assert any(shown for _, _, shown in _python_blocks())


def test_readme_figures_are_the_committed_models() -> None:
    """The README's table is what benchmarks/figures.py makes of models/evaluation.json, which
    is the evaluation of the model whose checksum the model card names."""
    from cleaner.training.evaluate import readme_table

    report = json.loads((ROOT / "models" / "evaluation.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- figures -->\n(.*?)<!-- /figures -->", readme, re.S)
    assert table and table.group(1) == readme_table(report)
    manifest = json.loads((ROOT / "models" / "cleaner.json").read_text(encoding="utf-8"))
    card = (ROOT / "models" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert report["model_sha256"] == manifest["sha256"] and manifest["sha256"] in card
    assert f"{report['inserted']['removed_all']:.3f}" in card


def test_readme_installs_what_exists_and_says_what_the_samples_are() -> None:
    """No release is on PyPI: every `pip install` of the README installs the checkout, a wheel
    built from it, or a build tool; and the sample folder holds what the README says."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [t.strip() for t in re.findall(r"pip install ([^&#\n]+)", readme)]
    assert targets
    for target in targets:
        assert target.startswith("-e ") or "dist/" in target or target == "build", target
    samples = sorted((ROOT / "data" / "samples").iterdir())
    words = {6: "six", 7: "seven", 8: "eight"}
    assert {p.suffix for p in samples} == {".txt"}
    assert f"{words[len(samples)]} scraped articles as `.txt`" in readme
