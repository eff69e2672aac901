"""The case format: the seed, the schema, the loader, and the Kursk key's coverage of the article."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from attribution_lab import CaseError, load_case
from attribution_lab.core.case import FIELDS, RULED_FIELDS, uncovered_text
from attribution_lab.core.rules import decide
from attribution_lab.formats.key import decode_key, validate_key
from attribution_lab.storage.cases import builtin_cases, case_problems, read_case_files

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_9693dd59c90b81c9.txt"
SEED_SHA256 = "162a514a4267347f67c5c5ca36c43f11b41c81f833354080553769e7ad09752a"
BROKEN = ROOT / "tests" / "fixtures" / "broken_keys"


def test_seed_is_kept_byte_for_byte() -> None:
    """The seed article in seeds/ is the original file, unchanged (2,707 bytes, known sha256)."""
    raw = SEED.read_bytes()
    assert len(raw) == 2707
    assert hashlib.sha256(raw).hexdigest() == SEED_SHA256


def test_the_kursk_case_reads_the_seed_article(kursk) -> None:
    """The case's article is byte-identical to the seed, so the key is checked against the real text."""
    assert kursk.article.encode("utf-8") == SEED.read_bytes()


def test_kursk_key_is_valid_with_its_statement_count(kursk) -> None:
    """The shipped key loads with 20-25 statements, ids S01.. in article order."""
    assert 20 <= len(kursk.statements) <= 25
    assert list(kursk.statement_ids) == [f"S{n:02d}" for n in range(1, len(kursk.statements) + 1)]
    assert [s.start for s in kursk.statements] == sorted(s.start for s in kursk.statements)


def test_every_sentence_and_subheading_is_covered(kursk) -> None:
    """No letter or digit of the article lies outside a statement: every sentence is in the key."""
    assert uncovered_text(kursk) == []
    for line in filter(None, kursk.article.split("\n")):
        assert any(s.quote in line for s in kursk.statements), line


def test_offsets_are_derived_from_quotes(kursk) -> None:
    """Each statement's offsets point at exactly its quote in the article."""
    for statement in kursk.statements:
        assert kursk.article[statement.start : statement.end] == statement.quote
        assert kursk.article.count(statement.quote) == 1


def test_every_label_used_is_defined_with_a_definition(kursk) -> None:
    """Every key answer and accepted alternative is a label of the case's vocabularies."""
    for statement in kursk.statements:
        for field in FIELDS:
            labels = kursk.labels(field)
            answers = [statement.answers[field], *(a.answer for a in statement.accepted[field])]
            for answer in answers:
                for label in answer if isinstance(answer, tuple) else (answer,):
                    assert label in labels
                    assert labels[label].definition.strip()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text) if s]


@pytest.mark.parametrize("case_id", builtin_cases())
def test_key_texts_are_complete_and_short(case_id: str) -> None:
    """Every field of every statement has a why of one to four sentences and a hint of one to
    three; the takeaway is one to three sentences; accepted alternatives carry a reason."""
    case = load_case(case_id)
    for statement in case.statements:
        assert 1 <= len(_sentences(statement.takeaway)) <= 3, (statement.id, statement.takeaway)
        for field in FIELDS:
            assert 1 <= len(_sentences(statement.why(field))) <= 4, (statement.id, field, statement.why(field))
            assert 1 <= len(_sentences(statement.hint(field))) <= 3, (statement.id, field, statement.hint(field))
        for alternatives in statement.accepted.values():
            assert all(a.why.strip() for a in alternatives)


@pytest.mark.parametrize("case_id", builtin_cases())
def test_each_trust_answer_follows_from_its_rule_and_recorded_facts(case_id: str) -> None:
    """For both trust questions, each statement names the first rule, in order, whose conditions its
    recorded facts meet, and its answer is that rule's answer: recomputed here from the facts."""
    case = load_case(case_id)
    for statement in case.statements:
        assert set(statement.facts) == set(case.facts), statement.id
        for field in RULED_FIELDS:
            decided = decide(case.rules[field], statement.facts)
            assert decided is not None and decided.id == statement.key[field].rule, (statement.id, field)
            assert decided.answer == statement.answers[field], (statement.id, field)


@pytest.mark.parametrize("case_id", builtin_cases())
def test_no_why_or_hint_names_another_fields_answer(case_id: str) -> None:
    """No why (of a field or an accepted answer) or hint names the answer of another field of the same
    statement by its label's name, and no hint names its own field's answer. Checked here apart from
    the validator, on the loaded case, with every label (labels shared by every statement excepted)."""
    case = load_case(case_id)
    shared = {f: set.intersection(*(_labels(s.answers[f]) for s in case.statements)) for f in FIELDS}
    for statement in case.statements:
        for field in FIELDS:
            key = statement.key[field]
            for other in FIELDS:
                names = [case.labels(other)[label].name for label in _given(statement, other) - shared[other]]
                texts = [key.hint] if other == field else [key.why, key.hint, *(a.why for a in key.accepted)]
                for text in texts:
                    for name in names:
                        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I), (statement.id, field, other, name)


def _labels(answer: object) -> set[str]:
    return set(answer) if isinstance(answer, tuple) else {str(answer)}


def _given(statement: object, field: str) -> set[str]:
    found = _labels(statement.answers[field])  # type: ignore[attr-defined]
    for alternative in statement.accepted[field]:  # type: ignore[attr-defined]
        found |= _labels(alternative.answer)
    return found


def test_fact_checks_name_their_evidence(kursk) -> None:
    """The fact-checked statements cite outside sources that exist in the evidence list."""
    for sid in ("S01", "S03", "S10", "S11", "S12", "S16", "S17", "S19"):
        statement = kursk.statement(sid)
        assert statement.evidence, sid
        for ref in statement.evidence:
            assert ref in kursk.evidence
    assert all(e.outlet and e.supports for e in kursk.evidence.values())


def test_the_key_teaches_the_documented_lessons(kursk) -> None:
    """The key carries the article's known flaws: the misattributed quote, the contradiction,
    the mistranslated 'In the opinion of', the undated casualty figure and KCNA's garbled name."""
    by_quote = {s.quote: s for s in kursk.statements}
    miller = next(s for q, s in by_quote.items() if "Matthew Miller" in q)
    assert miller.answers["red_flag"] == "misattribution"
    silent = next(s for q, s in by_quote.items() if "silent" in q)
    flags = {silent.answers["red_flag"], *(a.answer for a in silent.accepted["red_flag"])}
    assert {"internal_contradiction", "translation_error"} <= flags
    assert silent.uncertain
    opinion = next(s for q, s in by_quote.items() if q.startswith("In the opinion of"))
    assert opinion.answers["red_flag"] == "translation_error"
    figure = next(s for q, s in by_quote.items() if "1,200" in q)
    assert figure.answers["red_flag"] == "outdated_figure"
    assert figure.answers["believable"] == "doubtful"
    kcna = next(s for q, s in by_quote.items() if "Korean Central Press Agency" in q)
    assert "KCNA" in kcna.why("chain")


def test_ambiguous_statements_accept_more_than_one_answer(kursk) -> None:
    """Statements the record leaves open say why a second answer is defensible."""
    ambiguous = [s for s in kursk.statements if s.uncertain]
    assert len(ambiguous) >= 5
    assert sum(1 for s in kursk.statements if any(s.accepted.values())) >= 12


@pytest.mark.parametrize("fixture", sorted(p.name for p in BROKEN.iterdir() if p.is_dir()))
def test_broken_key_fixtures_report_each_problem(fixture: str) -> None:
    """Each broken key is rejected with one line per problem naming file, statement and field;
    the valid fixture loads."""
    folder = BROKEN / fixture
    expected = [line for line in (folder / "expected.txt").read_text("utf-8").splitlines() if line]
    problems = [str(p) for p in case_problems(folder)]
    if not expected:
        assert problems == []
        load_case(folder)
        return
    assert len(problems) == len(expected), problems
    for want in expected:
        assert any(want in line for line in problems), (want, problems)
    with pytest.raises(CaseError) as error:
        load_case(folder)
    assert str(error.value).count("\n") == len(expected) - 1


def test_nothing_half_loads(tmp_path: Path) -> None:
    """A key with one bad statement raises and yields no Case at all."""
    data, article, _ = read_case_files("kursk")
    data["statements"][5]["origin"] = "martians"
    with pytest.raises(CaseError) as error:
        decode_key(data, article)
    assert "martians" in str(error.value)


def test_drafts_are_refused_unless_allowed() -> None:
    """A draft entry blocks validation but can be loaded on purpose for review."""
    folder = BROKEN / "draft"
    assert case_problems(folder)
    case = load_case(folder, allow_drafts=True)
    assert case.statement("S01").draft


def test_yaml_dates_stay_strings(tmp_path: Path) -> None:
    """Dates in a key are read as the text typed, not turned into date objects."""
    data, article, _ = read_case_files("kursk")
    assert all(isinstance(e["date"], (str, type(None))) for e in data["evidence"])
    assert validate_key(data, article) == []


def test_unknown_case_names_the_choices() -> None:
    """Asking for a case that does not exist says which cases do."""
    with pytest.raises(CaseError, match="kursk"):
        load_case("no_such_case")


def test_a_copied_case_folder_loads_from_anywhere(tmp_path: Path) -> None:
    """A case is a folder: a copy elsewhere loads the same."""
    source = Path(str(load_case("kursk").folder))
    shutil.copytree(source, tmp_path / "copy")
    assert load_case(tmp_path / "copy").statement_ids == load_case("kursk").statement_ids


def test_yaml_tags_that_build_objects_are_refused(tmp_path: Path) -> None:
    """Keys are data only: a YAML tag asking for a Python object is a clear error, never run."""
    (tmp_path / "key.yaml").write_text("schema_version: !!python/object/apply:os.system ['echo hi']\n")
    (tmp_path / "article.txt").write_text("x")
    problems = case_problems(tmp_path)
    assert len(problems) == 1 and "not valid YAML" in str(problems[0])


def test_schema_rejects_changed_versions_before_anything_else(tmp_path: Path) -> None:
    """A key written for another schema version gets exactly one line saying so."""
    data = yaml.safe_load((BROKEN / "valid" / "key.yaml").read_text("utf-8"))
    data["schema_version"] = "1"
    problems = validate_key(data, (BROKEN / "valid" / "article.txt").read_text("utf-8"))
    assert [p.field for p in problems] == ["schema_version"]
