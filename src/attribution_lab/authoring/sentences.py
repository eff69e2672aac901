"""Split a news text into statements: sentences, and headings (lines without final punctuation).

Pure functions, general rules of English prose (abbreviations, quotation marks); nothing is tuned to
one article. :func:`make_unique` merges repeated sentences until each statement's text occurs once
in the article, as the case loader requires.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.validation import occurrences

#: Words that end with a full stop without ending the sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen col lt sgt capt maj sen rep gov pres jr sr inc ltd co corp no vs etc "
    "approx dept est fig jan feb mar apr jun jul aug sep sept oct nov dec mt ft univ assn".split()
)
_FINAL = ".!?…"
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«([„"
#: Lines this long or longer (in words) are paragraphs even without final punctuation.
HEADING_MAX_WORDS = 20


@dataclass(frozen=True)
class Segment:
    """A stretch of the text that is one statement: a sentence, or a heading (a line without final
    punctuation). ``start``/``end`` are offsets into the text; ``text`` is ``text[start:end]``.
    """

    start: int
    end: int
    text: str
    heading: bool = False


def is_abbreviation(line: str, dot: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial (U.S., prof., J.)."""
    match = re.search(r"([A-Za-z][A-Za-z.]*)$", line[:dot])
    if not match:
        return False
    word = match.group(1)
    return len(word) == 1 or "." in word or word.lower() in ABBREVIATIONS


def _sentence_ends(line: str, *, track_quotes: bool) -> list[int]:
    """Offsets in a line just after each sentence end (final punctuation plus closing marks),
    where the next sentence begins with a capital, a digit or an opening mark.
    """
    ends, inside_quote, i = [], False, 0
    while i < len(line):
        char = line[i]
        if char == '"':
            inside_quote = not inside_quote
        elif char in "“«„":
            inside_quote = True
        elif char in "”»":
            inside_quote = False
        if char in _FINAL and not (char == "." and is_abbreviation(line, i)):
            j = i + 1
            while j < len(line) and line[j] in _FINAL:
                j += 1
            closed_quote = False
            while j < len(line) and line[j] in _CLOSERS:
                if line[j] in "\"”»":
                    closed_quote = True
                j += 1
            still_open = inside_quote and not closed_quote
            if j < len(line) and line[j].isspace():
                k = j
                while k < len(line) and line[k].isspace():
                    k += 1
                starts_sentence = k < len(line) and (line[k].isupper() or line[k].isdigit() or line[k] in _OPENERS)
                if starts_sentence and not (track_quotes and still_open):
                    ends.append(j)
                    if closed_quote and line[j - 1] == '"':
                        inside_quote = False
            i = j
            continue
        i += 1
    return ends


def _quotes_balanced(line: str) -> bool:
    return line.count('"') % 2 == 0 and line.count("“") == line.count("”")


def _has_final_punctuation(text: str) -> bool:
    return text.rstrip(_CLOSERS + " ")[-1:] in tuple(_FINAL + ":;")


def split_statements(text: str) -> list[Segment]:
    """Split a text into statements: sentences, and headings (a one-sentence line of at most
    :data:`HEADING_MAX_WORDS` words without final punctuation). Segments hold letters or digits.
    """
    segments: list[Segment] = []
    for match in re.finditer(r"[^\r\n]+", text):
        line, offset = match.group(), match.start()
        cuts = [0, *_sentence_ends(line, track_quotes=_quotes_balanced(line)), len(line)]
        pieces = []
        for a, b in zip(cuts, cuts[1:]):
            piece = line[a:b]
            stripped = piece.strip()
            if not any(c.isalnum() for c in stripped):
                continue
            start = offset + a + (len(piece) - len(piece.lstrip()))
            pieces.append((start, start + len(stripped), stripped))
        for start, end, piece in pieces:
            heading = len(pieces) == 1 and not _has_final_punctuation(piece) and len(piece.split()) <= HEADING_MAX_WORDS
            segments.append(Segment(start, end, piece, heading))
    return segments


def occurs_more_than_once(text: str, piece: str) -> bool:
    """True when ``piece`` occurs twice or more in ``text``, counted as the loader counts."""
    return len(occurrences(piece, text)) > 1


def make_unique(text: str, segments: Sequence[Segment]) -> list[Segment]:
    """Merge each statement whose text occurs more than once in ``text`` with the next statement
    (or, at the end, the previous one) until it occurs once, so every quote is a unique substring.
    """
    merged = list(segments)
    i = 0
    while i < len(merged):
        segment = merged[i]
        if not occurs_more_than_once(text, segment.text) or len(merged) == 1:
            i += 1
            continue
        if i + 1 < len(merged):
            other, at = merged[i + 1], i
        else:
            other, at = merged[i - 1], i - 1
        start, end = min(segment.start, other.start), max(segment.end, other.end)
        merged[at : at + 2] = [Segment(start, end, text[start:end], False)]
        i = at  # check the merged statement again
    return merged


