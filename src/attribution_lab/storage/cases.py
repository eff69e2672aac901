"""Cases on disk: the built-in ones shipped in the package, and case folders (article + key.yaml).

The thin file layer around :mod:`attribution_lab.formats.key`: it finds a case's folder, reads its
two files with a size limit, and hands their text to the decoder.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.case import DEFAULT_CASE, Case
from ..errors import CaseError, Problem
from ..formats.key import decode_key, parse_yaml, validate_key
from ..formats.limits import KEY_FILE, MAX_CASE_FILE_BYTES
from .location import module_folder


def builtin_cases() -> list[str]:
    """Ids of the cases shipped with the module."""
    root = resources.files("attribution_lab").joinpath("cases")
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.joinpath(KEY_FILE).is_file())


def case_folder(case: str | Path = DEFAULT_CASE) -> Path:
    """Resolve a case id (shipped with the module) or a path to a case folder. A relative path is
    looked for in the current folder, then in the module's folder: a lesson's kernel runs in
    ``notebooks/``, and ``CASE = "cases/my_case"`` names the folder ``new-case`` made beside it.
    """
    path = Path(case)
    if not path.is_absolute() and not path.exists():
        root = module_folder()
        if root is not None and (root / path).exists():
            path = root / path
    if path.is_dir():
        return path
    if path.is_file() and path.name == KEY_FILE:
        return path.parent
    if isinstance(case, str) and re.fullmatch(r"[a-z][a-z0-9_]*", case):
        builtin = Path(str(resources.files("attribution_lab").joinpath("cases").joinpath(case)))
        if builtin.joinpath(KEY_FILE).is_file():
            return builtin
    raise CaseError(
        [Problem(str(case), None, None, f"no such case folder, and no built-in case of that name ({', '.join(builtin_cases())})")]
    )


def _read_text(path: Path, label: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_CASE_FILE_BYTES:
            raise CaseError([Problem(label, None, None, f"is {size:,} bytes; the limit is {MAX_CASE_FILE_BYTES:,}")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseError([Problem(label, None, None, "does not exist")]) from None
    except OSError as error:
        raise CaseError([Problem(label, None, None, f"cannot be read: {error.strerror}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaseError([Problem(label, None, None, f"is not UTF-8 text (byte {error.start})")]) from None


def read_case_files(case: str | Path = DEFAULT_CASE) -> tuple[Any, str, Path]:
    """Read and parse a case folder's key and article, without validating the key."""
    folder = case_folder(case)
    key_label = str(folder / KEY_FILE)
    data = parse_yaml(_read_text(folder / KEY_FILE, key_label), key_label)
    article_name = data.get("case", {}).get("article") if isinstance(data, dict) else None
    if not isinstance(article_name, str) or "/" in article_name or "\\" in article_name:
        # The schema reports the missing or bad file name; check against an empty article meanwhile.
        return data, "", folder
    return data, _read_text(folder / article_name, str(folder / article_name)), folder


def case_problems(case: str | Path = DEFAULT_CASE, *, allow_drafts: bool = False) -> list[Problem]:
    """Every problem of a case folder, each naming the file, the statement and the field."""
    try:
        data, article, folder = read_case_files(case)
    except CaseError as error:
        return error.problems
    return validate_key(data, article, str(folder / KEY_FILE), allow_drafts=allow_drafts)


def load_case(case: str | Path = DEFAULT_CASE, *, allow_drafts: bool = False) -> Case:
    """Load a case by id or folder, enforcing the schema. Raises :class:`CaseError` listing every problem."""
    data, article, folder = read_case_files(case)
    return decode_key(data, article, str(folder / KEY_FILE), folder=str(folder), allow_drafts=allow_drafts)


