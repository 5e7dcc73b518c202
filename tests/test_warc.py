"""WARC and WET input on real files: records written by hand as a crawler writes them (WARC/1.0,
one gzip member per record), read through the command line."""

from __future__ import annotations

import gzip
import html
import json
import subprocess
import sys
import zlib
from itertools import accumulate
from pathlib import Path

import brotli
import pytest
from inputs import PACK, PAGE
from test_repetition import SITE_BLOCK

from cleaner import Cleaner
from cleaner.sources import Source, documents

DATA = Path(__file__).resolve().parent.parent / "data"
DATE = "2024-05-06T07:08:09Z"
HOST = "https://www.harbour-times.example"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], input=stdin,
                          capture_output=True)


def warc_record(kind: str, block: bytes, number: int, uri: str | None = None,
                content_type: str | None = None) -> bytes:
    """One WARC/1.0 record, headers as the standard has them."""
    headers = [("WARC-Type", kind), ("WARC-Record-ID", record_id(number)), ("WARC-Date", DATE)]
    if uri is not None:
        headers.append(("WARC-Target-URI", uri))
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    headers.append(("Content-Length", str(len(block))))
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + block + b"\r\n\r\n"


def record_id(number: int) -> str:
    return f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>"


def http_response(body: bytes, content_type: str, status: str = "200 OK",
                  headers: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{headers}\r\n").encode() + body


def response(number: int, uri: str, http: bytes) -> bytes:
    return warc_record("response", http, number, uri, "application/http; msgtype=response")


def article_page(article: Path) -> bytes:
    """A news site's page around one of the team's articles: navigation, share buttons, a
    newsletter box and a footer besides the article's title and paragraphs."""
    title, *paragraphs = article.read_text(encoding="utf-8").strip().split("\n\n")
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{html.escape(title)}</h1>
<p>Share</p>
{body}
<p>Subscribe to our newsletter</p>
</article></main>
<footer><p>© 2024 Harbour Times. All rights reserved.</p></footer>
</body></html>
""".encode()


def chunked(data: bytes, size: int = 300) -> bytes:
    """``data`` in the chunked transfer coding, as a server streams a page."""
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


ARTICLES = sorted((DATA / "articles" / "en").glob("*.txt"))
#: The HTML pages of the crawl: (record number, URL, page).
PAGES = [(3, f"{HOST}/news/bridge", PAGE.encode()),
         (5, f"{HOST}/news/ferry", article_page(ARTICLES[0])),
         (8, f"{HOST}/news/second", article_page(ARTICLES[1]))]


def crawl_records() -> list[bytes]:
    """A small crawl as a crawler writes it: warcinfo, a request and its response, an image,
    a page sent gzip-encoded in chunks, metadata, a redirect, and a third page."""
    (n1, url1, page1), (n2, url2, page2), (n3, url3, page3) = PAGES
    return [
        warc_record("warcinfo", b"software: test-crawler/1.0\r\nformat: WARC/1.0\r\n", 1,
                    content_type="application/warc-fields"),
        warc_record("request", f"GET /news/bridge HTTP/1.1\r\nHost: {HOST[8:]}\r\n\r\n".encode(),
                    2, url1, "application/http; msgtype=request"),
        response(n1, url1, http_response(page1, "text/html; charset=utf-8")),
        response(4, f"{HOST}/img/bridge.jpg",
                 http_response(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)),
                               "image/jpeg")),
        response(n2, url2, http_response(
            chunked(gzip.compress(page2)), "text/html",
            headers="Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")),
        warc_record("metadata", b"via: https://www.harbour-times.example/\r\n", 6, url1,
                    "application/warc-fields"),
        response(7, f"{HOST}/old", http_response(b"<html><body>Moved</body></html>",
                                                 "text/html", "301 Moved Permanently",
                                                 f"Location: {HOST}/news\r\n")),
        response(n3, url3, http_response(page3, "application/xhtml+xml")),
    ]


def write_warc(path: Path, records: list[bytes]) -> Path:
    """Records as a .warc, or gzip-compressed one member per record (.warc.gz), as crawlers
    write them; other compressions of the whole file by suffix."""
    if path.name.endswith(".gz"):
        path.write_bytes(b"".join(gzip.compress(r) for r in records))
    else:
        packed = next((pack for suffix, pack in PACK.items() if path.name.endswith(suffix)),
                      None)
        data = b"".join(records)
        path.write_bytes(packed(data) if packed else data)
    return path


def wet_records(texts: list[tuple[str, str]]) -> list[bytes]:
    """A WET file: its warcinfo, then one conversion record per (URL, text)."""
    return [warc_record("warcinfo", b"isPartOf: test\r\n", 1,
                        content_type="application/warc-fields"),
            *(warc_record("conversion", text.encode(), i, url, "text/plain")
              for i, (url, text) in enumerate(texts, start=2))]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_html_responses_become_records_and_other_records_are_counted(tmp_path: Path):
    crawl = write_warc(tmp_path / "crawl.warc.gz", crawl_records())
    report = tmp_path / "report.jsonl"
    r = run("clean", str(crawl), "-o", f"{tmp_path / 'out'}/", "--report", str(report))
    assert r.returncode == 0, r.stderr
    out = read_jsonl(tmp_path / "out" / "crawl.jsonl")
    assert [(o["id"], o["url"], o["date"]) for o in out] == [
        (record_id(n), url, DATE) for n, url, _ in PAGES]
    assert all(set(o) == {"id", "url", "date", "text", "cleaner"} for o in out)
    # Each page is extracted and cleaned as the same page in an .html file is.
    for (n, _, page), o in zip(PAGES, out):
        (tmp_path / f"{n}.html").write_bytes(page)
        alone = run("clean", str(tmp_path / f"{n}.html"))
        assert o["text"] == alone.stdout.decode("utf-8")
        assert "Share" not in o["text"] and "newsletter" not in o["text"]
        assert o["cleaner"]["removed_lines"] > 0
    assert "ring road" in out[0]["text"] and "Moira Bell" in out[1]["text"]
    # Every record is accounted for, in order, each with its reason.
    reported = read_jsonl(report)
    assert [(x["id"], x["status"], x.get("reason")) for x in reported] == [
        (record_id(1), "skipped", "warc: warcinfo record"),
        (record_id(2), "skipped", "warc: request record"),
        (record_id(3), "cleaned", None),
        (record_id(4), "skipped", "warc: not HTML (image/jpeg)"),
        (record_id(5), "cleaned", None),
        (record_id(6), "skipped", "warc: metadata record"),
        (record_id(7), "skipped", "warc: not a 2xx response (HTTP 301)"),
        (record_id(8), "cleaned", None),
    ]
    summary = r.stderr.decode()
    assert "3 document(s) cleaned" in summary
    for reason in ("warc: not HTML", "warc: request record", "warc: warcinfo record",
                   "warc: metadata record", "warc: not a 2xx response"):
        assert f"skipped, not a document: 1 ({reason})" in summary
    assert record_id(2) not in summary  # a record that is no document is not an error line


def test_wet_conversion_records_are_cleaned_as_text(tmp_path: Path):
    texts = [(f"{HOST}/news/{i}", a.read_text(encoding="utf-8") + "\nShare\nAdvertisement\n")
             for i, a in enumerate(ARTICLES[:3])]
    wet = write_warc(tmp_path / "CC-MAIN-2024-00001.warc.wet.gz", wet_records(texts))
    r = run("clean", str(wet), "-o", f"{tmp_path / 'out'}/")
    assert r.returncode == 0, r.stderr
    out = read_jsonl(tmp_path / "out" / "CC-MAIN-2024-00001.jsonl")
    assert [(o["id"], o["url"]) for o in out] == [
        (record_id(i), url) for i, (url, _) in enumerate(texts, start=2)]
    cleaner = Cleaner()
    assert [o["text"] for o in out] == [cleaner.clean(text) for _, text in texts]
    assert all("Advertisement" not in o["text"] for o in out)
    assert "skipped, not a document: 1 (warc: warcinfo record)" in r.stderr.decode()


def test_one_warc_to_one_output_file(tmp_path: Path):
    """-o FILE with one WARC input writes that JSONL file, as the folder output would."""
    crawl = write_warc(tmp_path / "crawl.warc", crawl_records())
    one = run("clean", str(crawl), "-o", str(tmp_path / "pages.jsonl"), "-q")
    assert one.returncode == 0, one.stderr
    streamed = run("clean", str(crawl), "-o", "-", "-q")
    assert (tmp_path / "pages.jsonl").read_bytes() == streamed.stdout


def test_stdout_streams_the_records(tmp_path: Path):
    crawl = write_warc(tmp_path / "crawl.warc", crawl_records())
    r = run("clean", str(crawl), "-o", f"{tmp_path / 'out'}/", "-q")
    assert r.returncode == 0, r.stderr
    streamed = run("clean", str(crawl), "-o", "-", "-q")
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == (tmp_path / "out" / "crawl.jsonl").read_bytes()
    # The same crawl piped in, gzip-compressed, is recognised and read alike.
    piped = run("clean", "-", "-q", stdin=gzip.compress(crawl.read_bytes()))
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == streamed.stdout


def test_folders_give_one_output_per_warc_file(tmp_path: Path):
    src = tmp_path / "in"
    (src / "2024").mkdir(parents=True)
    names = ["a.warc", "2024/b.warc.gz", "c.warc.zst", "d.wet", "e.wet.gz",
             "2024/f.warc.wet.gz"]
    for name in names:
        records = (crawl_records() if ".warc" in name and "wet" not in name
                   else wet_records([(f"{HOST}/x", ARTICLES[2].read_text(encoding="utf-8"))]))
        write_warc(src / name, records)
    (src / "notes.txt").write_text(ARTICLES[3].read_text(encoding="utf-8"), encoding="utf-8")
    r = run("clean", str(src), "-o", f"{tmp_path / 'out'}/", "-q")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and not p.name.startswith(".")) == [
        "2024/b.jsonl", "2024/f.jsonl", "a.jsonl", "c.jsonl", "d.jsonl", "e.jsonl", "notes.txt"]
    assert (out / "a.jsonl").read_bytes() == (out / "2024/b.jsonl").read_bytes() == (
        out / "c.jsonl").read_bytes()
    assert len(read_jsonl(out / "a.jsonl")) == len(PAGES)
    assert (out / "d.jsonl").read_bytes() == (out / "2024/f.jsonl").read_bytes()
    # A rerun finds every output up to date.
    again = run("clean", str(src), "-o", f"{tmp_path / 'out'}/")
    assert again.returncode == 0 and "0 document(s) cleaned" in again.stderr.decode()


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_truncated_warc_fails_after_its_good_records(tmp_path: Path, name: str):
    whole = write_warc(tmp_path / f"whole-{name}", crawl_records())
    data = whole.read_bytes()
    cut = tmp_path / "in" / name
    cut.parent.mkdir()
    cut.write_bytes(data[: len(data) * 7 // 10])
    report = tmp_path / "report.jsonl"
    r = run("clean", str(cut), "-o", f"{tmp_path / 'out'}/", "--report", str(report))
    assert r.returncode == 1
    out = read_jsonl(tmp_path / "out" / "crawl.jsonl")
    full = [json.loads(line) for line in
            run("clean", str(whole), "-o", "-", "-q").stdout.splitlines()]
    assert 0 < len(out) < len(full) and out == full[: len(out)]
    reported = read_jsonl(report)
    last = reported[-1]
    assert last["status"] == "failed" and last["id"] == str(cut)
    assert last["reason"].startswith(f"cannot read (after record {len(reported) - 1}: ")
    assert f"{cut}: cannot read (after record" in r.stderr.decode()
    # Every record before the cut is in the report once, in order.
    assert [x["id"] for x in reported[:-1]] == [record_id(n) for n in range(1, len(reported))]


@pytest.mark.parametrize("packed", [False, True])
def test_every_cut_of_a_warc_gives_its_whole_records_then_an_error(tmp_path: Path,
                                                                   packed: bool):
    """Wherever a WARC file is cut, its whole records come out as they are and the file
    fails, unless the cut falls between two records (the file is then whole, only shorter)."""
    records = crawl_records()
    members = [gzip.compress(r, mtime=0) for r in records] if packed else records
    data = b"".join(members)
    ends = list(accumulate(map(len, members)))
    name = "c.warc.gz" if packed else "c.warc"
    full = _read(Source(write_warc(tmp_path / f"w-{name}", records), Path("w"), "warc"))
    assert len(full) == len(records) and all(d[-1] is None for d in full)
    source = Source(tmp_path / name, Path("c"), "warc")
    cuts = {*range(1, len(data), 5), *(end + d for end in ends[:-1] for d in range(-6, 2))}
    for cut in sorted(cuts):
        source.path.write_bytes(data[:cut])
        docs = _read(source)
        # Between two records, or in the blank lines that close one: a whole, shorter file.
        if cut in ends or not packed and any(end - 4 <= cut <= end for end in ends):
            assert docs == full[: sum(end - 4 <= cut for end in ends)], cut
            continue
        whole = sum(end <= cut for end in ends)
        if packed:  # a gzip member cut in its last bytes may have given its record whole
            given = zlib.decompressobj(31).decompress(data[ends[whole - 1] if whole else 0:cut])
            whole += len(given) >= len(records[whole]) - 4
        assert docs[:-1] == full[:whole], cut
        assert docs[-1][0] == str(source.path) and docs[-1][-1].startswith("cannot read ("), cut


def _read(source: Source) -> list[tuple]:
    return [(d.id, d.record, d.text, d.html, d.not_document, d.error) for d in documents(source)]


def test_jobs_give_the_same_bytes(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    write_warc(src / "crawl.warc.gz", crawl_records() * 3)
    texts = [(f"{HOST}/n/{i}", a.read_text(encoding="utf-8")) for i, a in
             enumerate(sorted((DATA / "articles").glob("*/*.txt")))]
    write_warc(src / "text.warc.wet.gz", wet_records(texts))
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        r = run("clean", str(src), "-o", str(out), "-j", jobs, "--chunk-size", "2", "-q",
                "--report", str(tmp_path / f"report{jobs}.jsonl"))
        assert r.returncode == 0, r.stderr
        outputs[jobs] = [(out / name).read_bytes() for name in ("crawl.jsonl", "text.jsonl")]
        outputs[jobs].append((tmp_path / f"report{jobs}.jsonl").read_bytes())
    assert outputs["1"] == outputs["2"]
    assert len(read_jsonl(tmp_path / "out1" / "text.jsonl")) == len(texts)


def test_wet_records_take_their_site_from_the_url_host(tmp_path: Path):
    """The repetition pass counts a WET record's lines under its URL's host: a footer that
    closes every page of one site goes, the same pages of another site keep theirs."""
    articles = sorted((DATA / "articles").glob("*/*.txt"))[:24]
    texts = [(f"https://www.{'a' if i % 2 else 'b'}.example/{i}",
              a.read_text(encoding="utf-8") + ("\n" + "\n".join(SITE_BLOCK) if i % 2 else ""))
             for i, a in enumerate(articles)]
    wet = write_warc(tmp_path / "crawl.warc.wet.gz", wet_records(texts))
    r = run("clean", str(wet), "-o", f"{tmp_path / 'out'}/", "-q")
    assert r.returncode == 0, r.stderr
    out = read_jsonl(tmp_path / "out" / "crawl.jsonl")
    assert [o["url"] for o in out] == [url for url, _ in texts]
    assert not any(SITE_BLOCK[3] in o["text"] for o in out)
    cleaner = Cleaner()
    assert [o["text"] for o in out[::2]] == [cleaner.clean(text) for _, text in texts[::2]]


def test_a_file_that_is_not_warc_is_named(tmp_path: Path):
    fake = tmp_path / "notes.warc"
    fake.write_text("just some notes\n", encoding="utf-8")
    r = run("clean", str(fake), "-o", f"{tmp_path / 'out'}/")
    assert r.returncode == 1
    assert f"{fake}: cannot read (not a WARC file" in r.stderr.decode()


def test_without_fastwarc_a_warc_input_names_the_extra(tmp_path: Path):
    crawl = write_warc(tmp_path / "crawl.warc.gz", crawl_records())
    hide = ("import sys; sys.modules['fastwarc'] = None; from cleaner.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    r = subprocess.run([sys.executable, "-c", hide, "clean", str(crawl), "-o",
                        str(tmp_path / "out")], capture_output=True, text=True)
    assert r.returncode == 2
    assert f"{crawl}: reading WARC files needs FastWARC" in r.stderr
    assert "pip install 'boilerplate-cleaner[warc]'" in r.stderr
    assert not (tmp_path / "out" / "crawl.jsonl").exists()
    # Text inputs need no extra.
    (tmp_path / "a.txt").write_text(ARTICLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", hide, "clean", str(tmp_path / "a.txt")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_a_page_is_decoded_in_the_charset_its_response_declares(tmp_path: Path):
    """A Latin-1 page whose bytes alone read as another charset (its <meta> tag says
    Windows-1250: "à" as "ŕ") is read in the charset of its HTTP Content-Type, which comes
    first, as in a browser."""
    paragraphs = ["Le café du marché ferme à Zürich pour l'été, a annoncé la mairie mardi.",
                  "Les commerçants déménagent à côté de la gare jusqu'à la fin des travaux.",
                  "La réouverture est prévue à la rentrée, après la rénovation du toit."]
    page = ("<html><head><meta charset=windows-1250><title>Marché</title></head><body>"
            "<article><h1>Le marché ferme</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")
    data = page.encode("iso-8859-1")
    (tmp_path / "page.html").write_bytes(data)
    assert "à Zürich" not in run("clean", str(tmp_path / "page.html")).stdout.decode()
    crawl = write_warc(tmp_path / "fr.warc", [response(1, "https://www.marche.example/a",
                       http_response(data, "text/html; charset=ISO-8859-1"))])
    r = run("clean", str(crawl), "-o", "-", "-q")
    assert r.returncode == 0, r.stderr
    [record] = [json.loads(line) for line in r.stdout.splitlines()]
    assert all(p in record["text"] for p in paragraphs)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "deflate-raw", "br", "identity"])
def test_content_encodings_are_undone(tmp_path: Path, coding: str):
    page = PAGE.encode()
    raw = zlib.compressobj(wbits=-15)
    body = {"gzip": gzip.compress(page), "deflate": zlib.compress(page),
            "deflate-raw": raw.compress(page) + raw.flush(), "br": brotli.compress(page),
            "identity": page}[coding]
    header = f"Content-Encoding: {coding.removesuffix('-raw')}\r\n"
    crawl = write_warc(tmp_path / "c.warc", [
        response(1, f"{HOST}/a", http_response(body, "text/html", headers=header)),
        response(2, f"{HOST}/b", http_response(page, "text/html"))])
    r = run("clean", str(crawl), "-o", "-", "-q")
    assert r.returncode == 0, r.stderr
    encoded, plain = [json.loads(line)["text"] for line in r.stdout.splitlines()]
    assert encoded == plain and "ring road" in plain


@pytest.mark.parametrize("name", ["big.warc", "big.warc.gz"])
def test_a_page_larger_than_the_parsers_buffer_is_read_whole(tmp_path: Path, name: str):
    page = PAGE.encode().replace(b"<p>Share</p>", b"<p>" + b"harbour " * 250_000 + b"</p>")
    crawl = write_warc(tmp_path / name, [response(n, f"{HOST}/{n}",
                                                  http_response(page, "text/html"))
                                         for n in (1, 2)])
    docs = list(documents(Source(crawl, Path("big"), "warc")))
    assert [(d.id, d.html, d.error) for d in docs] == [(record_id(n), page, None)
                                                       for n in (1, 2)]
