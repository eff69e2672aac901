"""``attribution-lab new-case``: turn any news text into a draft case (article + key.yaml).

The draft key splits the article into statements, finds attribution cues (see :mod:`.cues`),
guesses origins and claim types, and marks every entry ``draft: true``. It validates as a draft
(``load_case(folder, allow_drafts=True)``) but not as a case: ``attribution-lab validate`` lists
each draft until an instructor has reviewed it and removed the mark. Vocabularies, facts and
rules are copied from an existing case (by default the general ones of the Alder river case).

Drafting is pure (:func:`draft_key`); only :func:`read_article` and :func:`make_case` touch files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..core.case import FIELD_VOCABULARY
from ..core.feedback import shorten
from ..core.validation import DRAFT_MARK
from ..errors import AttributionLabError
from ..formats.key import SCHEMA_VERSION, validate_key
from ..formats.limits import KEY_FILE, MAX_ARTICLE_BYTES
from ..storage.cases import builtin_cases, read_case_files
from .cues import Detection, detect, label_for_class
from .drafting import content_kind, draft_facts, draft_field, draft_trust_fields, trust_parts

#: Articles larger than this are refused: a teaching case is one news item, a few kilobytes long.
#: The case whose vocabularies, facts and rules a new case starts from.
DEFAULT_LIKE = "alder_river"
#: A key holds at most this many statements (ids run S01 to S999).
MAX_STATEMENTS = 999
ARTICLE_FILE = "article.txt"
CASE_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")


class NewCaseError(AttributionLabError):
    """An article or case id that cannot become a new case. The message is one line."""


class BuiltinCaseIdError(NewCaseError):
    """The new case's id is the id of a case shipped with the module (the command exits 2)."""


# --------------------------------------------------------------------------------------------
# Reading the article (the only checks on raw input)


def check_case_id(case_id: str) -> None:
    """Refuse an id that the key's schema would refuse (it is also the folder name)."""
    if not CASE_ID.fullmatch(case_id):
        raise NewCaseError(
            f"{case_id!r} is not a valid case id: use 1 to 40 lower-case letters, digits and _, starting with a letter"
        )


def check_not_builtin(case_id: str) -> None:
    """Refuse the id of a built-in case: lessons, ``validate`` and the grader name cases by id, and
    two cases with one id would be mistaken for each other.
    """
    shipped = builtin_cases()
    if case_id in shipped:
        raise BuiltinCaseIdError(
            f"{case_id!r} is the id of a built-in case (built-in cases: {', '.join(shipped)}); "
            "choose another --id; nothing was written"
        )


def decode_article(raw: bytes, file: str) -> str:
    """Decode an article's bytes, refusing empty, binary, non-UTF-8 or oversized input.

    A UTF-8 byte-order mark is dropped; line endings are kept as they are.
    """
    if len(raw) > MAX_ARTICLE_BYTES:
        raise NewCaseError(
            f"{file}: is {len(raw):,} bytes; an article for a case may be at most {MAX_ARTICLE_BYTES:,} bytes "
            f"({MAX_ARTICLE_BYTES // 1000} kB): use one news item"
        )
    if not raw.strip():
        raise NewCaseError(f"{file}: is empty; there is no text to split into statements")
    if b"\x00" in raw:
        raise NewCaseError(
            f"{file}: looks like a binary file, not plain text (it holds NUL bytes); "
            "save the article as plain UTF-8 text (.txt)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NewCaseError(
            f"{file}: is not UTF-8 text (byte {error.start} is 0x{raw[error.start]:02X}); "
            "save it as UTF-8 and try again"
        ) from None
    text = text.removeprefix("\ufeff")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise NewCaseError(f"{file}: looks like a binary file, not plain text ({controls} control characters)")
    if not any(c.isalnum() for c in text):
        raise NewCaseError(f"{file}: holds no words; there is nothing to split into statements")
    return text


def read_article(path: str | Path) -> str:
    """Read an article file for a new case; raises :class:`NewCaseError` with a one-line message."""
    path = Path(path)
    try:
        if not path.is_file():
            raise NewCaseError(f"{path}: does not exist or is not a file")
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:  # refuse before reading a huge file into memory
            raise NewCaseError(
                f"{path}: is {size:,} bytes; an article for a case may be at most {MAX_ARTICLE_BYTES:,} bytes "
                f"({MAX_ARTICLE_BYTES // 1000} kB): use one news item"
            )
        raw = path.read_bytes()
    except OSError as error:
        raise NewCaseError(f"{path}: cannot be read: {error.strerror}") from None
    return decode_article(raw, str(path))


# --------------------------------------------------------------------------------------------
# Drafting the key (pure)


def _pick(vocabulary: dict[str, Any], *preferred: str | None) -> str:
    """The first preferred label the vocabulary has, else its first label."""
    for label in preferred:
        if label and label in vocabulary:
            return label
    return next(iter(vocabulary))


def _origin_note(detection: Detection, origin: str) -> str:
    if detection.cue is None:
        return f"{DRAFT_MARK}: no attribution cue found, so the writer is guessed as the origin; say why it is right."
    if detection.cue.kind == "quotation":
        return f"{DRAFT_MARK}: quotation marks but no cue words; origin guessed as {origin} ({detection.how}); say why it is right."
    return f"{DRAFT_MARK}: cue {detection.cue.text!r}; origin guessed as {origin} ({detection.how}); say why it is right."


def draft_entry(detection: Detection, statement_id: str, like: Mapping[str, Any]) -> dict[str, Any]:
    """One draft statement entry of a key, from what the cue rules found, with the trust questions
    decided by the ``like`` key's rules from the few facts the cue tells.
    """
    vocabularies = like["vocabularies"]
    origins = vocabularies["origin"]
    writer = label_for_class(origins, "writer")
    origin = _pick(origins, detection.origin, writer)
    unnamed = label_for_class(origins, "unnamed")
    claim_type = _pick(vocabularies["claim_type"], detection.claim_type, "unattributed")
    cue = detection.cue.text if detection.cue and detection.cue.kind != "quotation" else None
    chain = list(detection.chain)
    # A vocabulary with a label for the publishing outlet puts it in every chain (it is the last link
    # before the reader); otherwise the chain holds only the intermediaries the statement names.
    publisher = label_for_class(vocabularies["intermediary"], "publisher")
    if publisher and publisher not in chain:
        chain.append(publisher)
    kind = content_kind(claim_type)
    facts = draft_facts(
        like["facts"],
        {"credits_source": detection.cue is not None or origin != writer, "source_named": origin != unnamed, "content_kind": kind,
         "meaning_fixed": True},
    )
    names = {f: vocabularies[FIELD_VOCABULARY[f]] for f in ("origin", "claim_type", "red_flag")}
    origin_key = draft_field("origin", origin, names["origin"][origin]["name"])
    origin_key["why"] = _origin_note(detection, origin)
    chain_names = " → ".join(vocabularies["intermediary"][link]["name"] for link in chain) or "no intermediary"
    trust = draft_trust_fields(like, facts)
    return {
        "id": statement_id,
        "quote": detection.segment.text,
        "cue": cue,
        "facts": facts,
        "origin": origin_key,
        "reported_right": trust["reported_right"],
        "believable": trust["believable"],
        "claim_type": draft_field("claim_type", claim_type, names["claim_type"][claim_type]["name"]),
        "chain": draft_field("chain", tuple(chain), chain_names),
        "red_flag": draft_field("red_flag", "none", names["red_flag"]["none"]["name"]),
        "takeaway": f"{DRAFT_MARK}: write what a student should remember from this statement.",
        "draft": True,
    }


def draft_key(article: str, case_id: str, like: dict[str, Any], *, source: str = "the article", published: str) -> dict[str, Any]:
    """A draft key for ``article`` as plain data, with the vocabularies, facts and rules of the
    parsed key ``like``. Every statement is marked ``draft: true``. Raises :class:`NewCaseError`
    when the article holds too many statements for one key. ``published`` is the day the article
    appeared, as far as the author has said (new-case uses today's date until told).
    """
    vocabularies = like["vocabularies"]
    detections = detect(article, vocabularies["origin"], vocabularies["intermediary"])
    if not detections:
        raise NewCaseError(f"{source}: holds no sentences to split into statements")
    if len(detections) > MAX_STATEMENTS:
        raise NewCaseError(
            f"{source}: has {len(detections)} statements; a case holds at most {MAX_STATEMENTS}: use one news item"
        )
    width = 2 if len(detections) < 100 else 3
    first = detections[0].segment
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "case": {
            "id": case_id,
            "title": first.text if first.heading else f"{case_id} (draft)",
            "key_version": "0.1.0",
            "article": ARTICLE_FILE,
            "published": published,
            "about": (
                f"DRAFT made by attribution-lab new-case from {source}, with the vocabularies, facts and rules "
                f"of the {like['case']['id']} case. Say here where the article comes from, when and by "
                "whom it was published, and what is wrong with it on purpose."
            ),
        },
        "vocabularies": vocabularies,
    }
    data |= {k: v for k, v in trust_parts(like).items() if k != "vocabularies"}
    data["evidence"] = []
    data["statements"] = [draft_entry(d, f"S{n:0{width}d}", like) for n, d in enumerate(detections, start=1)]
    return data


class _KeyDumper(yaml.SafeDumper):
    """Safe YAML output that writes short lists of labels on one line, like the hand-made keys."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(item, str) and len(item) <= 40 for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_KeyDumper.add_representer(list, _represent_list)

HEADER = """\
# DRAFT answer key made by `attribution-lab new-case` from {source}.
# Every statement is marked `draft: true`. For each one: check the quote (split or merge statements
# as you see fit; a quote must stay an exact piece of {article} that occurs once), the cue, the
# facts (they decide "Reported right?" and "Believable?" by the rules below) and every answer; write
# each field's why and hint and the takeaway; then delete its `draft: true` line. Set `published`.
# The vocabularies, facts and rules come from the {like} case: adapt them to this article. Then run:
#   attribution-lab validate {folder}
# which lists every draft and problem left.
"""


def dump_key(data: dict[str, Any], *, header: str = "") -> str:
    """The key as YAML text, keys in schema order, with an optional comment header."""
    body = yaml.dump(data, Dumper=_KeyDumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return header + body


# --------------------------------------------------------------------------------------------
# Files


def make_case(
    article: str | Path,
    case_id: str,
    out: str | Path = "cases",
    *,
    force: bool = False,
    like: str | Path = DEFAULT_LIKE,
    published: str | None = None,
) -> Path:
    """Create ``out/case_id/`` with the article (as ``article.txt``) and a draft ``key.yaml``.

    Refuses an invalid id, the id of a built-in case, an existing folder (unless ``force``, which replaces only those two
    files) and an article that is empty, binary, not UTF-8 or larger than :data:`MAX_ARTICLE_BYTES`.
    Returns the new folder. The draft is checked with the loader before anything is written.
    """
    check_case_id(case_id)
    check_not_builtin(case_id)
    folder = Path(out) / case_id
    if folder.exists() and not folder.is_dir():
        raise NewCaseError(f"{folder}: exists and is not a folder; choose another --id or --out")
    if folder.exists() and not force:
        raise NewCaseError(f"{folder}: already exists; choose another --id, or add --force to replace its article and key")
    text = read_article(article)
    like_data, _, _ = read_case_files(like)
    data = draft_key(text, case_id, like_data, source=Path(article).name, published=published or date.today().isoformat())
    problems = validate_key(data, text, str(folder / KEY_FILE), allow_drafts=True)
    if problems:  # a defect of the drafting rules, never of the article: say so plainly
        raise NewCaseError(f"the draft key does not validate (please report this): {problems[0]}")
    header = HEADER.format(source=Path(article).name, article=ARTICLE_FILE, like=like_data["case"]["id"], folder=folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ARTICLE_FILE).write_bytes(text.encode("utf-8"))
    (folder / KEY_FILE).write_text(dump_key(data, header=header), encoding="utf-8", newline="\n")
    return folder


def draft_summary(folder: str | Path) -> str:
    """The draft statements of a case folder, one line each: id, origin, claim type, cue, quote start."""
    data, _, _ = read_case_files(folder)
    lines = []
    for entry in data["statements"]:
        mark = "draft" if entry.get("draft") else "     "
        cue = entry["cue"] or "-"
        quote = shorten(entry["quote"], 48)
        origin, claim_type = entry["origin"]["answer"], entry["claim_type"]["answer"]
        lines.append(f"{entry['id']}  {mark}  {origin:<18} {claim_type:<13} {cue:<18} {quote}")
    return "\n".join(lines)
