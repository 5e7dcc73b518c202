"""The datatrove block and the datasets.map function, each in a real (tiny) run."""

from __future__ import annotations

import json
import pickle
from collections import Counter
from pathlib import Path

import pytest

from cleaner.integrations import map_function

SEED = "000_eac21cd5e3db0ab9.txt"
SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def test_datatrove_pipeline_cleans_documents_and_counts_removals_per_label(
    cleaner, shared: Path, tmp_path: Path
):
    pytest.importorskip("datatrove", reason="the datatrove extra is not installed")
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor

    from cleaner.integrations import CleanerStep

    seed = (shared / "seeds" / SEED).read_text(encoding="utf-8")
    sample = (SAMPLES / "en_recipe_blog.txt").read_text(encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()

    def write(data, rank: int = 0, world_size: int = 1):
        for doc in data:
            (out / doc.id).write_text(doc.text, encoding="utf-8")
            yield doc

    LocalPipelineExecutor(
        pipeline=[[Document(seed, SEED), Document(sample, "sample.txt")], CleanerStep(), write],
        tasks=1, logging_dir=str(tmp_path / "logs"),
    ).run()

    expected = (shared / "seeds" / "expected" / SEED).read_text(encoding="utf-8")
    assert (out / SEED).read_text(encoding="utf-8") == expected
    assert (out / "sample.txt").read_text(encoding="utf-8") == cleaner.clean(sample)
    stats = json.loads((tmp_path / "logs" / "stats" / "00000.json").read_text())
    ours = next(s["stats"] for s in stats if s["name"].endswith("cleaner"))
    removed = Counter(d.label for text in (seed, sample) for d in cleaner.explain(text).removed)
    assert _total(ours["total"]) == 2
    assert _total(ours["removed_lines"]) == sum(removed.values()) > 0
    assert {k: _total(v) for k, v in ours.items() if k.startswith("removed_lines_")} == {
        f"removed_lines_{label}": n for label, n in removed.items()}


def _total(stat: int | dict) -> int:
    """datatrove writes a counter updated once with 1 as a bare number."""
    return stat if isinstance(stat, int) else stat["total"]


def test_datasets_map_cleans_the_text_column_batched_and_in_processes(cleaner, shared: Path):
    datasets = pytest.importorskip("datasets", reason="the datasets extra is not installed")
    seed = (shared / "seeds" / SEED).read_text(encoding="utf-8")
    sample = (SAMPLES / "de_lokalnachrichten.txt").read_text(encoding="utf-8")
    data = datasets.Dataset.from_dict({"body": [seed, sample, None], "url": ["a", "b", "c"]})

    f = map_function(text_field="body")
    assert pickle.loads(pickle.dumps(f))({"body": ["Share\n"]}) == f({"body": ["Share\n"]})
    for num_proc in (None, 2):
        out = data.map(f, batched=True, batch_size=2, num_proc=num_proc)
        assert out["body"] == [(shared / "seeds" / "expected" / SEED).read_text(encoding="utf-8"),
                               cleaner.clean(sample), None]
        assert out["url"] == ["a", "b", "c"]
    assert data.map(map_function(cleaner, "body"))["body"][0] == out["body"][0]


def test_datatrove_jsonl_reader_and_writer_around_the_block(cleaner, tmp_path: Path):
    """A real reader and writer, as in practice: datatrove's JSONL ones need orjson, which the
    datatrove extra installs."""
    pytest.importorskip("datatrove", reason="the datatrove extra is not installed")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.integrations import CleanerStep

    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "docs.jsonl").write_text(
        "".join(json.dumps({"id": name, "text": text}) + "\n" for name, text in texts.items()),
        encoding="utf-8")
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "in")), CleanerStep(),
                  JsonlWriter(str(tmp_path / "out"), compression=None)],
        tasks=1, logging_dir=str(tmp_path / "logs"),
    ).run()
    [written] = (tmp_path / "out").glob("*.jsonl")
    rows = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    assert {row["id"]: row["text"] for row in rows} == {
        name: cleaner.clean(text) for name, text in texts.items()}
