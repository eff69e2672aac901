"""The key file's decoder: YAML read safely, then the versioned JSON Schema (checked by the
compiled validator of ``jsonschema-rs``, which imports in milliseconds), then what a schema
cannot check (:mod:`attribution_lab.core.validation`).

This is the one place that knows how a key is written down. It reads no files: it takes the
key's text and its article's text and returns every problem, or a :class:`~attribution_lab.core.case.Case`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import yaml

from ..core.case import Case, build_case
from ..core.validation import semantic_problems
from ..errors import CaseError, Problem
from .limits import KEY_FILE

#: The key schema this version reads. Schema 1 (one confidence field, one rationale per statement)
#: is still shipped, only so that ``attribution-lab migrate-key`` can check a key before converting it.
SCHEMA_VERSION = 2
OLD_SCHEMA_VERSIONS = (1,)


@cache
def case_schema(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The JSON Schema of a key (version :data:`SCHEMA_VERSION` unless asked), as shipped in the package."""
    text = resources.files("attribution_lab").joinpath(f"formats/schemas/case-v{version}.schema.json").read_text("utf-8")
    return json.loads(text)


def migration_message(file: str) -> str:
    """What to do with a key in an older schema: the command that converts it."""
    folder = file.rsplit("/", 1)[0] if "/" in file else "."
    return (
        f"is 1; this version of Attribution Lab reads schema_version {SCHEMA_VERSION}, which asks two trust "
        "questions instead of one confidence and explains each field on its own. Convert the key with "
        f"'attribution-lab migrate-key {folder}' (it keeps the old key beside the new one and marks every "
        "statement as a draft to review)"
    )


#: libyaml's parser where PyYAML was built with it (about ten times faster than the pure-Python
#: one); both are safe loaders, building only plain data.
_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _KeyLoader(_SAFE_LOADER):
    """PyYAML's safe loader without implicit dates (aliases are refused by :func:`parse_yaml`).

    A date stays the string it was typed as, so the schema sees exactly what the author wrote.
    """


_KeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _refuse_aliases(root: yaml.Node) -> None:
    """Raise a ComposerError at the first node the document reaches twice: an alias (``*name``).

    A key never needs aliases, and a few nested ones expand to millions of values ("billion
    laughs"). Both parsers give an alias the very node of its anchor, so this walk, made before
    anything is built, finds every one, cycles included.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a key", node.start_mark)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML safely (no object construction). Raises :class:`CaseError` naming the line."""
    loader = _KeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return loader.construct_document(node)
    except RecursionError:
        raise CaseError([Problem(file, None, None, "is nested too deeply to be a key")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise CaseError([Problem(file, None, None, f"not valid YAML: {where}{problem}")]) from None
    finally:
        loader.dispose()




# Validation


def _schema_problems(data: Any, file: str) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(file, None, None, "the key must be a mapping with schema_version, case, vocabularies, ...")]
    version = data.get("schema_version")
    if version in OLD_SCHEMA_VERSIONS:
        return [Problem(file, None, "schema_version", migration_message(file))]
    if version != SCHEMA_VERSION:
        return [
            Problem(
                file,
                None,
                "schema_version",
                f"is {version!r}; this version of Attribution Lab reads schema_version {SCHEMA_VERSION}",
            )
        ]
    try:
        errors = list(_validator().iter_errors(data))
    except ValueError:  # the validator's own recursion limit: only data nested far too deeply reaches it
        return [Problem(file, None, None, "is nested too deeply to be a key")]
    problems = []
    for error in sorted(errors, key=lambda e: list(map(str, e.instance_path))):
        problems.append(_problem_from_schema_error(error, data, file))
    return problems


@cache
def _validator(version: int = SCHEMA_VERSION) -> jsonschema_rs.Draft202012Validator:
    """The compiled validator of a key schema, built once per process."""
    return jsonschema_rs.Draft202012Validator(case_schema(version))


def _problem_from_schema_error(error: jsonschema_rs.ValidationError, data: dict, file: str) -> Problem:
    path = list(error.instance_path)
    keyword = error.schema_path[-1] if error.schema_path else None  # the schema keyword that failed
    statement = None
    where = path
    if len(path) >= 2 and path[0] == "statements" and isinstance(path[1], int) and isinstance(data["statements"], list):
        entry = data["statements"][path[1]]
        sid = entry.get("id") if isinstance(entry, dict) else None
        statement = sid if isinstance(sid, str) else f"statement #{path[1] + 1}"
        where = path[2:]
    message = error.message
    if keyword == "required":
        missing = re.search(r"[\"']([^\"']+)[\"'] is a required property", message)
        if missing:
            where = [*where, missing.group(1)]
            message = "is missing"
    elif keyword == "additionalProperties":
        message = message.replace("Additional properties are not allowed", "unknown field(s)")
    elif keyword == "oneOf":
        message = f"{error.instance!r} is not a valid value here"
    field_name = ".".join(str(p) for p in where) or None
    return Problem(file, statement, field_name, message)


def validate_key(data: Any, article: str, file: str = KEY_FILE, *, allow_drafts: bool = False) -> list[Problem]:
    """Every problem of a parsed key against the schema and the article; empty when valid."""
    problems = _schema_problems(data, file)
    if problems:
        return problems  # the semantic checks rely on the structure the schema guarantees
    return semantic_problems(data, article, file, allow_drafts=allow_drafts)


def decode_key(data: Any, article: str, file: str = KEY_FILE, *, folder: str | None = None, allow_drafts: bool = False) -> Case:
    """Turn a parsed key and its article into a :class:`Case`, or raise :class:`CaseError` listing
    every problem.
    """
    problems = validate_key(data, article, file, allow_drafts=allow_drafts)
    if problems:
        raise CaseError(problems)
    return build_case(data, article, folder)
