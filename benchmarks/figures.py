"""Regenerate every published figure of the committed model from one `cleaner evaluate` run.

Writes, from the same report:
- models/evaluation.json: the report itself (tests check the README against it);
- models/MODEL_CARD.md: data, settings, checksum and the full tables;
- README.md: the table between the `figures` markers;
- docs/evaluation.md: the full tables between the `evaluate` markers.

    python benchmarks/figures.py              # about a minute with the extraction cache
    python benchmarks/figures.py --from-json models/evaluation.json   # rewrite docs only
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from cleaner.model import default_model_path, manifest_path
from cleaner.pipeline import Cleaner
from cleaner.training.corpora import default_cache_dir, find_shared
from cleaner.training.evaluate import evaluate, format_report, readme_table, write_card
from cleaner.training.train import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "models" / "evaluation.json"


def replace_between(path: Path, marker: str, body: str) -> None:
    """Replace the text between `<!-- marker -->` and `<!-- /marker -->` in ``path``."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- {marker} -->\n).*?(<!-- /{marker} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no <!-- {marker} --> ... <!-- /{marker} --> block")
    path.write_text(pattern.sub(lambda m: m.group(1) + body + m.group(2), text),
                    encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from-json", type=Path, help="an earlier report instead of a new run")
    args = ap.parse_args()
    if args.from_json:
        report = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        shared = find_shared()
        if shared is None:
            raise SystemExit("figures need ../shared/corpora beside the repo")
        report = evaluate(Cleaner(), DATA_DIR, shared, default_cache_dir())
        manifest = json.loads(manifest_path(default_model_path()).read_text(encoding="utf-8"))
        report["model_sha256"] = manifest["sha256"]
        REPORT.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    write_card(default_model_path(), report, ROOT / "models" / "MODEL_CARD.md",
               "cleaner evaluate")
    replace_between(ROOT / "README.md", "figures", readme_table(report))
    replace_between(ROOT / "docs" / "evaluation.md", "evaluate", format_report(report) + "\n")


if __name__ == "__main__":
    main()
