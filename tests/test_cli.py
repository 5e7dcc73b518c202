"""The command line on real files: folders mirrored, stdin/stdout, failures named, exit codes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from inputs import ARTICLE, PACK


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
    missing = tmp_path / "missing.txt"
    r = run("clean", str(good), str(bad), str(missing), "-o", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "bad.txt" in r.stderr and "missing.txt" in r.stderr
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
    assert run("clean", str(src), "-o", str(tmp_path / "out")).returncode == 0
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
    from inputs import PAGE

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
    from inputs import PAGE

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
    assert "\r\x1b[Kcleaner: 3/3 files, 15 lines" in shown and "files/s" in shown
    assert "3 document(s) cleaned" in shown
    quiet = _on_terminal("clean", str(src), "-o", str(tmp_path / "out2"), "-q")
    assert quiet == ""
    piped = run("clean", str(src), "-o", str(tmp_path / "out3"))
    assert "\r" not in piped.stderr and "3 document(s) cleaned" in piped.stderr
