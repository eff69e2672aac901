"""The key's YAML loader: libyaml's fast parser where PyYAML has it, read exactly as the pure-Python
safe loader reads it, dates kept as typed, and aliases refused on both."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from attribution_lab.errors import CaseError
from attribution_lab.formats import key
from attribution_lab.formats.key import parse_yaml

CASES = Path(key.__file__).resolve().parents[1] / "cases"


class PureKeyLoader(yaml.SafeLoader):
    """The pure-Python safe loader with the key loader's resolvers (no implicit dates)."""


PureKeyLoader.yaml_implicit_resolvers = key._KeyLoader.yaml_implicit_resolvers


def test_the_fast_parser_is_used_where_pyyaml_has_it() -> None:
    """A PyYAML built with libyaml reads keys with its C parser."""
    assert issubclass(key._KeyLoader, yaml.CSafeLoader) == yaml.__with_libyaml__


@pytest.mark.parametrize("folder", sorted(p.name for p in CASES.iterdir() if (p / "key.yaml").exists()))
def test_every_shipped_key_reads_the_same_with_both_parsers(folder: str) -> None:
    """The data of each shipped key is the same from the fast loader and the pure-Python one."""
    text = (CASES / folder / "key.yaml").read_text("utf-8")
    assert parse_yaml(text, "key.yaml") == yaml.load(text, Loader=PureKeyLoader)  # noqa: S506 - a SafeLoader


def test_dates_stay_the_strings_typed() -> None:
    """A date is not turned into a datetime.date: the schema sees what the author wrote."""
    assert parse_yaml("published: 2025-04-29\n", "key.yaml") == {"published": "2025-04-29"}


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: &x [1, 2]\nb: [*x]\n", "a: &x [*x]\n"])
def test_any_alias_is_refused_with_its_line(text: str) -> None:
    """An alias of a scalar, of a list, or of itself gives a CaseError that says aliases are not allowed."""
    with pytest.raises(CaseError, match=r"not valid YAML: line 1, column \d+: aliases \(\*name\) are not allowed"):
        parse_yaml(text, "key.yaml")
