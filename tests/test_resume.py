"""Reruns redo only what changed: records of a JSONL file, documents whose own repeated-line
evidence changed; a record that failed stays failed, reported once; the state keeps no
report records."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from inputs import ARTICLE
from test_batch import clean_folder, outputs

from cleaner import Cleaner
from cleaner.batch import repeated_lines
from cleaner.resume import STATE_FILE
from cleaner.run_options import Options
from cleaner.sources import find_sources


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], capture_output=True,
                          text=True)


def jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_a_jsonl_rerun_cleans_only_new_or_changed_records_and_a_failure_once(tmp_path: Path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    records = [{"id": f"r{i}", "text": ARTICLE.replace("six", str(i + 2))} for i in range(3)]
    records.insert(1, {"id": "bad", "text": 42})
    data = src / "r.jsonl"
    jsonl(data, records)
    report = tmp_path / "report.jsonl"
    args = ["clean", str(src), "-o", str(out), "--report", str(report)]

    first = cli(*args)
    assert first.returncode == 1
    assert "cleaner: bad: 'text' field is not a string (a number)" in first.stderr
    assert "3 document(s) cleaned" in first.stderr
    written = (out / "r.jsonl").read_bytes()
    assert len(written.splitlines()) == 4

    # Nothing changed: nothing is cleaned, the failure is not named again but counted, and
    # the report lists it; the exit code is 0 (docs/cli.md, exit codes).
    again = cli(*args)
    assert again.returncode == 0, again.stderr
    assert "cleaner: bad:" not in again.stderr and "0 document(s) cleaned" in again.stderr
    assert (f'failed earlier: 1 (in an earlier run, and their input has not changed since; '
            f'listed in {report} with "earlier": true; --force tries them again)') \
        in again.stderr
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert rows == [
        {"source": str(data), "id": "bad", "status": "failed",
         "reason": "'text' field is not a string (a number)", "earlier": True},
        {"source": str(data), "status": "up to date", "output": str(out / "r.jsonl"),
         "documents": 3}]
    assert (out / "r.jsonl").read_bytes() == written

    # One record appended: only it is cleaned; the others keep their output lines.
    jsonl(data, [*records, {"id": "r9", "text": ARTICLE.replace("six", "ten")}])
    appended = cli(*args)
    assert appended.returncode == 0, appended.stderr
    assert "1 document(s) cleaned" in appended.stderr and "failed earlier: 1" in appended.stderr
    assert "cleaner: bad:" not in appended.stderr
    lines = (out / "r.jsonl").read_bytes().splitlines(keepends=True)
    assert b"".join(lines[:4]) == written and len(lines) == 5
    assert json.loads(lines[4])["id"] == "r9" and "ten weeks" in json.loads(lines[4])["text"]
    statuses = [json.loads(line)["status"] for line in report.read_text().splitlines()]
    assert statuses == ["failed", "cleaned", "up to date"]

    # The failing record fixed: it alone is cleaned, and the output is a fresh run's.
    records[1] = {"id": "bad", "text": ARTICLE.replace("six", "eight")}
    jsonl(data, [*records, {"id": "r9", "text": ARTICLE.replace("six", "ten")}])
    fixed = cli(*args)
    assert fixed.returncode == 0 and "1 document(s) cleaned" in fixed.stderr
    assert "failed earlier" not in fixed.stderr
    assert cli("clean", str(src), "-o", str(tmp_path / "fresh")).returncode == 0
    assert (out / "r.jsonl").read_bytes() == (tmp_path / "fresh" / "r.jsonl").read_bytes()

    forced = cli(*args, "--force")
    assert "5 document(s) cleaned" in forced.stderr


def _site(folder: Path, n: int) -> None:
    """``n`` articles of one site (a folder): a footer on every page, a promotion on ten."""
    folder.mkdir(parents=True)
    for i in range(n):
        lines = [f"Story {i}: the council met on day {i} and approved the harbour budget.",
                 ARTICLE.replace("six", str(i + 2)), "Read the city desk's newsletter."]
        if i < 10:
            lines.append("Members save ten percent at the harbour shop this week.")
        (folder / f"{i:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_recurring_line_added_to_one_file_redoes_only_the_files_holding_it(
        cleaner: Cleaner, tmp_path: Path):
    src, out = tmp_path / "in", tmp_path / "out"
    _site(src / "site", 100)

    def rerun(target: Path, force: bool = False):
        options = Options(repeats=repeated_lines(find_sources([src], exclude=target), Options()))
        assert options.repeats, "the site must have repeated lines"
        return clean_folder(cleaner, [src], target, options, force=force)[0]

    assert rerun(out).documents == 100
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "site").iterdir()}
    grown = src / "site" / "050.txt"
    grown.write_text(grown.read_text(encoding="utf-8")
                     + "Members save ten percent at the harbour shop this week.\n",
                     encoding="utf-8")
    summary = rerun(out)
    # The promotion now recurs in 11 documents: those 11 are redone, the 89 others are not.
    assert summary.documents == 11 and summary.skipped == {"output up to date": 89}
    redone = {name for name, t in stamps.items() if (out / "site" / name).stat().st_mtime_ns != t}
    assert redone == {f"{i:03d}.txt" for i in (*range(10), 50)}
    assert rerun(tmp_path / "fresh").documents == 100
    assert outputs(out) == outputs(tmp_path / "fresh")


def test_the_state_keeps_no_report_records(cleaner: Cleaner, tmp_path: Path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(20):
        (src / f"{i:02d}.txt").write_text(ARTICLE.replace("six", str(i + 2)), encoding="utf-8")
    summary, report, _ = clean_folder(cleaner, [src], out)
    assert summary.removed_lines and b"Advertisement" in report
    state = (out / STATE_FILE).read_bytes()
    assert b"Advertisement" not in state and b"removed" not in state
    with sqlite3.connect(out / STATE_FILE) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert "reports" not in tables


def test_the_exit_code_of_a_rerun_with_earlier_failures_is_documented():
    from cleaner.cli import EXIT_CODES

    zero, one = EXIT_CODES.split("\n  1 ")[0], EXIT_CODES.split("\n  1 ")[1].split("\n  2 ")[0]
    assert "failed in an earlier run and has not changed since" in " ".join(zero.split())
    assert "in this run" in " ".join(one.split())
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "| 0 |" in readme and "failed in an earlier run and have not changed" in readme


def test_a_guessed_charset_is_said_again_for_a_document_cleaned_in_a_rerun(tmp_path: Path):
    """Resume keeps the charset notice of a document it cleans again (the merge of issue 25's
    charset notice and record-level resume: a rerun's outcome is rebuilt after cleaning)."""
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "report.jsonl"
    src.mkdir()
    legacy = src / "cp1252.txt"
    french = ("Les prêts immobiliers coûtent plus cher: le taux moyen a dépassé 4 % à Noël, "
              "selon la banque du port de Brest.\n")
    legacy.write_bytes(french.encode("cp1252"))
    (src / "utf8.txt").write_text(ARTICLE, encoding="utf-8")
    args = ["clean", str(src), "-o", str(out), "--report", str(report)]
    first = cli(*args)
    assert first.returncode == 0 and f"cleaner: {legacy}: charset guessed: " in first.stderr

    legacy.write_bytes(french.replace("Brest", "Quimper").encode("cp1252"))
    again = cli(*args)
    assert again.returncode == 0 and "1 document(s) cleaned" in again.stderr
    charset = next(row["guessed_charset"] for row in map(json.loads, report.read_text(
        encoding="utf-8").splitlines()) if row.get("id") == str(legacy))
    assert f"cleaner: {legacy}: charset guessed: {charset}" in again.stderr
    assert "Quimper" in (out / "cp1252.txt").read_text(encoding="utf-8")


def test_a_file_read_as_jsonl_by_input_format_resumes_record_by_record(tmp_path: Path):
    """`--input-format jsonl` makes any file a record stream, resumed per record; read in
    another format, the same file gives other documents, so its output is redone, even when
    the output's name is the same."""
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "report.jsonl"
    src.mkdir()
    crawl = src / "crawl.log"
    records = [{"id": f"r{i}", "text": ARTICLE.replace("six", str(i + 2))} for i in range(3)]
    jsonl(crawl, records)
    args = ["clean", str(src), "-o", str(out), "--report", str(report), "--format", "jsonl"]
    assert cli(*args, "--input-format", "jsonl").returncode == 0
    written = (out / "crawl.jsonl").read_bytes()

    jsonl(crawl, [*records, {"id": "r9", "text": ARTICLE.replace("six", "ten")}])
    appended = cli(*args, "--input-format", "jsonl")
    assert appended.returncode == 0, appended.stderr
    assert "1 document(s) cleaned" in appended.stderr
    lines = (out / "crawl.jsonl").read_bytes().splitlines(keepends=True)
    assert b"".join(lines[:3]) == written and json.loads(lines[3])["id"] == "r9"
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [(row["status"], row.get("documents")) for row in rows] == [
        ("cleaned", None), ("up to date", 3)]

    # Read as text, crawl.log is one document, written to the same crawl.jsonl (--format jsonl).
    as_text = cli(*args, "--input-format", "txt")
    assert as_text.returncode == 0, as_text.stderr
    assert "1 document(s) cleaned" in as_text.stderr and "up to date" not in as_text.stderr
    (record,) = map(json.loads, (out / "crawl.jsonl").read_text(encoding="utf-8").splitlines())
    assert record["id"] == str(crawl) and '"id": "r9"' in record["text"]
