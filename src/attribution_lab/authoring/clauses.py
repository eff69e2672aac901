"""Reading back from an attribution cue to the start of its clause, in time linear in the text.

:func:`attribution_lab.authoring.cues.find_cues` names the speaker of a cue such as "said" by the
words before it, back to a quotation mark, a colon, a dash or a linking word. A long statement may
hold thousands of cues (an article of one quoted sentence repeated is one statement), so the marks
and words are found once per statement (:class:`Places`) and only the text near a cue is split.
"""

from __future__ import annotations

from bisect import bisect_right

from ..core.validation import occurrences

#: Marks that end a clause, looking back from a cue.
CLAUSE_MARKS = ('"', "”", "“", ";", ":", " – ", " — ", " - ")
#: Words that start a clause, looking back from a cue ("the report, which experts said ...").
LINK_WORDS = (" that ", " which ", " who ", " and ")


class Places:
    """Where each clause mark and each linking word occurs in one statement's text, found once, so
    that looking back from every cue of a long statement does not search the text again.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        self.marks = {mark: occurrences(mark, text) for mark in CLAUSE_MARKS}
        # Lower-casing may lengthen a text ("İ"); then offsets differ, and words are found as before.
        self.words = {w: occurrences(w, lowered) for w in LINK_WORDS} if len(lowered) == len(text) else None

    @staticmethod
    def _last(places: list[int], length: int, at: int) -> int:
        index = bisect_right(places, at - length) - 1
        return places[index] if index >= 0 else -1

    def mark_before(self, mark: str, at: int) -> int:
        """As ``text.rfind(mark, 0, at)``."""
        return self._last(self.marks[mark], len(mark), at)

    def word_before(self, word: str, at: int) -> int:
        """As ``text[:at].lower().rfind(word)``."""
        if self.words is None:
            return self.text[:at].lower().rfind(word)
        return self._last(self.words[word], len(word), at)


def ends_with_comma(text: str, end: int) -> bool:
    """True when ``text[:end]``, trailing whitespace left out, ends with a comma."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end > 0 and text[end - 1] == ","


def last_words(text: str, start: int, end: int, count: int) -> list[str]:
    """The last ``count`` words of ``text[start:end]``, commas separating words as spaces do: read
    from a window before ``end`` that grows until it holds more words than asked (its first word
    may be cut) or reaches ``start``.
    """
    if count <= 0:  # no window: words[-0:] is every word
        return [w for w in text[start:end].replace(",", " , ").split() if w != ","][-count:]
    width = 16 * (count + 1)
    while True:
        low = max(start, end - width)
        words = [w for w in text[low:end].replace(",", " , ").split() if w != ","]
        if low == start or len(words) > count:
            return words[-count:]
        width *= 4


__all__ = ["CLAUSE_MARKS", "LINK_WORDS", "Places", "ends_with_comma", "last_words"]
