"""Reading inputs: kinds and output names, folder walks, JSONL records, decoding, stdin."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from inputs import ARTICLE, PACK

from cleaner.extract import decode_bytes
from cleaner.sources import (
    OTHER,
    ReadError,
    Source,
    decode_text,
    documents,
    find_sources,
    load_text,
    sniff_stdin,
)


def test_folder_walk_kinds_order_and_output_stems(tmp_path: Path):
    src = tmp_path / "in"
    (src / "b").mkdir(parents=True)
    for name in ("z.txt", "a.HTML", "b/c.htm.gz", "d.jsonl.gz", "e.md", ".hidden.txt",
                 "y.TXT.gz", "x.gz", "w.jsonl.zst", "v.html.bz2", "u.txt.xz"):
        (src / name).write_bytes(b"x")
    found = [(s.path.relative_to(src).as_posix(), s.stem.as_posix(), s.kind)
             for s in find_sources([src])]
    assert found == [("a.HTML", "a", "html"), ("b/c.htm.gz", "b/c", "html"),
                     ("d.jsonl.gz", "d", "jsonl"), ("e.md", "e", OTHER),
                     ("u.txt.xz", "u", "txt"), ("v.html.bz2", "v", "html"),
                     ("w.jsonl.zst", "w", "jsonl"), ("x.gz", "x", OTHER),
                     ("y.TXT.gz", "y", "txt"), ("z.txt", "z", "txt")]


def test_output_folder_inside_input_is_not_read(tmp_path: Path):
    (tmp_path / "out").mkdir()
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "out" / "a.txt").write_text(ARTICLE)
    assert [s.path.name for s in find_sources([tmp_path], exclude=tmp_path / "out")] == ["a.txt"]


def test_a_named_file_of_another_kind_is_read_as_text(tmp_path: Path):
    (tmp_path / "notes.md").write_text(ARTICLE)
    [source] = find_sources([tmp_path / "notes.md"])
    assert source.kind == "txt" and source.stem == Path("notes")


def _jsonl(tmp_path: Path, name: str, lines: list[str]) -> Source:
    data = "\n".join(lines).encode("utf-8") + b"\n"
    path = tmp_path / name
    path.write_bytes(PACK[path.suffix](data) if path.suffix in PACK else data)
    return next(iter(find_sources([path])))


@pytest.mark.parametrize("name", ["r.jsonl", "r.jsonl.gz", "r.jsonl.zst"])
def test_jsonl_records_become_documents_and_bad_ones_fail_alone(tmp_path: Path, name: str):
    source = _jsonl(tmp_path, name, [
        json.dumps({"id": "a1", "body": ARTICLE, "url": "u"}), "",
        "{not json", json.dumps({"id": "a3"}), json.dumps([1, 2]),
        json.dumps({"id": "a5", "body": "Second text.\n"})])
    docs = list(documents(source, text_field="body", id_field="id"))
    assert [(d.id, d.error is None) for d in docs] == [
        ("a1", True), (f"{source.name}:3", False), ("a3", False),
        (f"{source.name}:5", False), ("a5", True)]
    assert docs[0].text == ARTICLE and docs[0].record["url"] == "u"
    assert "invalid JSON" in docs[1].error and "'body'" in docs[2].error
    assert "not a JSON object" in docs[3].error


@pytest.mark.parametrize("packed", PACK)
def test_a_cut_short_stream_is_a_failure_not_a_crash(tmp_path: Path, packed: str):
    path = tmp_path / f"t.jsonl{packed}"
    lines = b"".join(b'{"text": "record %d"}\n' % i for i in range(20000))
    data = PACK[packed](lines)
    path.write_bytes(data[: len(data) // 2])
    docs = list(documents(Source(path, Path("t"), "jsonl")))
    assert all(d.error is None for d in docs[:-1]) and len(docs) > 100
    assert docs[-1].error is not None and "cannot read (after line" in docs[-1].error


def test_text_decoding_bom_charset_and_binary(tmp_path: Path):
    assert decode_text(b"\xef\xbb\xbfHello\n", "txt") == "Hello\n"
    latin = "Grüße aus Köln, die Straße ist gesperrt.\n"
    assert decode_text(latin.encode("latin-1"), "txt") == latin
    with pytest.raises(ReadError, match="binary"):
        decode_text(b"\x00\x01\x02\x89PNG\x00", "txt")
    with pytest.raises(ReadError, match="No such file"):
        load_text(next(documents(Source(tmp_path / "gone.txt", Path("gone"), "txt"))))


def test_html_is_extracted_with_trafilatura(tmp_path: Path):
    from inputs import PAGE

    plain = tmp_path / "p.html"
    plain.write_text(PAGE, encoding="utf-8")
    packed = tmp_path / "p.html.gz"
    packed.write_bytes(gzip.compress(PAGE.encode()))
    text = load_text(next(documents(next(iter(find_sources([plain]))))))
    assert "expansion joints" in text and "<p>" not in text and "Home" not in text
    assert load_text(next(documents(next(iter(find_sources([packed])))))) == text


@pytest.mark.parametrize("packed", PACK)
def test_compressed_text_is_unpacked_whatever_its_name(tmp_path: Path, packed: str):
    """`.txt.gz` or `.txt.zst` in a folder, or any compressed file named on the command line,
    reads as its text; a truncated one is named as such, not as binary data."""
    pack = PACK[packed]
    data = pack(ARTICLE.encode("utf-8"))
    for name in (f"a.txt{packed}", f"dump{packed}", "notes"):
        (tmp_path / name).write_bytes(data)
        source = next(iter(find_sources([tmp_path / name])))
        assert source.kind == "txt" and load_text(next(documents(source))) == ARTICLE
    russian = "Москва готовится к переговорам, сообщили в четверг официальные лица.\n"
    assert decode_text(pack(russian.encode("cp1251")), "txt") == russian
    with pytest.raises(ReadError, match="cannot decompress"):
        decode_text(data[: len(data) // 2], "txt")


@pytest.mark.parametrize(("data", "declared", "kind"), [
    (b"\n\n  {\"text\": \"a\"}\n", "auto", "jsonl"),
    (b"<!DOCTYPE html><html></html>", "auto", "html"),
    (b"Plain {text}\n", "auto", "txt"),
    (b"{\"text\": \"a\"}\n", "txt", "txt"),
])
def test_stdin_sniffing_keeps_every_byte(data: bytes, declared: str, kind: str):
    found, stream = sniff_stdin(io.BytesIO(data), declared)
    assert found == kind and stream.read() == data
    # Compressed, from a pipe-like buffered stream: the same kind and bytes, unpacked.
    for pack in PACK.values():
        found, stream = sniff_stdin(io.BufferedReader(io.BytesIO(pack(data))), declared)
        assert found == kind and stream.read() == data


def test_mostly_utf8_is_read_as_utf8_with_a_warning():
    text = "Ein Café in München, naïve Grüße aus Köln. " * 4
    warnings: list[str] = []
    data = text.encode("utf-8") + b"caf\xe9 \xe0 la carte\n"  # two latin-1 bytes pasted in
    assert decode_text(data, "txt", warnings.append) == text + "caf\ufffd \ufffd la carte\n"
    assert warnings == ["2 invalid UTF-8 byte sequence(s) replaced with U+FFFD"]
    for charset in ("latin-1", "cp1252", "cp1251", "utf-16"):  # a whole file in another
        warnings.clear()  # charset is decoded as before: the detected charset, no warning
        data = text.encode(charset, errors="replace")
        assert decode_text(data, "txt", warnings.append) == decode_bytes(data)
        assert warnings == []


def test_a_record_without_text_is_skipped_or_failed_with_its_reason(tmp_path: Path):
    source = _jsonl(tmp_path, "r.jsonl", [json.dumps({"text": t}) for t in (
        None, 3.5, ["a"], {"p": 1}, True)] + [json.dumps({"body": "x"})])
    docs = list(documents(source))
    assert [(d.skipped, d.error) for d in docs] == [
        ("'text' field is null", None),
        (None, "'text' field is not a string (a number)"),
        (None, "'text' field is not a string (an array)"),
        (None, "'text' field is not a string (an object)"),
        (None, "'text' field is not a string (a boolean)"),
        (None, "no 'text' field (see --text-field)")]
    assert all(d.record is not None for d in docs)  # to be written back unchanged


# A short French news item of about 110 bytes in cp1252, written for this test.
FRENCH = ("Les prêts immobiliers coûtent plus cher: le taux moyen a dépassé 4 % à Noël, selon "
          "la banque du port de Brest.\n")


def test_a_short_cp1252_text_is_read_right_and_the_guess_is_told():
    data = FRENCH.encode("cp1252")
    assert 100 <= len(data) <= 120
    warnings: list[str] = []
    guessed: list[str] = []
    assert decode_text(data, "txt", warnings.append, guessed.append) == FRENCH
    assert len(guessed) == 1 and data.decode(guessed[0]) == FRENCH and warnings == []
    guessed.clear()
    decode_text(FRENCH.encode("utf-8"), "txt", guessed=guessed.append)
    assert guessed == []  # UTF-8 is no guess


def test_a_utf8_file_with_a_latin1_line_is_read_line_by_line():
    """The UTF-8 lines stay UTF-8, the Latin-1 line is read in the charset guessed for it."""
    first = "Le café du port rouvre après les travaux, a annoncé la mairie lundi."
    last = "Les habitants étaient ravis de retrouver la terrasse et ses marées."
    data = (first + "\n").encode() + b"R\xe9sum\xe9 \xff\n" + (last + "\n").encode()
    warnings: list[str] = []
    guessed: list[str] = []
    lines = decode_text(data, "txt", warnings.append, guessed.append).splitlines()
    assert lines[0] == first and lines[2] == last
    assert lines[1].startswith("Résumé ") and len(lines[1]) == len("Résumé ÿ")
    assert len(guessed) == 1 and warnings == []
