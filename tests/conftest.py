"""Shared fixtures: the shipped cleaner (loaded once) and the shared folder, if present."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.training.corpora import find_shared

SHARED = find_shared()
needs_shared = pytest.mark.skipif(
    SHARED is None, reason="../shared (seeds and corpora) is not beside the repo"
)


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.fixture(scope="session")
def shared() -> Path:
    if SHARED is None:
        pytest.skip("../shared (seeds and corpora) is not beside the repo")
    return SHARED
