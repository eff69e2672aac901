"""Shared fixtures: the Kursk case, loaded once, and the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest

from attribution_lab import Case, load_case

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def kursk() -> Case:
    """The shipped Kursk case."""
    return load_case("kursk")


@pytest.fixture(autouse=True)
def _answers_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every answers file a test writes out of the repository."""
    monkeypatch.setenv("ATTRIBUTION_LAB_ANSWERS_DIR", str(tmp_path))
