"""`attribution-lab new-case`: a draft case from any news text, refused drafts on validate, clear
one-line messages for bad input, and a clear message when an article changes after its key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from budget import examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from attribution_lab import CaseError, load_case
from attribution_lab.authoring.newcase import NewCaseError, draft_key, draft_summary, make_case
from attribution_lab.cli import main
from attribution_lab.formats.key import validate_key
from attribution_lab.formats.limits import MAX_ARTICLE_BYTES
from attribution_lab.storage.cases import read_case_files


@pytest.fixture(scope="module")
def invented_article() -> Path:
    """The shipped invented article, a text anyone may copy."""
    return Path(load_case("alder_river").folder) / "article.txt"


def _new_case(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(["new-case", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_new_case_writes_the_article_and_a_draft_key_that_loads_as_a_draft(tmp_path, invented_article, capsys) -> None:
    """The folder holds the article unchanged and a key whose every entry is a draft; it loads
    with allow_drafts=True and covers the article statement by statement."""
    code, out, _ = _new_case([str(invented_article), "--id", "river", "--out", str(tmp_path)], capsys)
    assert code == 0
    folder = tmp_path / "river"
    assert f"Drafted {folder}" in out and "attribution-lab validate" in out
    assert (folder / "article.txt").read_bytes() == invented_article.read_bytes()
    case = load_case(folder, allow_drafts=True)
    assert case.id == "river"
    assert len(case.statements) == len(load_case("alder_river").statements)
    assert all(s.draft for s in case.statements)
    data, _, _ = read_case_files(folder)
    assert all(entry["draft"] is True for entry in data["statements"])
    assert data["vocabularies"] == read_case_files("alder_river")[0]["vocabularies"]
    # the starting vocabulary has a publishing-outlet link, so every chain can be answered
    assert all(s.answers["chain"] for s in case.statements)


def test_draft_guesses_name_the_speakers_origin(tmp_path, invented_article) -> None:
    """A statement with an attribution cue gets its cue and a non-writer origin; one without, the
    writer. (A cue whose speaker the statement itself does not name, such as a heading's "promised",
    can only be traced from the next sentence: there the drafting rules may fall back on the writer.)"""
    folder = make_case(invented_article, "river", tmp_path)
    draft = load_case(folder, allow_drafts=True)
    key = load_case("alder_river")
    by_quote = {s.quote: s for s in draft.statements}
    speaker_in_sentence = 0
    for statement in key.statements:
        guess = by_quote[statement.quote]
        if statement.cue is None:
            assert guess.answers["origin"] == "writer"
        if statement.answers["origin"] != "writer":
            assert guess.cue is not None
            if statement.facts["source_named"] or statement.answers["origin"] == "unnamed_sources":
                assert guess.answers["origin"] != "writer", statement.id
                speaker_in_sentence += 1
    assert speaker_in_sentence >= 5


def test_validate_refuses_a_key_with_drafts_and_lists_each(tmp_path, invented_article, capsys) -> None:
    """`validate` exits 1 and names every draft statement in a line that says what to do."""
    folder = make_case(invented_article, "river", tmp_path)
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err.splitlines()
    draft = load_case(folder, allow_drafts=True)
    for statement in draft.statements:
        assert f"{folder / 'key.yaml'}: {statement.id}: draft: is still a draft: review the entry, then remove 'draft: true'" in err
    assert err[-1] == f"{folder}: {len(draft.statements)} problem(s); the case is not valid"
    with pytest.raises(CaseError):
        load_case(folder)


def test_a_reviewed_draft_validates(tmp_path, invented_article, capsys) -> None:
    """Removing the draft marks is not enough while drafted texts remain: validate names each one.
    Once every drafted why and takeaway is written and the marks are removed, the case is valid."""
    folder = make_case(invented_article, "river", tmp_path)
    key = folder / "key.yaml"
    data = yaml.safe_load(key.read_text("utf-8"))
    for entry in data["statements"]:
        del entry["draft"]
    key.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "S01: origin.why: still begins with 'DRAFT'" in err and "S01: takeaway: still begins with 'DRAFT'" in err
    for entry in data["statements"]:
        entry["takeaway"] = "What this statement teaches."
        for field in ("origin", "chain", "claim_type", "reported_right", "believable", "red_flag"):
            if entry[field]["why"].startswith("DRAFT"):
                entry[field]["why"] = f"Why this answer is right for {field.replace('_', ' ')}."
    key.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    assert main(["validate", str(folder)]) == 0
    assert "river: valid" in capsys.readouterr().out


def test_new_case_can_start_from_another_cases_vocabularies(tmp_path, kursk, capsys) -> None:
    """--like kursk copies the Kursk vocabularies and rules; the Kursk article drafts and loads."""
    code, _, _ = _new_case([str(Path(kursk.folder) / "article.txt"), "--id", "k", "--out", str(tmp_path), "--like", "kursk"], capsys)
    assert code == 0
    draft = load_case(tmp_path / "k", allow_drafts=True)
    assert dict(draft.vocabularies["origin"]) == dict(kursk.vocabularies["origin"])
    assert set(draft.rules) == set(kursk.rules)
    # without a publishing-outlet label, chains hold only the intermediaries a statement names
    assert ("kcna", "the_guardian") in {s.answers["chain"] for s in draft.statements}
    assert () in {s.answers["chain"] for s in draft.statements}


def test_repeated_sentences_bom_and_windows_line_ends_still_give_a_valid_draft(tmp_path) -> None:
    """A sentence that occurs twice is merged until unique; a BOM is dropped; CRLF lines are kept."""
    article = tmp_path / "in.txt"
    text = "Storm hits the coast\r\nPower is out. The mayor said help is coming. Power is out.\r\n"
    article.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    folder = make_case(article, "storm", tmp_path / "cases")
    assert (folder / "article.txt").read_bytes() == text.encode("utf-8")
    case = load_case(folder, allow_drafts=True)
    assert all(case.article.count(s.quote) == 1 for s in case.statements)
    assert case.title == "Storm hits the coast"


def test_the_summary_lists_every_draft_statement(tmp_path, invented_article) -> None:
    """draft_summary gives one line per statement with its id, the draft mark and the origin."""
    folder = make_case(invented_article, "river", tmp_path)
    lines = draft_summary(folder).splitlines()
    draft = load_case(folder, allow_drafts=True)
    assert len(lines) == len(draft.statements)
    for line, statement in zip(lines, draft.statements):
        assert line.startswith(f"{statement.id}  draft  {statement.answers['origin']}")


# --------------------------------------------------------------------------------------------
# Bad input: one clear line, exit 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty; there is no text to split into statements"),
        (b"  \n\t\n", "is empty; there is no text to split into statements"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file, not plain text (it holds NUL bytes)"),
        ("Caf\u00e9 owners said prices rose.".encode("latin-1"), "is not UTF-8 text (byte 3 is 0xE9); save it as UTF-8"),
        (b"... -- !!!", "holds no words"),
        (b"x" * (MAX_ARTICLE_BYTES + 1), f"is {MAX_ARTICLE_BYTES + 1:,} bytes; an article for a case may be at most 200,000 bytes (200 kB)"),
    ],
    ids=["empty", "blank", "binary", "latin-1", "no-words", "huge"],
)
def test_bad_articles_get_one_clear_line_and_exit_1(tmp_path, capsys, content: bytes, expected: str) -> None:
    """Empty, binary, non-UTF-8, wordless and oversized articles are refused, naming the file; nothing is written."""
    article = tmp_path / "article in.txt"
    article.write_bytes(content)
    code, out, err = _new_case([str(article), "--id", "bad", "--out", str(tmp_path / "cases")], capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"{article}: ")
    assert expected in err
    assert not (tmp_path / "cases").exists()


def test_a_missing_article_is_one_line(tmp_path, capsys) -> None:
    """A path that is not a file is named in a one-line error."""
    code, _, err = _new_case([str(tmp_path / "nope.txt"), "--id", "x", "--out", str(tmp_path)], capsys)
    assert code == 1 and err == f"{tmp_path / 'nope.txt'}: does not exist or is not a file\n"


@pytest.mark.parametrize("bad_id", ["My Case", "1case", "case-2", "", "a" * 41, "../escape", "Kursk"])
def test_an_invalid_id_is_refused(tmp_path, invented_article, capsys, bad_id: str) -> None:
    """Ids must be lower-case letters, digits and _, start with a letter, at most 40 long."""
    code, _, err = _new_case([str(invented_article), "--id", bad_id, "--out", str(tmp_path)], capsys)
    assert code == 1
    assert err == (
        f"{bad_id!r} is not a valid case id: use 1 to 40 lower-case letters, digits and _, starting with a letter\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_existing_case_is_refused_unless_forced(tmp_path, invented_article, capsys) -> None:
    """A second new-case with the same id is refused and changes nothing; --force replaces the
    article and key and leaves other files alone."""
    assert _new_case([str(invented_article), "--id", "river", "--out", str(tmp_path)], capsys)[0] == 0
    folder = tmp_path / "river"
    (folder / "key.yaml").write_text("# my edits\n", "utf-8")
    (folder / "notes.md").write_text("mine", "utf-8")
    code, _, err = _new_case([str(invented_article), "--id", "river", "--out", str(tmp_path)], capsys)
    assert code == 1
    assert err == f"{folder}: already exists; choose another --id, or add --force to replace its article and key\n"
    assert (folder / "key.yaml").read_text("utf-8") == "# my edits\n"
    assert _new_case([str(invented_article), "--id", "river", "--out", str(tmp_path), "--force"], capsys)[0] == 0
    assert load_case(folder, allow_drafts=True).id == "river"
    assert (folder / "notes.md").read_text("utf-8") == "mine"


# --------------------------------------------------------------------------------------------
# An article changed after its key was written


def test_validate_says_which_quotes_no_longer_match_a_changed_article(tmp_path, capsys) -> None:
    """Editing a word in the article makes `validate` name that statement and say how far its quote matches."""
    folder = tmp_path / "alder_river"
    shutil.copytree(load_case("alder_river").folder, folder)
    case = load_case(folder)
    changed = case.statements[2]
    words = changed.quote.split()
    old = words[len(words) // 2]
    article = folder / "article.txt"
    article.write_text(case.article.replace(changed.quote, changed.quote.replace(f" {old} ", " CHANGED ", 1)), "utf-8")
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err.splitlines()
    prefix = changed.quote[: changed.quote.index(f" {old} ") + 1]  # the space before the changed word still matches
    [line] = [line for line in err if f": {changed.id}: quote:" in line]
    assert line.startswith(f"{folder / 'key.yaml'}: {changed.id}: quote: not found in the article; it matches up to ")
    assert repr(prefix[-30:]) in line and line.endswith("and differs after that")
    assert err[-1] == f"{folder}: 1 problem(s); the case is not valid"


# --------------------------------------------------------------------------------------------
# Any text gives a draft the loader accepts


_PIECES = st.sampled_from(
    ["The", "council", "said", "Experts", "fear", "according to", "U.S.", "prof.", "Ann", "Lee", '"', "“", "”",
     "fish", "2,000", ",", ".", "?", "!", "\n", "\r\n", "–", "é", "it", "was", "reported", "that"]
)


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, min_size=1, max_size=50).map(" ".join))
@example("The \n The \n The The")  # overlapping repeats: once merged too early
def test_every_draft_of_any_text_passes_the_loader_as_a_draft(text: str) -> None:
    """For any text with words, the draft key satisfies the schema and the quote rules (drafts
    allowed) and reports one draft problem per statement otherwise."""
    like, _, _ = read_case_files("alder_river")
    try:
        data = draft_key(text, "any", like, published="2025-01-01")
    except NewCaseError as error:
        assert "holds no sentences" in str(error)
        return
    assert validate_key(data, text, allow_drafts=True) == []
    problems = validate_key(data, text)
    assert [p.statement for p in problems] == [s["id"] for s in data["statements"]]


@pytest.mark.parametrize("builtin_id", ["kursk", "alder_river"])
@pytest.mark.parametrize("force", [False, True])
def test_the_id_of_a_built_in_case_is_refused_with_exit_2(tmp_path, invented_article, capsys, builtin_id: str, force: bool) -> None:
    """An id that a built-in case already has is refused, even with --force: one line naming the id
    and the built-in cases, exit 2, nothing written."""
    argv = [str(invented_article), "--id", builtin_id, "--out", str(tmp_path / "cases")] + (["--force"] if force else [])
    code, out, err = _new_case(argv, capsys)
    assert code == 2 and out == ""
    assert err == (
        f"{builtin_id!r} is the id of a built-in case (built-in cases: alder_river, kursk, kursk_prisoners); "
        "choose another --id; nothing was written\n"
    )
    assert not (tmp_path / "cases").exists()
