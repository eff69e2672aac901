"""Split a news text into statements: sentences, and headings (lines without final punctuation).

Pure functions, general rules of English prose (abbreviations, quotation marks); nothing is tuned to
one article. :func:`make_unique` merges repeated sentences until each statement's text occurs once
in the article, as the case loader requires.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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


_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def is_abbreviation(line: str, dot: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial (U.S., prof., J.).

    The word is the run of ASCII letters and full stops just before ``dot``, from its first letter.
    It is read backwards from ``dot`` rather than by searching ``line[:dot]``, so that a long line
    with many full stops costs time in proportion to its length, not to its length squared.
    """
    end = dot
    if end > 0 and line[end - 1] == "\n":  # as a regular expression's `$`, ignore one final newline
        end -= 1
    start = end
    while start > 0 and line[start - 1] in _ASCII_LETTERS:
        start -= 1
    before = start
    while before > 0 and line[before - 1] == ".":
        before -= 1
    if before < start and before > 0 and line[before - 1] in _ASCII_LETTERS:
        return True  # the word holds a full stop (U.S.)
    if start == end:
        return False  # no letter before the full stop
    word = line[start:end]
    return len(word) == 1 or word.lower() in ABBREVIATIONS


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
        if char == "." and (i == 0 or line[i - 1] != "\n") and is_abbreviation(line, i):
            # The full stops right after an abbreviation's close it too (its word now holds a full
            # stop): step over them at once, so a long run of dots takes linear time.
            i += 1
            while i < len(line) and line[i] == ".":
                i += 1
            continue
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
    """True when ``piece`` occurs twice or more in ``text``, counted as the loader counts
    (:func:`~attribution_lab.core.validation.occurrences`: overlapping occurrences count).
    Two searches at most, however often the piece occurs.
    """
    first = text.find(piece)
    return first != -1 and text.find(piece, first + 1) != -1


def _merged(text: str, segments: Sequence[Segment]) -> Segment:
    start, end = min(s.start for s in segments), max(s.end for s in segments)
    return Segment(start, end, text[start:end], False)


def make_unique(text: str, segments: Sequence[Segment]) -> list[Segment]:
    """Merge each statement whose text occurs more than once in ``text`` with the next statement
    (or, at the end, the previous one) until it occurs once, so every quote is a unique substring.

    A statement is merged with as many following ones as it takes, and no more: the result is the
    same as merging one at a time. A text that contains a unique text is unique too, so the
    shortest unique merge is found by doubling the number of statements merged, then halving
    between the last two tries: a few searches per statement, even when one sentence is repeated
    thousands of times (merging one at a time made such an article take minutes).
    """
    pieces = list(segments)
    done: list[Segment] = []
    k = 0
    while k < len(pieces):
        segment = pieces[k]
        if (not done and k == len(pieces) - 1) or not occurs_more_than_once(text, segment.text):
            done.append(segment)
            k += 1
            continue
        if k + 1 < len(pieces):
            last = _shortest_unique_merge(text, pieces, k)
            current = _merged(text, pieces[k : last + 1])
            k = last + 1
            if k < len(pieces):  # unique: the next statements are looked at on their own
                done.append(current)
                continue
        else:
            current, k = segment, k + 1
        # The statement reaches the end and still repeats: merge it with the statements before it.
        while done and occurs_more_than_once(text, current.text):
            current = _merged(text, [done.pop(), current])
        done.append(current)
    return done


def _shortest_unique_merge(text: str, pieces: Sequence[Segment], first: int) -> int:
    """The smallest ``last`` after ``first`` such that ``pieces[first..last]`` merged occurs once in
    ``text``, or the index of the last piece when none does.
    """

    def unique(last: int) -> bool:
        return not occurs_more_than_once(text, _merged(text, pieces[first : last + 1]).text)

    final = len(pieces) - 1
    low, step = first + 1, 1  # every index below ``low`` is known to repeat
    high = low
    while not unique(high):
        if high == final:
            return final
        low, step = high + 1, step * 2
        high = min(final, high + step)
    while low < high:  # ``high`` is unique, everything below ``low`` repeats
        middle = (low + high) // 2
        if unique(middle):
            high = middle
        else:
            low = middle + 1
    return high
