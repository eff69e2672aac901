"""Finding a class's files: a folder too large to sort in memory is sorted on disk, in the same
order as a small one (names with accents, capitals, digits and bytes that are not UTF-8 alike), its
sub-folders in their places, and the scratch file is removed however the listing ends."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from attribution_lab.instructor import listing
from attribution_lab.instructor.listing import submission_files

NAMES = ["b.json", "B.json", "a.json", "é.json", "z10.json", "z9.json", "ä.JSON", "notes.txt", "~.json", "日本.json",
         "A b.json", "a-b.json", "a_b.json", "\U0001f600.json", "\ufb01.json"]


def _class(root: Path) -> Path:
    folder = root / "class"
    for name in NAMES:
        (folder / "student-m").mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("{}")
        (folder / "student-m" / name).write_text("{}")
    (folder / "nested" / "deeper").mkdir(parents=True)
    for n in range(7):
        (folder / "nested" / f"{n}.json").write_text("{}")
        (folder / "nested" / "deeper" / f"{n}.json").write_text("{}")
    os.symlink(folder / "nested", folder / "link-to-nested")
    # A name whose bytes are not UTF-8: Python gives it lone surrogates, which sort by code point.
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.json"), "w") as handle:
        handle.write("{}")
    return folder


def _listed(folder: Path) -> list[tuple[str, str | None, bool]]:
    return [(found.path, found.skip, found.regular) for found in submission_files([folder])]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder, empty: where a scratch database would be left behind."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_folder_sorted_on_disk_is_listed_as_one_sorted_in_memory(tmp_path: Path, scratch: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for three entries in memory, every folder here is sorted on disk, pages of three
    at a time, nested three deep: the same files come out in the same order, with the same
    reasons to skip and the same file types, and nothing is left in the temporary folder."""
    folder = _class(tmp_path)
    in_memory = _listed(folder)
    monkeypatch.setattr(listing, "LISTING_IN_MEMORY", 3)
    assert _listed(folder) == in_memory
    assert list(scratch.iterdir()) == []


def test_the_order_is_pythons_sorted_order_of_the_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The top folder's entries come in the order ``sorted`` gives their names (code points), on
    disk as in memory; a folder's files come where its name sorts, and a folder read already
    (through a symbolic link) is reported instead of read again."""
    folder = _class(tmp_path)
    monkeypatch.setattr(listing, "LISTING_IN_MEMORY", 3)
    found = _listed(folder)
    top = [Path(path).name for path, _, _ in found if Path(path).parent == folder]
    # Folders read give their files instead; "link-to-nested" sorts first, so "nested" is the one met again.
    assert top == [name for name in sorted(os.listdir(folder)) if name not in ("link-to-nested", "student-m")]
    link = folder / "link-to-nested"
    assert found.index((str(link / "6.json"), None, True)) < found.index((str(link / "deeper" / "0.json"), None, True))
    assert [skip for path, skip, _ in found if path == str(folder / "nested")] == [
        "a folder already read (a symlink loop or a second link); not read again"]
    assert (str(folder / "notes.txt"), "not a .json file", False) in found


def test_the_scratch_database_is_removed_when_the_listing_is_left_early(tmp_path: Path, scratch: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A listing given up half-way (an error in the caller, or the caller stopping) removes its
    scratch database too."""
    folder = _class(tmp_path)
    monkeypatch.setattr(listing, "LISTING_IN_MEMORY", 3)
    files = submission_files([folder])
    next(files)
    assert len(list(scratch.iterdir())) == 1  # sorted on disk, as asked
    files.close()
    assert list(scratch.iterdir()) == []


def test_a_path_is_written_as_pathlib_writes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are made as text, without a Path for each file, and read as Path writes them: no
    './' in front of a file of the current folder, no doubled separator after a trailing one."""
    folder = tmp_path / "class"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "x.json").write_text("{}")
    monkeypatch.chdir(folder)
    assert [f.path for f in submission_files(["."])] == [str(Path("sub") / "x.json")]
    assert [f.path for f in submission_files([f"{folder}/"])] == [str(folder / "sub" / "x.json")]
    assert [f.path for f in submission_files(["./sub/x.json"])] == [str(Path("sub/x.json"))]
