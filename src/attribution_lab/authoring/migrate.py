"""Convert a key from schema 1 to schema 2 (``attribution-lab migrate-key``).

Schema 1 had one ``confidence`` per statement, decided by prose rules, and one ``rationale`` that
explained every field at once. Schema 2 asks two trust questions decided by ordered rules from facts
recorded on the statement, and explains each field on its own. What can be carried over is carried
over: the case, the vocabularies, the evidence, the estimates, every statement's quote, cue, answers
and accepted answers for origin, chain, claim type and red flag, its ``uncertain`` and evidence. The
rationale becomes the statement's takeaway. What cannot be known from schema 1 is drafted:

* the facts, guessed from the old confidence, cue, origin and red flag (see :func:`guessed_facts`);
* the two trust answers, decided from those facts by the rules of the ``like`` case;
* a why per field saying what to write, and the field's general hint.

Every statement is marked ``draft: true``, so the converted key does not validate until an author
has reviewed it. Pure: :func:`migrate` takes parsed data and returns parsed data.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.case import FIELDS, RULED_FIELDS
from ..formats.key import SCHEMA_VERSION
from ..formats.limits import KEY_FILE
from .cues import label_for_class
from .drafting import content_kind, draft_facts, draft_field, draft_trust_fields, trust_parts

#: The schema-1 fields carried over as they were.
KEPT_FIELDS = tuple(f for f in FIELDS if f not in RULED_FIELDS)
#: How many sources each schema-1 confidence level implied (its R2/R3/R4 rules): a guess to review.
SOURCES_FOR_CONFIDENCE = {"high": 2, "moderate": 1, "low": 0}


def guessed_facts(entry: Mapping[str, Any], origins: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a schema-1 statement as far as its old answers tell them; an author checks each.

    A cue or an origin other than the writer credits a source; an unnamed origin is not named; the
    old confidence gives the number of sources (high 2, moderate 1, low 0); a misattribution or a
    figure credited to the wrong source means the record shows another source; a translation error
    means the claim changed on the way; an outdated figure or a contradiction means contradicted or
    overtaken; a figure is an estimate and a judgement a forecast.
    """
    writer = label_for_class(origins, "writer")
    unnamed = label_for_class(origins, "unnamed")
    sources = SOURCES_FOR_CONFIDENCE.get(entry.get("confidence", ""), 0)
    named = entry["origin"] != unnamed
    kind = content_kind(entry["claim_type"])
    flag = entry["red_flag"]
    known = {
        "credits_source": entry["cue"] is not None or entry["origin"] != writer,
        "source_named": named,
        "record_shows_other_source": flag in ("misattribution", "wrong_figure_source"),
        "outside_reports": sources,
        "changed_on_the_way": flag == "translation_error",
        "content_kind": kind,
        "meaning_fixed": True,
        "contradicted_or_overtaken": flag in ("outdated_figure", "internal_contradiction"),
        "public_record": sources >= 2,
        "independent_sources": sources,
        "named_source_in_position": named and sources >= 1,
    }
    if "content_kind" in facts and kind not in facts["content_kind"].get("choices", [kind]):
        del known["content_kind"]
    return draft_facts(facts, known)


def migrate_statement(entry: Mapping[str, Any], vocabularies: Mapping[str, Any], like: Mapping[str, Any]) -> dict[str, Any]:
    """One schema-1 statement entry as a draft schema-2 entry."""
    facts = guessed_facts(entry, vocabularies["origin"], like["facts"])
    vocabulary_of = {"chain": "intermediary"}
    new: dict[str, Any] = {"id": entry["id"], "quote": entry["quote"], "cue": entry["cue"], "facts": facts}
    for field in KEPT_FIELDS:
        labels = vocabularies[vocabulary_of.get(field, field)]
        answer = entry[field]
        name = " → ".join(labels[a]["name"] for a in answer) if field == "chain" else labels[answer]["name"]
        new[field] = draft_field(field, tuple(answer) if field == "chain" else answer, name or "the answer")
        accepted = entry.get("accepted", {}).get(field)
        if accepted:
            new[field]["accepted"] = [dict(a) for a in accepted]
    trust = draft_trust_fields(like, facts)
    ordered = {}
    for field in FIELDS:  # schema order, so the converted key reads like a hand-written one
        ordered[field] = trust[field] if field in trust else new[field]
    result = {k: new[k] for k in ("id", "quote", "cue", "facts")} | ordered
    result["takeaway"] = entry["rationale"]
    for optional in ("uncertain", "evidence"):
        if optional in entry:
            result[optional] = entry[optional]
    result["draft"] = True
    return result


def migrate(old: Mapping[str, Any], like: Mapping[str, Any], *, published: str) -> dict[str, Any]:
    """A schema-1 key as a draft schema-2 key, with the trust questions of the schema-2 key ``like``.

    ``published`` is the day the article appeared (schema 1 did not record it).
    """
    vocabularies = {k: v for k, v in old["vocabularies"].items() if k != "confidence"}
    parts = trust_parts(like)
    new_vocabularies = {}
    for name in ("origin", "intermediary", "claim_type", *RULED_FIELDS, "red_flag"):
        new_vocabularies[name] = parts["vocabularies"][name] if name in RULED_FIELDS else vocabularies[name]
    case = dict(old["case"])
    case["key_version"] = _next_major(case["key_version"])
    case = {k: case[k] for k in ("id", "title", "key_version", "article")} | {"published": published} | {
        k: case[k] for k in ("about", "invented") if k in case
    }
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "case": case, "vocabularies": new_vocabularies}
    data["facts"] = parts["facts"]
    if "before_the_rules" in parts:
        data["before_the_rules"] = parts["before_the_rules"]
    data["rules"] = parts["rules"]
    for optional in ("evidence", "estimates", "article_figures"):
        if optional in old:
            data[optional] = old[optional]
    data["statements"] = [migrate_statement(entry, vocabularies, like) for entry in old["statements"]]
    return data


def latest_date(old: Mapping[str, Any]) -> str | None:
    """The latest date among a key's evidence and estimates: a first guess at when the article appeared."""
    dates = [e.get("date") for e in [*old.get("evidence", []), *old.get("estimates", [])]]
    known = [d for d in dates if isinstance(d, str)]
    return max(known) if known else None


def _next_major(version: str) -> str:
    major = version.split(".", 1)[0]
    return f"{int(major) + 1}.0.0" if major.isdigit() else "2.0.0"




# --------------------------------------------------------------------------------------------
# Files


OLD_KEY_FILE = "key.v1.yaml"

HEADER = """\
# Answer key converted from schema 1 by `attribution-lab migrate-key`; the old key is {old}.
# Every statement is marked `draft: true`. For each one: check the facts (guessed from the old
# confidence, cue, origin and red flag), which decide "Reported right?" and "Believable?" by the
# rules below; write each field's why (about that field only) and hint (pointing at the evidence
# without naming the answer); shorten the takeaway (the old rationale); then delete `draft: true`.
# Check `published` (the day the article appeared). Then run:
#   attribution-lab validate {folder}
"""


class MigrationError(ValueError):
    """A key that cannot be converted; the message is one line naming the file."""


def migrate_folder(folder: str | Path, like: str | Path, *, published: str | None = None, force: bool = False) -> tuple[Path, list[str]]:
    """Convert ``folder/key.yaml`` from schema 1 to schema 2 in place, keeping the old key as
    ``key.v1.yaml``. Returns the new key's path and what is left to review (the validator's
    problems, drafts allowed). Raises :class:`MigrationError` when the key is not schema 1, is
    invalid, or the old copy exists (unless ``force``).
    """
    import jsonschema_rs

    from ..formats.key import case_schema, parse_yaml, validate_key
    from ..storage.cases import read_case_files
    from ..storage.files import atomic_write

    folder = Path(folder)
    key_path = folder / KEY_FILE
    try:
        text = key_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MigrationError(f"{key_path}: cannot be read ({error})") from None
    old = parse_yaml(text, str(key_path))
    version = old.get("schema_version") if isinstance(old, dict) else None
    if version == SCHEMA_VERSION:
        raise MigrationError(f"{key_path}: is already schema_version {SCHEMA_VERSION}; nothing to convert")
    if version != 1:
        raise MigrationError(f"{key_path}: schema_version is {version!r}; migrate-key converts schema 1")
    # the first problem in the key's own order is the one to fix first
    invalid = min(jsonschema_rs.Draft202012Validator(case_schema(1)).iter_errors(old),
                  key=lambda e: list(map(str, e.instance_path)), default=None)
    if invalid is not None:
        where = ".".join(map(str, invalid.instance_path)) or "the key"
        raise MigrationError(f"{key_path}: is not a valid schema-1 key ({where}: {invalid.message}); fix that first")
    like_data, _, _ = read_case_files(like)
    if like_data.get("schema_version") != SCHEMA_VERSION:
        raise MigrationError(f"--like {like}: is not a schema-{SCHEMA_VERSION} key")
    day = published or latest_date(old)
    if day is None:
        raise MigrationError(f"{key_path}: give --published YYYY-MM-DD, the day the article appeared")
    backup = folder / OLD_KEY_FILE
    if backup.exists() and not force:
        raise MigrationError(f"{backup}: already exists; move it away or add --force")
    data = migrate(old, like_data, published=day)
    _, article, _ = read_case_files(folder)
    problems = [str(p) for p in validate_key(data, article, str(key_path), allow_drafts=True)]
    header = HEADER.format(old=OLD_KEY_FILE, folder=folder)
    from .newcase import dump_key

    backup.write_text(text, encoding="utf-8", newline="\n")
    atomic_write(key_path, dump_key(data, header=header).encode("utf-8"))
    return key_path, problems


__all__ = ["KEPT_FIELDS", "MigrationError", "guessed_facts", "latest_date", "migrate", "migrate_folder", "migrate_statement"]
