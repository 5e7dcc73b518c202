"""The trained model as plain arrays: scoring, saving and safe loading.

Training (``cleaner.training``) fits scikit-learn estimators and exports their weights here. The
shipped file is a NumPy ``.npz`` read with ``allow_pickle=False`` (loading it cannot run code)
beside a JSON manifest that records its format version, settings and sha256, which is checked
before the weights are used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cleaner.document import LABELS
from cleaner.features import CachedFeaturizer
from cleaner.files import write_atomic
from cleaner.rules import RuleHit
from cleaner.sequence import Forest

FORMAT_VERSION = 2  # 2: the sequence stage's trees replace the linear context model
MODEL_NAME = "cleaner.npz"
_BATCH_LINES = 2048  # lines scored at once: their gathered weight rows take a few MB
_ARRAYS = ("line_w", "line_b", "kind_w", "kind_b")
_STAGE, _HEADING = "stage", "heading"  # the prefixes of the sequence stage's trees


class ModelError(Exception):
    """A model file that cannot be used, with what to do about it."""


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class Model:
    """Two linear models over hashed features and the sequence stage over their outputs.

    - ``line``: P(boilerplate) of a line from its own text, shape and rules (context-free);
    - ``kind``: which of LABELS a line is, used to name what is dropped or kept;
    - ``stage``: P(boilerplate) of a line read in its document (cleaner.sequence), the
      probability decoding compares with ``threshold``;
    - ``heading``: from the same reading, P(title) of an article line (title or content).
    """

    line_w: np.ndarray
    line_b: np.ndarray
    kind_w: np.ndarray
    kind_b: np.ndarray
    stage: Forest
    heading: Forest
    threshold: float
    word_cost: float
    n_features: int
    repeated_floor: float = 0.1  # a line recurring across its site goes from this P on
    info: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.featurizer = CachedFeaturizer(self.n_features)
        # One contiguous row per feature (its line weight, then its label weights): a batch of
        # lines gathers its own rows once.
        self._rows = np.empty((len(self.line_w), 1 + len(self.kind_w)), dtype=np.float32)
        self._rows[:, 0] = self.line_w  # filled in place: np.column_stack took 5x longer
        self._rows[:, 1:] = self.kind_w.T

    def score_lines(
        self, texts: Sequence[str], hits: Sequence[RuleHit]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Line logits (boilerplate vs article) and label probabilities for each line.

        All lines are scored at once: one gather of weights per feature, summed per line.
        """
        if len(texts) > _BATCH_LINES:  # bounded memory for any document
            parts = [self.score_lines(texts[i : i + _BATCH_LINES], hits[i : i + _BATCH_LINES])
                     for i in range(0, len(texts), _BATCH_LINES)]
            return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        idx, val, starts = self.featurizer.lines(texts, hits)
        if not len(starts):
            return np.empty(0), np.empty((0, len(LABELS)))
        rows = self._rows.take(idx, axis=0)
        rows *= val[:, None]
        sums = np.add.reduceat(rows, starts).astype(np.float64)
        return sums[:, 0] + self.line_b[0], softmax(sums[:, 1:] + self.kind_b)

    def stage_probability(self, features: np.ndarray) -> np.ndarray:
        """P(boilerplate) of each line from its sequence_features row."""
        return sigmoid(self.stage.log_odds(features))

    def title_probability(self, features: np.ndarray) -> np.ndarray:
        """P(title) of each line, were it article, from its sequence_features row."""
        return sigmoid(self.heading.log_odds(features))

    # --- files -------------------------------------------------------------------------

    def save(self, path: Path, extra_info: dict | None = None) -> dict:
        """Write ``path`` (.npz) and its manifest ``path.with_suffix('.json')`` atomically."""
        path = Path(path)
        arrays = ({name: getattr(self, name) for name in _ARRAYS}
                  | self.stage.arrays(_STAGE) | self.heading.arrays(_HEADING))
        # Not compressed: the weights barely compress (7.9 MB to 6.0), and inflating them cost
        # every start of the command 35 ms.
        write_atomic(path, lambda f: np.savez(f, **arrays))
        manifest = {
            "format_version": FORMAT_VERSION,
            "file": path.name,
            "sha256": sha256_of(path),
            "labels": list(LABELS),
            "n_features": self.n_features,
            "threshold": self.threshold,
            "word_cost": self.word_cost,
            "repeated_floor": self.repeated_floor,
            "info": {**self.info, **(extra_info or {})},
        }
        write_atomic(manifest_path(path), json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        return manifest

    @classmethod
    def load(cls, path: Path | None = None, trust: bool = False) -> Model:
        """Load weights after checking the manifest (format version and sha256).

        ``trust=True`` accepts a file without a manifest (its settings then come from the file).
        """
        path = default_model_path() if path is None else Path(path)
        if not path.is_file():
            raise ModelError(f"{path}: no such model file (train one with `cleaner train`)")
        mpath = manifest_path(path)
        manifest: dict = {}
        if mpath.is_file():
            try:
                manifest = json.loads(mpath.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ModelError(f"{mpath}: unreadable manifest ({exc})") from exc
            if manifest.get("format_version") != FORMAT_VERSION:
                raise ModelError(
                    f"{path}: model format {manifest.get('format_version')!r}, this cleaner reads "
                    f"format {FORMAT_VERSION}; retrain it with `cleaner train -o {path}`"
                )
            if manifest.get("labels") != list(LABELS):
                raise ModelError(f"{path}: trained for other labels; retrain with `cleaner train`")
            if manifest.get("sha256") != sha256_of(path):
                raise ModelError(f"{path}: sha256 does not match its manifest {mpath.name}")
        elif not trust:
            raise ModelError(f"{path}: no manifest {mpath.name} beside it (use --trust-model)")
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in _ARRAYS}
                arrays["stage"] = Forest.from_arrays(data, _STAGE)
                arrays["heading"] = Forest.from_arrays(data, _HEADING)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{path}: not a cleaner model ({exc})") from exc
        return cls(
            **arrays,
            threshold=float(manifest.get("threshold", 0.5)),
            word_cost=float(manifest.get("word_cost", 0.0)),
            repeated_floor=float(manifest.get("repeated_floor", 0.1)),
            n_features=int(manifest.get("n_features", arrays["line_w"].shape[0])),
            info=manifest.get("info", {}),
        )


def default_model_path() -> Path:
    """The shipped model: ``models/`` in the repo, installed as the ``cleaner.models`` package."""
    from importlib.resources import files

    return Path(str(files("cleaner.models") / MODEL_NAME))


def manifest_path(path: Path) -> Path:
    return Path(path).with_suffix(".json")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
