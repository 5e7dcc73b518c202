"""`cleaner train` end to end on the team's data: deterministic, and a working model."""

from __future__ import annotations

from pathlib import Path

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.model import Model, sha256_of


def test_train_is_deterministic_and_usable(tmp_path: Path):
    extra = tmp_path / "mine.tsv"
    extra.write_text("navigation_share\tBack to the shop front page\n\n"
                     "content\tThe shop reopened on Monday after a long renovation.\n",
                     encoding="utf-8")
    paths = [tmp_path / "a" / "m.npz", tmp_path / "b" / "m.npz"]
    for path in paths:
        assert main(["train", "--no-corpora", "--extra", str(extra), "-o", str(path)]) == 0
    assert sha256_of(paths[0]) == sha256_of(paths[1])

    model = Model.load(paths[0])
    assert model.info["sources"]["corpora"] is False
    cleaner = Cleaner(model)
    text = ("Ministers agree on new rail timetable\n\n"
            "The new timetable adds forty trains a day between the two largest cities and takes "
            "effect in December, the transport ministry said on Friday.\n\n"
            "Subscribe to our newsletter\n\nAccept all cookies\n")
    out = cleaner.clean(text)
    assert "forty trains" in out and "Accept all cookies" not in out
