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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long tests first: slow-marked ones, then the browser tests, then the rest, each group
    in its collection order. The test processes hand out tests in this order, so the many short
    tests fill the gaps at the end instead of one long test running on alone."""
    def group(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("slow") else 1 if item.get_closest_marker("browser") else 2

    items.sort(key=group)  # a stable sort: within a group, modules and their fixtures stay together
