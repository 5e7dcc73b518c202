"""The command line on real files: folders mirrored, stdin/stdout, failures named, exit codes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from inputs import ARTICLE, PACK, PAGE


def run(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    """The CLI on ``stdin``; its output is bytes when stdin is bytes, else text."""
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], input=stdin,
                          capture_output=True, text=not isinstance(stdin, bytes))


def test_folder_is_mirrored(tmp_path: Path):
    src = tmp_path / "in"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b" / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "two.txt").write_text(ARTICLE, encoding="utf-8")
    for packed, pack in PACK.items():  # a.txt.gz -> a.txt, and so on
        (src / f"packed{packed[1:]}.txt{packed}").write_bytes(pack(ARTICLE.encode("utf-8")))
    (src / "notes.md").write_text("not a text input", encoding="utf-8")
    r = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".cleaner-state.sqlite", "a/b/one.txt", "packedbz2.txt", "packedgz.txt",
        "packedxz.txt", "packedzst.txt", "two.txt"]
    cleaned = (out / "two.txt").read_text(encoding="utf-8")
    for packed in PACK:
        assert (out / f"packed{packed[1:]}.txt").read_text(encoding="utf-8") == cleaned
    assert "Share" not in cleaned and "Advertisement" not in cleaned
    assert "expansion joints" in cleaned and cleaned.startswith("Harbour bridge")
    assert (src / "two.txt").read_text(encoding="utf-8") == ARTICLE  # input untouched


def test_stdin_to_stdout():
    r = run("clean", stdin=ARTICLE)
    assert r.returncode == 0
    assert "Advertisement" not in r.stdout and "ring road" in r.stdout


def test_failures_are_named_and_exit_nonzero(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary\x00\x80")
    r = run("clean", str(good), str(bad), "-o", f"{tmp_path / 'out'}/")
    assert r.returncode == 1
    assert "bad.txt: binary data, not text" in r.stderr
    assert (tmp_path / "out" / "good.txt").is_file()
    assert not (tmp_path / "out" / "bad.txt").exists()


def test_explain_json_carries_label_score_reason(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    r = run("explain", str(f), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    share = next(row for row in rows if row["text"] == "Share")
    assert share["keep"] is False and share["label"] == "navigation_share"
    assert share["reason"].startswith("rule:") and 0 <= share["score"] <= 1


def test_keep_option(tmp_path: Path):
    r = run("clean", "--keep", "ad_sponsored", stdin=ARTICLE)
    assert "Advertisement" in r.stdout and "Share" not in r.stdout
    r = run("clean", "--keep", "nonsense", stdin=ARTICLE)
    assert r.returncode == 2 and "unknown label" in r.stderr


def test_outputs_get_ordinary_permissions(tmp_path: Path):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    assert run("clean", str(src), "-o", f"{tmp_path / 'out'}/").returncode == 0
    out = tmp_path / "out" / "a.txt"
    assert out.stat().st_mode & 0o777 == src.stat().st_mode & 0o777
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_stdin_jsonl_to_stdout_keeps_fields(tmp_path: Path):
    records = [{"id": i, "text": ARTICLE, "url": f"https://example.org/{i}"} for i in range(3)]
    stdin = "".join(json.dumps(r) + "\n" for r in records)
    r = run("clean", "-", "--id-field", "id", stdin=stdin)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(row["id"], row["url"]) for row in rows] == [(r["id"], r["url"]) for r in records]
    assert all("Advertisement" not in row["text"] and "ring road" in row["text"] for row in rows)
    assert rows[0]["cleaner"]["removed_lines"] == 2
    assert "3 document(s) cleaned" in r.stderr and "ad_sponsored" in r.stderr
    forced = run("clean", "--input-format", "txt", stdin=stdin)
    assert forced.returncode == 0 and forced.stdout.startswith('{"id": 0')


def test_compressed_stdin_is_read_like_plain_input():
    """`cat a.jsonl.gz | cleaner clean -` (or `.zst`, `.bz2`, `.xz`) needs no zcat; a truncated
    stream is named and the run fails without output."""
    records = "".join(json.dumps({"id": i, "text": ARTICLE}) + "\n" for i in range(2))
    for command in (["clean", "-"], ["explain", "-", "--format", "json"]):
        for plain in (ARTICLE, records):
            expected = run(*command, stdin=plain.encode())
            assert expected.returncode == 0 and b"ring road" in expected.stdout
            for pack in PACK.values():
                got = run(*command, stdin=pack(plain.encode()))
                assert got.returncode == 0 and got.stdout == expected.stdout
        for pack in PACK.values():
            cut = run(*command, stdin=pack(ARTICLE.encode())[:40])
            assert cut.returncode == 1 and cut.stdout == b""
            assert b": cannot decompress" in cut.stderr


def test_folder_of_html_to_one_jsonl_stream(tmp_path: Path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    assert run("clean", str(tmp_path)).returncode == 2  # a folder needs -o
    assert run("clean", str(tmp_path), "-o", "-").returncode == 2  # several texts: JSONL only
    r = run("clean", str(tmp_path), "-o", "-", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["id"] for row in rows] == [str(tmp_path / "a.html"), str(tmp_path / "b.txt")]
    assert "support scheme" in rows[0]["text"] and "Subscribe" not in rows[0]["text"]


def test_summary_exit_codes_and_report_file(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "b.txt").write_bytes(b"\x00\x00")
    report = tmp_path / "audit.jsonl"
    r = run("clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report))
    assert r.returncode == 1
    assert f"{src / 'b.txt'}: binary data, not text" in r.stderr
    assert "1 document(s) cleaned" in r.stderr and "failed: 1 (binary data, not text)" in r.stderr
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [row["status"] for row in rows] == ["cleaned", "failed"]
    (src / "b.txt").unlink()
    r = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert r.returncode == 0 and "skipped: 1 (output up to date)" in r.stderr
    assert run("clean", str(src), "-o", str(src)).returncode == 2  # would clean into itself
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("clean", str(empty), "-o", str(tmp_path / "out2"))
    assert r.returncode == 2 and "no inputs found" in r.stderr  # nothing to do


def _on_terminal(*args: str, **env: str) -> str:
    """What ``cleaner ARGS`` shows with stdout and stderr on a pseudo-terminal."""
    import os
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", *args],
                            stdout=slave, stderr=slave,
                            env={**os.environ, "TERM": "xterm", **env})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(master)
    return b"".join(chunks).decode()


def test_explain_colour_on_a_terminal_plain_when_piped_or_no_color(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    coloured = _on_terminal("explain", str(f), NO_COLOR="")
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured and "DROP" in coloured
    assert "\x1b[" not in _on_terminal("explain", str(f), NO_COLOR="1")
    piped = run("explain", str(f))
    assert piped.returncode == 0 and "\x1b[" not in piped.stdout
    assert any(line.split()[1:3] == ["DROP", "ad_sponsored"] for line in piped.stdout.splitlines())
    assert "\x1b[31m" in run("explain", str(f), "--color", "always").stdout


def test_explain_reads_html(tmp_path: Path):
    f = tmp_path / "page.html.gz"
    f.write_bytes(gzip.compress(PAGE.encode()))
    r = run("explain", str(f), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {row["text"]: row for row in json.loads(r.stdout)}
    assert rows["Advertisement"]["keep"] is False and "<p>" not in "".join(rows)
    assert any("expansion joints" in text and row["keep"] for text, row in rows.items())


def test_patterns_file_labels_whole_lines(tmp_path: Path):
    patterns = tmp_path / "mine.tsv"
    patterns.write_text("# my site's chrome\n"
                        "related_promo\tDrivers are advised to use the ring road, which will "
                        "have an extra lane during the works.\n"
                        "content\tre:Adv\\w+\n"
                        "navigation_share\tre:Harbour (bridge|tunnel)\n", encoding="utf-8")
    r = run("explain", "--patterns", str(patterns), "--format", "json", stdin=ARTICLE)
    assert r.returncode == 0, r.stderr
    rows = {row["text"]: row for row in json.loads(r.stdout)}
    ring = rows["Drivers are advised to use the ring road, which will have an extra lane "
                "during the works."]
    assert (ring["label"], ring["keep"], ring["reason"]) == ("related_promo", False, "pattern:2")
    assert (rows["Advertisement"]["keep"], rows["Advertisement"]["reason"]) == (True, "pattern:3")
    title = rows["Harbour bridge to close for repairs"]  # a regex must match the whole line
    assert title["keep"] is True and not title["reason"].startswith("pattern")
    cleaned = run("clean", "--patterns", str(patterns), stdin=ARTICLE).stdout
    assert "Advertisement" in cleaned and "ring road" not in cleaned


def test_bad_patterns_name_the_file_and_line(tmp_path: Path):
    patterns = tmp_path / "bad.tsv"
    for body, message in [("content\tre:(unclosed\n", "bad regex"),
                          ("nonsense\tShare\n", "unknown label 'nonsense'"),
                          ("content Share\n", "expected 'label<TAB>text'")]:
        patterns.write_text("ad_sponsored\tAdvertisement\n" + body, encoding="utf-8")
        r = run("clean", "--patterns", str(patterns), stdin=ARTICLE)
        assert r.returncode == 2 and f"{patterns}:2: {message}" in r.stderr, r.stderr


def test_precision_and_recall_presets_order_what_is_removed(tmp_path: Path):
    samples = Path(__file__).parent.parent / "data" / "samples"
    removed = {}
    for preset in ("--precision", None, "--recall"):
        report = tmp_path / f"{preset}.jsonl"
        args = ["clean", str(samples), "-o", str(tmp_path / str(preset)), "-q", "-j", "1",
                "--report", str(report)] + ([preset] if preset else [])
        assert run(*args).returncode == 0
        removed[preset] = sum(json.loads(line)["removed_words"]
                              for line in report.read_text(encoding="utf-8").splitlines())
    assert removed["--precision"] < removed[None] < removed["--recall"]
    assert run("clean", "--precision", "--recall", stdin=ARTICLE).returncode == 2


def test_progress_on_a_terminal_only(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(ARTICLE, encoding="utf-8")
    shown = _on_terminal("clean", str(src), "-o", str(tmp_path / "out"), "-j", "1")
    assert "\r\x1b[Kcleaner: 3/3 files, 3 documents, 15 lines" in shown
    assert "documents/s" in shown
    assert "3 document(s) cleaned" in shown
    quiet = _on_terminal("clean", str(src), "-o", str(tmp_path / "out2"), "-q")
    assert quiet == ""
    piped = run("clean", str(src), "-o", str(tmp_path / "out3"))
    assert "\r" not in piped.stderr and "3 document(s) cleaned" in piped.stderr


# --- issue 15: the command line's rough edges ------------------------------------------------

RECORDS = [{"id": "a", "body": ARTICLE, "url": "https://example.org/a"},
           {"id": "b", "body": ARTICLE.replace("six", "nine")}]


def test_explain_jsonl_explains_each_record(tmp_path: Path):
    f = tmp_path / "r.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    text = run("explain", str(f), "--text-field", "body")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert [line for line in lines if line.startswith("#")] == ["# a", "# b"]  # --id-field id
    by_url = run("explain", str(f), "--text-field", "body", "--id-field", "url").stdout
    assert [line for line in by_url.splitlines() if line.startswith("#")] == [
        "# https://example.org/a", f"# {f}:2"]  # a record without the field: file:line
    assert sum(line.split()[1:3] == ["DROP", "ad_sponsored"] for line in lines) == 2
    assert not any('"body"' in line for line in lines)  # the text, not the raw JSON
    named = run("explain", str(f), "--text-field", "body", "--id-field", "id", "--format", "json")
    assert named.returncode == 0, named.stderr
    rows = [json.loads(line) for line in named.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["a", "b"]
    alone = json.loads(run("explain", "--format", "json", stdin=ARTICLE).stdout)
    assert rows[0]["lines"] == alone  # a record is explained as the same text alone
    stdin = "".join(json.dumps(r) + "\n" for r in RECORDS)
    for fmt in ("auto", "jsonl"):
        piped = run("explain", "-", "--input-format", fmt, "--text-field", "body",
                    "--id-field", "id", "--format", "json", stdin=stdin)
        assert piped.stdout == named.stdout, piped.stderr
    as_text = run("explain", "-", "--input-format", "txt", "--format", "json", stdin=stdin)
    assert len(json.loads(as_text.stdout)) == 2  # told it is text: two lines of JSON text


def test_explain_jsonl_names_records_without_text(tmp_path: Path):
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps({"id": "a", "text": ARTICLE}) + "\n"
                 + json.dumps({"id": "n", "text": None}) + "\n", encoding="utf-8")
    r = run("explain", str(f), "--id-field", "id", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows[1] == {"id": "n", "lines": [], "skipped": "'text' field is null"}
    assert "cleaner: n: skipped, 'text' field is null" in r.stderr


def _head(args: list[str], lines: int = 1) -> tuple[int, bytes, str]:
    """``cleaner ARGS | head -LINES``: cleaner's exit code, what head got, cleaner's stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = b"".join(proc.stdout.readline() for _ in range(lines))
    proc.stdout.close()  # the reader goes away
    stderr = proc.stderr.read().decode()
    return proc.wait(timeout=120), got, stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text(ARTICLE * 3000, encoding="utf-8")  # far more than a pipe holds
    records = tmp_path / "big.jsonl"
    records.write_text("".join(json.dumps({"text": ARTICLE}) + "\n" for _ in range(3000)),
                       encoding="utf-8")
    for args in (["explain", str(big)], ["explain", "--format", "json", str(big)],
                 ["explain", str(records)], ["clean", str(records)],
                 ["clean", str(big), "--no-repetition"]):
        code, got, stderr = _head(args)
        assert got and code == 0, (args, stderr)
        assert "Traceback" not in stderr and "Broken pipe" not in stderr, (args, stderr)
        assert "Exception ignored" not in stderr, (args, stderr)


def test_jsonl_records_are_never_lost(tmp_path: Path):
    records = [{"id": "ok", "text": ARTICLE}, {"id": "null", "text": None},
               {"id": "num", "text": 5}, {"id": "list", "text": ["a", "b"]},
               {"id": "obj", "text": {"p": 1}}, {"id": "none"}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = tmp_path / "audit.jsonl"
    for out in (f"{tmp_path / 'out'}/", "-"):
        r = run("clean", str(src), "--id-field", "id", "-o", out, "--report", str(report))
        assert r.returncode == 1, r.stderr  # wrong types and a missing field are not cleaned
        written = (tmp_path / "out" / "in.jsonl").read_text(encoding="utf-8") \
            if out != "-" else r.stdout
        rows = [json.loads(line) for line in written.splitlines()]
        assert [row["id"] for row in rows] == [rec["id"] for rec in records]
        for rec, row in zip(records[1:], rows[1:]):  # written back unchanged, with the reason
            assert {k: v for k, v in row.items() if k != "cleaner"} == rec
        assert "ring road" in rows[0]["text"] and "Advertisement" not in rows[0]["text"]
        assert rows[1]["cleaner"]["skipped"] == "'text' field is null"
        assert rows[2]["cleaner"]["failed"] == "'text' field is not a string (a number)"
        assert rows[3]["cleaner"]["failed"] == "'text' field is not a string (an array)"
        assert rows[5]["cleaner"]["failed"] == "no 'text' field (see --text-field)"
        assert "skipped: 1 ('text' field is null)" in r.stderr
        assert "failed: 3 ('text' field is not a string)" in r.stderr
        audit = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
        assert [(a["id"], a["status"]) for a in audit] == [
            ("ok", "cleaned"), ("null", "skipped"), ("num", "failed"), ("list", "failed"),
            ("obj", "failed"), ("none", "failed")]
    nulls = run("clean", "--id-field", "id", stdin=json.dumps(records[0]) + "\n"
                + json.dumps(records[1]) + "\n")
    assert nulls.returncode == 0 and len(nulls.stdout.splitlines()) == 2  # null text: normal


def test_exit_codes_no_main_text_is_normal_a_missing_path_is_a_usage_error(tmp_path: Path):
    src = tmp_path / "crawl"
    src.mkdir()
    (src / "a.html").write_text(PAGE, encoding="utf-8")
    (src / "empty.html").write_bytes(b"")
    report = tmp_path / "audit.jsonl"
    r = run("clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report))
    assert r.returncode == 0, r.stderr
    assert f"{src / 'empty.html'}: skipped, no text extracted" in r.stderr
    assert "skipped: 1 (no text extracted)" in r.stderr
    assert [json.loads(line)["status"] for line in report.read_text().splitlines()] == [
        "cleaned", "skipped"]
    assert run("clean", str(src / "empty.html")).returncode == 0
    missing = tmp_path / "nowhere" / "gone.txt"
    r = run("clean", str(src / "a.html"), str(missing), "-o", str(tmp_path / "out2"))
    assert r.returncode == 2 and f"no such file or folder: {missing}" in r.stderr
    assert not (tmp_path / "out2").exists()
    r = run("explain", str(missing))
    assert r.returncode == 2 and str(missing) in r.stderr
    unreadable = tmp_path / "bin.txt"
    unreadable.write_bytes(b"\x00\x01binary\x00")
    assert run("clean", str(unreadable)).returncode == 1
    for command in ([], ["clean"], ["explain"]):
        shown = run(*command, "--help").stdout
        assert "exit codes:" in shown and "usage error" in shown and "stdout stopped" in shown


def test_output_file_for_one_input(tmp_path: Path):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    expected = run("clean", str(src)).stdout
    assert run("clean", str(src), "-o", str(tmp_path / "out.txt")).returncode == 0
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == expected
    assert run("clean", "-o", str(tmp_path / "piped.txt"), stdin=ARTICLE).returncode == 0
    assert (tmp_path / "piped.txt").read_text(encoding="utf-8") == expected
    assert run("clean", str(src), "-o", f"{tmp_path / 'dir'}/").returncode == 0
    assert (tmp_path / "dir" / "a.txt").read_text(encoding="utf-8") == expected
    (tmp_path / "existing").mkdir()
    assert run("clean", str(src), "-o", str(tmp_path / "existing")).returncode == 0
    assert (tmp_path / "existing" / "a.txt").is_file()
    other = tmp_path / "b.txt"
    other.write_text(ARTICLE, encoding="utf-8")
    # Several inputs write a folder: one that exists, or a new one named with a trailing /.
    r = run("clean", str(src), str(other), "-o", str(tmp_path / "two.txt"))
    assert r.returncode == 2 and not (tmp_path / "two.txt").exists()
    assert f"-o {tmp_path / 'two.txt'}: several inputs write a folder of outputs" in r.stderr
    assert f"write {tmp_path / 'two.txt'}/ (a trailing /)" in r.stderr
    assert run("clean", str(src), str(other), "-o", f"{tmp_path / 'two.txt'}/").returncode == 0
    assert (tmp_path / "two.txt" / "b.txt").is_file()  # several inputs: a folder
    assert run("clean", str(src), str(other), "-o", str(tmp_path / "existing")).returncode == 0
    assert (tmp_path / "existing" / "b.txt").is_file()
    r = run("clean", str(src), "-o", str(src))
    assert r.returncode == 2 and src.read_text(encoding="utf-8") == ARTICLE


def test_rerun_report_accounts_for_every_document(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(ARTICLE.replace("six", str(i + 2)), encoding="utf-8")
    (src / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS),
                                 encoding="utf-8")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    args = ["clean", str(src), "-o", str(tmp_path / "out"), "--text-field", "body"]
    assert run(*args, "--report", str(first)).returncode == 0
    rerun = run(*args, "--report", str(second))
    assert rerun.returncode == 0 and "skipped: 5 (output up to date)" in rerun.stderr
    assert len(first.read_text().splitlines()) == 5
    # One record per output left as it was, naming it and counting its documents.
    rows = [json.loads(line) for line in second.read_text().splitlines()]
    sources = [json.loads(line)["source"] for line in first.read_text().splitlines()]
    assert rows == [{"source": source, "status": "up to date",
                     "output": str(tmp_path / "out" / Path(source).name), "documents": n}
                    for source, n in zip(dict.fromkeys(sources), (1, 1, 1, 2))]


def test_options_are_checked_with_plain_messages():
    for args, message in [(["-j", "abc"], "'abc' is not a number of worker processes"),
                          (["-j", "-3"], "'-3' is not a number of worker processes"),
                          (["-j", "0"], "'0' is not a number of worker processes"),
                          (["--threshold", "1.5"], "'1.5' is not a number between 0 and 1"),
                          (["--threshold", "x"], "'x' is not a number between 0 and 1"),
                          (["--chunk-size", "0"], "'0' is not a whole number of 1 or more"),
                          (["--keep", "nonsense"], "unknown label(s) nonsense; known: content")]:
        r = run("clean", *args, stdin=ARTICLE)
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
        assert "invalid" not in r.stderr and "Traceback" not in r.stderr
    assert run("clean", "-j", "-1", "--threshold", "0.9", stdin=ARTICLE).returncode == 0
    from cleaner.document import LABELS

    shown = " ".join(run("clean", "--help").stdout.split())
    assert ", ".join(LABELS) in shown


def test_stdin_on_a_terminal_is_announced():
    import os
    import pty

    from cleaner.cli import stdin_hint

    class Terminal:
        def isatty(self) -> bool:
            return True

    assert "reading text from stdin (Ctrl-D to end" in stdin_hint(Terminal(), "clean")
    assert stdin_hint(open(os.devnull), "clean") is None  # noqa: SIM115
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", "clean"], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(slave)
    os.write(master, ARTICLE.encode() + b"\x04")  # typed, then Ctrl-D
    out, err = proc.communicate(timeout=120)
    os.close(master)
    assert proc.returncode == 0 and b"ring road" in out
    assert b"cleaner: reading text from stdin (Ctrl-D to end; see cleaner clean --help)" in err
    assert "reading text" not in run("clean", stdin=ARTICLE).stderr  # a pipe: nothing said


def test_progress_shows_at_once_and_moves_per_document(tmp_path: Path):
    import re

    src = tmp_path / "in"
    src.mkdir()
    # About 0.1 s of cleaning each (with the C module), 2 to a batch of a million characters:
    # with 3,000 lines a file, cleaning once the C module was there went fast enough that a
    # loaded CI machine showed a single count between 0 and 24.
    for k in range(24):
        (src / f"{k:02d}.txt").write_text("".join(
            f"Paragraph {k}-{i}: the council met on day {i * 7 + k} to discuss item "
            f"{i * 13 + k} of the harbour works.\n" for i in range(6000)), encoding="utf-8")
    for jobs in ("1", "2"):
        shown = _on_terminal("clean", str(src), "-o", str(tmp_path / f"out{jobs}"), "-j", jobs,
                             "--chunk-size", "12", "--no-repetition")
        counts = [int(n) for n in re.findall(r"files, (\d+) documents", shown)]
        assert counts[0] == 0 and counts[-1] == 24, shown  # shown before the first is done
        assert len({n for n in counts if 0 < n < 24}) >= 2, counts  # and in between
        assert "24 document(s) cleaned" in shown


def test_files_of_other_kinds_are_counted_and_reported(tmp_path: Path):
    src = tmp_path / "in"
    (src / "img").mkdir(parents=True)
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "notes.md").write_text(ARTICLE, encoding="utf-8")
    (src / "img" / "logo.png").write_bytes(b"\x89PNG\r\n")
    (src / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    report = tmp_path / "audit.jsonl"
    r = run("clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report))
    assert r.returncode == 0, r.stderr
    assert "ignored: 2 files of other kinds" in r.stderr
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [(Path(row["source"]).name, row["status"]) for row in rows] == [
        ("a.txt", "cleaned"), ("logo.png", "ignored"), ("notes.md", "ignored")]
    only_others = tmp_path / "others"
    only_others.mkdir()
    (only_others / "x.md").write_text(ARTICLE, encoding="utf-8")
    r = run("clean", str(only_others), "-o", str(tmp_path / "out2"))
    assert r.returncode == 2 and "ignored: 1 files of other kinds" in r.stderr
    assert "no inputs found" in r.stderr


def test_mostly_utf8_text_keeps_its_accents_and_warns(tmp_path: Path):
    f = tmp_path / "café.txt"
    text = "Le café du port rouvre après les travaux, a annoncé la mairie lundi.\n\n" * 3
    f.write_bytes(text.encode("utf-8") + b"Deux octets perdus: \xff\xfe.\n")
    r = run("clean", str(f))
    assert r.returncode == 0, r.stderr
    assert "Le café du port rouvre après les travaux" in r.stdout and "Ã" not in r.stdout
    assert f"cleaner: {f}: warning: 2 invalid UTF-8 byte sequence(s) replaced" in r.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes(text.encode("latin-1"))  # a whole file in another charset: detected
    assert "Le café du port" in run("clean", str(latin)).stdout


def test_a_guessed_charset_is_named_on_stderr_and_in_the_report(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    french = ("Les prêts immobiliers coûtent plus cher: le taux moyen a dépassé 4 % à Noël, "
              "selon la banque du port de Brest.\n")
    (src / "cp1252.txt").write_bytes(french.encode("cp1252"))
    (src / "utf8.txt").write_text(french, encoding="utf-8")
    page = "<html><head>{}</head><body><article><p>{}</p></article></body></html>"
    (src / "declared.html").write_bytes(
        page.format('<meta charset="iso-8859-1">', french).encode("latin-1"))
    report = tmp_path / "report.jsonl"
    r = run("clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report))
    assert r.returncode == 0, r.stderr
    rows = {Path(row["source"]).name: row
            for row in map(json.loads, report.read_text(encoding="utf-8").splitlines())}
    charset = rows["cp1252.txt"]["guessed_charset"]
    assert french.encode("cp1252").decode(charset) == french
    assert f"cleaner: {src / 'cp1252.txt'}: charset guessed: {charset}" in r.stderr
    assert (tmp_path / "out" / "cp1252.txt").read_text(encoding="utf-8") == french
    for name in ("utf8.txt", "declared.html"):  # UTF-8 and a declared charset: no guess
        assert "guessed_charset" not in rows[name] and f"{src / name}:" not in r.stderr
    assert "prêts" in (tmp_path / "out" / "declared.txt").read_text(encoding="utf-8")
    r = run("explain", str(src / "cp1252.txt"))
    assert f"cleaner: {src / 'cp1252.txt'}: charset guessed: {charset}" in r.stderr


def test_input_format_names_the_format_of_files_too(tmp_path: Path):
    """`--input-format` is the format of every input, whatever its name: a `.log` of JSON
    Lines, a `.dat` of HTML, named or in a folder (without it, a folder's `.log` is ignored
    and a named one is read as text)."""
    src = tmp_path / "in"
    src.mkdir()
    records = [{"id": i, "text": ARTICLE.replace("six", str(i)) + "Share this article\n"}
               for i in (7, 8)]
    (src / "crawl.log").write_text("".join(json.dumps(r) + "\n" for r in records),
                                   encoding="utf-8")
    r = run("clean", str(src), "-o", str(tmp_path / "out"), "--input-format", "jsonl")
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in (tmp_path / "out" / "crawl.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == [7, 8] and all(o["cleaner"]["removed_lines"] for o in out)
    assert all("Share this article" not in o["text"] for o in out)
    named = run("clean", str(src / "crawl.log"), "-o", "-", "--input-format", "jsonl")
    assert [json.loads(line) for line in named.stdout.splitlines()] == out
    (src / "page.dat").write_text(PAGE, encoding="utf-8")
    r = run("clean", str(src / "page.dat"), "--input-format", "html")
    assert r.returncode == 0 and "expansion joints" in r.stdout and "<p>" not in r.stdout
    assert run("explain", str(src / "page.dat"), "--input-format", "html").stdout.count(
        "<p>") == 0


def test_flagged_documents_are_named_the_first_five_and_where_the_rest_are(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    junk = "Share\n\nAdvertisement\n\nSubscribe to our newsletter\n\nA short note.\n"
    for i in range(7):
        (src / f"junk{i}.txt").write_text(junk.replace("short", "short" + "!" * i))
    (src / "article.txt").write_text(ARTICLE, encoding="utf-8")
    report = tmp_path / "report.jsonl"
    args = ["clean", str(src), "-o", str(tmp_path / "out"), "--max-removed-ratio", "0.5"]
    r = run(*args, "--report", str(report))
    assert r.returncode == 0, r.stderr
    rows = {row["id"]: row for row in map(json.loads, report.read_text().splitlines())}
    flagged = [doc_id for doc_id, row in rows.items() if row["status"] == "flagged"]
    assert flagged == [str(src / f"junk{i}.txt") for i in range(7)]
    named = [line for line in r.stderr.splitlines() if ": flagged, " in line]
    assert named == [f"cleaner: {doc_id}: flagged, "
                     f"{100 * rows[doc_id]['removed_words'] / rows[doc_id]['words']:.1f}% of its "
                     "words removed (more than --max-removed-ratio)" for doc_id in flagged[:5]]
    assert "flagged (more than --max-removed-ratio removed): 7 (the first 5 named above; " \
           f"all in {report} (status flagged))" in r.stderr
    r = run(*args, "--force")
    assert "flagged (more than --max-removed-ratio removed): 7 (the first 5 named above; " \
           "--report FILE lists them all)" in r.stderr
    for name in ("junk2.txt", "junk3.txt", "junk4.txt", "junk5.txt", "junk6.txt"):
        (src / name).unlink()
    r = run(*args, "--force")  # two flagged documents: both named
    assert len([line for line in r.stderr.splitlines() if ": flagged, " in line]) == 2
    assert "flagged (more than --max-removed-ratio removed): 2 (each named above)" in r.stderr
