"""Cue detection for new cases: splitting a text into statements, finding attribution cues and
guessing origins from a vocabulary. Pure functions, checked on made-up sentences and the shipped cases."""

from __future__ import annotations

import pytest
from budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution_lab import builtin_cases, load_case
from attribution_lab.authoring.cues import detect, find_cues, guess_origin, label_for_class, primary_cue
from attribution_lab.authoring.sentences import make_unique, occurs_more_than_once, split_statements


def _plain(vocabulary) -> dict[str, dict[str, str]]:
    return {lid: {"name": label.name, "definition": label.definition} for lid, label in vocabulary.items()}


@pytest.fixture(scope="module")
def origins() -> dict[str, dict[str, str]]:
    """The general origin vocabulary that new cases start from."""
    return _plain(load_case("alder_river").vocabularies["origin"])


def test_sentences_and_headings_are_split_with_exact_offsets() -> None:
    """Sentences split at final punctuation; a short line without it is a heading; offsets are exact."""
    text = "Flood warning for the valley\r\nRain fell all night. The river rose by two metres!\nIs it over?"
    segments = split_statements(text)
    assert [s.text for s in segments] == [
        "Flood warning for the valley",
        "Rain fell all night.",
        "The river rose by two metres!",
        "Is it over?",
    ]
    assert [s.heading for s in segments] == [True, False, False, False]
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_abbreviations_initials_and_quotes_do_not_end_a_sentence() -> None:
    """'U.S.', 'prof.', 'Dr.' and a full stop inside quotation marks leave the sentence whole."""
    text = 'The U.S. State Department said so. "It is over. We won," said prof. Ann Lee of Dr. No College.'
    assert [s.text for s in split_statements(text)] == [
        "The U.S. State Department said so.",
        '"It is over. We won," said prof. Ann Lee of Dr. No College.',
    ]


def test_a_long_line_without_final_punctuation_is_not_a_heading() -> None:
    """Only short one-sentence lines count as headings."""
    line = " ".join(["word"] * 30)
    assert split_statements(line)[0].heading is False


def test_repeated_sentences_are_merged_until_every_quote_is_unique() -> None:
    """A sentence that occurs twice is merged with its neighbour, so each quote occurs once."""
    text = "Prices rose. Nobody knows why. Prices rose. The end came."
    segments = make_unique(text, split_statements(text))
    assert all(text.count(s.text) == 1 for s in segments)
    assert "Prices rose. Nobody knows why." in [s.text for s in segments]


def test_overlapping_repeats_are_merged_too() -> None:
    """"The \\n The" occurs twice in "The \\n The \\n The The" when occurrences may overlap, as the
    loader counts them; merging goes on until the quote truly occurs once (found by hypothesis)."""
    text = "The \n The \n The The"
    segments = make_unique(text, split_statements(text))
    for segment in segments:
        first = text.find(segment.text)
        assert text.find(segment.text, first + 1) == -1, f"{segment.text!r} occurs twice in {text!r}"
    assert occurs_more_than_once("a a a", "a a") and not occurs_more_than_once("a a a", "a a a")


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("According to the ministry, the bridge is safe.", "According to"),
        ("The minister said the bridge is safe.", "said"),
        ("The mayor told reporters the bridge is safe.", "told"),
        ("The bridge is safe, the mayor was quoted by the paper as saying.", "quoted by"),
        ("As we read, the bridge is safe.", "As we read"),
        ("Citing engineers, the paper says the bridge is safe.", "Citing"),
        ("In the opinion of the engineers, the bridge is safe.", "In the opinion of"),
        ("The agency estimates that 300 cars cross each hour.", "estimates"),
        ("Experts fear the bridge will fail.", "fear"),
        ("The company stated that the bridge is safe.", "stated"),
        ("The council announced a new bridge.", "announced"),
        ("She added that the bridge is safe.", "added"),
        ("The builder claimed the bridge is safe.", "claimed"),
        ("The radio reported that the bridge is safe.", "reported"),
        ("The bridge is reportedly safe.", "reportedly"),
        ("Critics argue the bridge is unsafe.", "argue"),
        ("The union welcomed the new bridge.", "welcomed"),
    ],
)
def test_the_general_cue_lexicon_is_found(sentence: str, cue: str) -> None:
    """Each phrase or verb of the general lexicon is detected as the statement's main cue."""
    found = primary_cue(find_cues(sentence))
    assert found is not None and found.text == cue


def test_quotation_marks_are_a_cue_but_a_quoted_name_is_not() -> None:
    """Three or more quoted words count as someone's words; a quoted title ("The Times") does not."""
    assert [c.kind for c in find_cues('The bridge is "safe for many more years" now.')] == ["quotation"]
    assert find_cues('The bridge appeared in "The Times" today.') == []
    assert find_cues("The bridge is safe.") == []


def test_the_speaker_is_read_before_or_after_the_verb() -> None:
    """'X said' names X before the verb; an inverted '"...," said X' names X after it."""
    before = primary_cue(find_cues("Dr Ann Lee, an engineer at the Bridge Institute, said it was safe."))
    assert before.names == "Dr Ann Lee an engineer at the Bridge Institute"
    after = primary_cue(find_cues('"It is safe," said the Transport Ministry, quoted by a paper.'))
    assert after.names == "the Transport Ministry"


def test_origin_guesses_follow_the_vocabulary(origins) -> None:
    """Vague plural sources, experts, a label's own words and people's names map to the right labels."""
    unnamed = label_for_class(origins, "unnamed")
    expert = label_for_class(origins, "expert")
    person = label_for_class(origins, "person")
    assert guess_origin("Some analysts", origins).label == unnamed
    assert guess_origin("prof. Ann Lee of Northgate University", origins).label == expert
    assert guess_origin("Ann Lee", origins).label == person
    council = guess_origin("the town council", origins).label
    assert council is not None and "council" in origins[council]["definition"]
    organisation = label_for_class(origins, "organisation")
    news = label_for_class(origins, "news")
    assert organisation != news
    assert guess_origin("a report by the Rail Users' Association", origins).label == organisation
    assert guess_origin("the Daily Herald newspaper", origins).label == news
    assert guess_origin("Transport Secretary Maria Holt", origins).label == council
    assert guess_origin("the weather", origins).label is None
    assert guess_origin(None, origins).label is None


def test_an_unmatched_cue_gives_no_origin_so_the_draft_falls_back_to_the_writer(origins) -> None:
    """A statement without a cue, or with a speaker nobody can match, is left without a guess."""
    detections = detect("The sky is blue. Somebody Unknown said it will rain.", origins)
    assert [d.origin for d in detections] == [None, None]
    assert [d.attributed for d in detections] == [False, True]


@pytest.mark.parametrize("case_id", builtin_cases())
def test_recall_of_attributed_statements_is_at_least_nine_in_ten(case_id: str) -> None:
    """On every shipped case, the statements the key credits to a source are found by the cue rules
    (the benchmark in benchmarks/cue_detection.py prints the full figures)."""
    case = load_case(case_id)
    writer = label_for_class(_plain(case.vocabularies["origin"]), "writer")
    detections = detect(case.article, _plain(case.vocabularies["origin"]))
    attributed = [s for s in case.statements if s.answers["origin"] != writer]
    found = [
        s
        for s in attributed
        if max(detections, key=lambda d: min(s.end, d.segment.end) - max(s.start, d.segment.start)).attributed
    ]
    assert len(found) >= 0.9 * len(attributed)


_WORDS = st.sampled_from(["the", "Council", "said", '"', "“", "”", "U.S.", "prof.", "fish", "2,000", "according", "to", ",", ".", "!", "?", "\n", "\r\n", " ", "Experts", "fear", "é", "–"])


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_WORDS, max_size=60).map(" ".join))
def test_statements_are_exact_ordered_pieces_of_any_text(text: str) -> None:
    """For any text: every statement is the text at its offsets, holds a letter or digit, and
    statements are in order without overlapping."""
    segments = make_unique(text, split_statements(text))
    for segment in segments:
        assert text[segment.start : segment.end] == segment.text
        assert segment.text == segment.text.strip() and any(c.isalnum() for c in segment.text)
    for first, second in zip(segments, segments[1:]):
        assert first.end <= second.start
