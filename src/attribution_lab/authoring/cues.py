"""Find statements and attribution cues in a news text, and guess who speaks: pure functions.

This is what ``attribution-lab new-case`` uses to draft a key. Everything here is a general rule
about English news prose (a lexicon of reporting verbs and phrases, quotation marks, vague plural
sources, titles that mark an expert); nothing is tuned to one article. Origins are guessed by
matching the words that name a speaker against the labels of a vocabulary (their id, name and
definition), so the same code serves any case's vocabularies.

The output is a draft for a person to review, never an answer key: every guess says how it was made.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .clauses import CLAUSE_MARKS, LINK_WORDS, Places, ends_with_comma, last_words
from .sentences import Segment, is_abbreviation, make_unique, split_statements

# --------------------------------------------------------------------------------------------
# Cues

#: Phrases after which the source is named ("according to the council").
SOURCE_PHRASES = (
    "according to",
    "in the opinion of",
    "in the view of",
    "in the words of",
    "on behalf of",
    "citing",
    "quoting",
)
#: Phrases after which an intermediary is named, not the origin ("quoted by the Guardian").
VIA_PHRASES = ("quoted by", "cited by", "as reported by", "reported by", "via", "carried by", "published by")
#: Phrases that announce an attribution without naming anyone.
HIDDEN_PHRASES = (
    "as we read",
    "we read",
    "it is said",
    "it was reported",
    "reportedly",
    "allegedly",
    "purportedly",
    "supposedly",
    "in a statement",
    "in an interview",
)
#: Verbs of saying, reporting, believing and estimating.
REPORTING_VERBS = tuple(
    """said says say told tells tell stated announced announces announce added adds claimed claims claim
    reported reports stressed stresses emphasised emphasized emphasises emphasizes noted notes warned warns
    warn argued argues insisted insists explained explains confirmed confirms denied denies admitted admits
    acknowledged revealed reveals wrote writes believe believes believed fear fears feared estimate estimates
    estimated predicted predicts suggested suggests promised promises pledged vowed quotes quoted expressed
    urged urges accused asserted declared maintained maintains alleged alleges expect expects expected
    concluded assessed assesses cautioned recalled described argue insist explain confirm deny admit
    acknowledge reveal write predict suggest promise pledge vow urge accuse assert declare allege conclude
    welcomed welcomes criticised criticized condemned praised""".split()
)
#: Nouns that name a source without naming anybody, when plural or bare.
VAGUE_SOURCES = frozenset(
    """experts analysts observers sources officials insiders critics residents witnesses commentators diplomats
    scientists researchers specialists people locals campaigners activists investigators economists
    historians doctors authorities representatives some many others""".split()
)
#: Words that mark a person speaking as an expert.
EXPERT_MARKERS = frozenset(
    """prof professor dr doctor university institute researcher scientist analyst expert economist lecturer
    academic scholar historian specialist""".split()
)
#: Words that mark a news organisation.
NEWS_MARKERS = frozenset(
    """newspaper journal daily weekly magazine press news times post guardian telegraph herald tribune
    reuters afp ap bbc cnn broadcaster television tv radio outlet reporter correspondent media""".split()
)
#: Words that mark a government or public body.
GOVERNMENT_MARKERS = frozenset(
    """government ministry minister council mayor president premier department authorities authority
    police army military parliament kremlin regulator state governor cabinet embassy secretary chancellor
    senator mp congressman congresswoman ambassador""".split()
)
#: Words that mark a company or other organisation.
ORGANISATION_MARKERS = frozenset(
    "company firm club union charity association group corporation inc ltd plc foundation society".split()
)
#: Words that say a statement is a judgement or a forecast.
JUDGEMENT_WORDS = frozenset(
    """fear fears feared believe believes believed expect expects expected predicted predicts likely probably
    opinion view could may might suggests suggested warned warns""".split()
)
_STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but as is are was were be been being it its this
    that these those he she they we his her their our who whom which what when where than then there also
    besides other another any all such own not no or so only into about after before over under between
    s speaking speaks article rather whose one two more most made make said says told somebody someone
    anybody anyone nobody everybody everyone else something""".split()
)


@dataclass(frozen=True)
class Cue:
    """An attribution cue in a statement: offsets into the statement's text, the words, their kind
    (``source``, ``verb``, ``via``, ``hidden``, ``quotation``) and the words naming who it credits.
    """

    start: int
    end: int
    text: str
    kind: str
    names: str | None = None


def _word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alternatives) + r")(?![\w-])", re.I)


_SOURCE_RE = _word_pattern(SOURCE_PHRASES)
_VIA_RE = _word_pattern(VIA_PHRASES)
_HIDDEN_RE = _word_pattern(HIDDEN_PHRASES)
_VERB_RE = _word_pattern(REPORTING_VERBS)
_QUOTED_RE = re.compile(r"\"([^\"]+)\"|“([^”]+)”|„([^“”]+)[“”]|«([^»]+)»")
_NUMBER_RE = re.compile(r"\d|\b(?:hundreds?|thousands?|millions?|billions?|dozens?|per ?cent|percent)\b", re.I)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the words inside quotation marks (straight, curly or angled)."""
    spans = []
    for match in _QUOTED_RE.finditer(text):
        group = next(g for g in range(1, 5) if match.group(g) is not None)
        spans.append((match.start(group), match.end(group)))
    return spans


def _is_name_in_quotes(words: str) -> bool:
    """A title or name in quotation marks ("The Guardian") rather than somebody's words."""
    tokens = words.split()
    return len(tokens) <= 4 and all(t[:1].isupper() for t in tokens)


def _phrase_after(text: str, at: int, max_words: int = 12) -> str | None:
    """The words after ``at`` up to the end of the clause: a comma, a colon, a quotation mark, a
    sentence end (not an abbreviation's full stop) or another cue.
    """
    rest = text[at:]
    stop = len(rest)
    for match in re.finditer(r"[,;:!?\"“”()–—]|\.(?=\s|$)", rest):
        if match.group() == "." and is_abbreviation(rest, match.start()):
            continue
        stop = match.start()
        break
    for pattern in (_VIA_RE, _SOURCE_RE, _VERB_RE):
        found = pattern.search(rest, 0, stop)
        if found and found.start() > 0:
            stop = min(stop, found.start())
    words = rest[:stop].split()[:max_words]
    return " ".join(words) or None


def _phrase_before(text: str, at: int, max_words: int = 14, places: Places | None = None) -> str | None:
    """The words before ``at`` back to the start of the clause (a quotation mark, a colon, a dash or
    the sentence start; commas are kept so that "Dr X, an ecologist at Y, said" stays whole).

    ``places`` (for ``text``) is given by :func:`find_cues`, once for all the cues of a statement;
    only the text near ``at`` is split into words, so a long statement takes linear time.
    """
    places = places if places is not None and places.text is text else Places(text)
    cut = max(places.mark_before(mark, at) for mark in CLAUSE_MARKS)
    for word in LINK_WORDS:
        position = places.word_before(word, at)
        if position > cut and not ends_with_comma(text, min(position, at)):
            cut = max(cut, position + len(word) - 1)
    words = last_words(text, cut + 1, at, max_words)
    return " ".join(words) or None


def _speaker_comes_after(text: str, verb_start: int) -> bool:
    """True for an inverted attribution: '"...," said KCNA' or '"..." – quotes the paper'."""
    end = verb_start
    while end > 0 and text[end - 1].isspace():  # as text[:verb_start].rstrip(), without the copy
        end -= 1
    return end == 0 or text.endswith(('"', "”", ',"', ",”", "–", "—", " -", "»"), 0, end)


def find_cues(text: str) -> list[Cue]:
    """The attribution cues in one statement's text, in order of appearance, without overlaps."""
    found: list[Cue] = []
    # The cues found so far never overlap and none is empty (every pattern matches words), so,
    # sorted by start, their ends are sorted too: one bisection tells whether a match overlaps one.
    starts: list[int] = []
    ends: list[int] = []
    places = Places(text)
    for kind, pattern in (("via", _VIA_RE), ("source", _SOURCE_RE), ("hidden", _HIDDEN_RE), ("verb", _VERB_RE)):
        for match in pattern.finditer(text):
            before = bisect_left(starts, match.end()) - 1  # the last cue starting before this match ends
            if before >= 0 and match.start() < ends[before]:
                continue  # a longer or earlier kind already covers these words
            if kind == "verb":
                after = _speaker_comes_after(text, match.start())
                names = _phrase_after(text, match.end()) if after else _phrase_before(text, match.start(), places=places)
            elif kind in ("via", "source"):
                names = _phrase_after(text, match.end())
            else:
                names = None
            found.append(Cue(match.start(), match.end(), match.group(), kind, names))
            starts.insert(before + 1, match.start())
            ends.insert(before + 1, match.end())
    for start, end in quoted_spans(text):
        words = text[start:end]
        if len(words.split()) >= 3 and not _is_name_in_quotes(words):
            found.append(Cue(start - 1, end + 1, text[start - 1 : end + 1], "quotation", None))
    return sorted(found, key=lambda c: c.start)


def primary_cue(cues: Sequence[Cue]) -> Cue | None:
    """The cue that credits the origin: the first that is not an intermediary ("quoted by ..."),
    else a quotation, else an intermediary (the statement is attributed, but to whom stays open).
    """
    for kinds in (("source", "verb", "hidden"), ("quotation",), ("via",)):
        for cue in cues:
            if cue.kind in kinds:
                return cue
    return None


# --------------------------------------------------------------------------------------------
# Matching the words that name a speaker against a vocabulary


def _tokens(text: str) -> list[str]:
    """Content words, lower-cased; "U.S." becomes "us", but the pronoun "us" is dropped."""
    out = []
    for raw in re.findall(r"[A-Za-z][A-Za-z.'’-]*", text):
        word = raw.replace(".", "").rstrip("'’").removesuffix("'s").removesuffix("’s")
        lower = word.lower()
        if lower == "us" and word != "US":
            continue
        if lower in _STOPWORDS or len(lower) < 2:
            continue
        out.append(lower)
    return out


def _same_word(a: str, b: str) -> bool:
    """Equal, or sharing a long common start (Ukraine/Ukrainian, Korea/Korean, expert/experts)."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 4:
        return False
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= max(4, int(0.75 * shorter + 0.5))


def _label_words(label_id: str, label: Mapping[str, str]) -> set[str]:
    return set(_tokens(" ".join([label_id.replace("_", " "), label.get("name", ""), label.get("definition", "")])))


def _label_title(label_id: str, label: Mapping[str, str]) -> str:
    return f"{label_id} {label.get('name', '')}".lower().replace("_", " ")


def label_for_class(vocabulary: Mapping[str, Mapping[str, str]], kind: str) -> str | None:
    """The one label of a vocabulary whose id or name marks a class of source, or None."""
    keys = {
        "unnamed": ("unnamed", "anonymous", "vague"),
        "expert": ("expert",),
        "news": ("news", "media", "press"),
        "government": ("government", "public body", "official"),
        "organisation": ("organisation", "organization", "company"),
        "person": ("person",),
        "writer": ("writer", "author"),
        "publisher": ("publishing", "this outlet"),
    }[kind]
    # Words that put a label in another class: an "unnamed expert" is not the expert label, and a
    # "news organisation" is not the organisation label.
    excluded = {"unnamed": (), "news": ("unnamed", "anonymous", "vague")}.get(kind, ("unnamed", "anonymous", "vague"))
    if kind == "organisation":
        excluded = (*excluded, "news", "media", "press")
    matches = [
        lid
        for lid, label in vocabulary.items()
        if any(k in _label_title(lid, label) for k in keys) and not any(k in _label_title(lid, label) for k in excluded)
    ]
    return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True)
class OriginGuess:
    """A guessed origin label (None when nothing matched) and how it was found."""

    label: str | None
    how: str


def _proper_words(names: str) -> list[str]:
    words = re.findall(r"[A-Za-z][\w.'’-]*", names)
    return [
        w
        for w in words
        if w[:1].isupper() and w.lower().strip(".") not in VAGUE_SOURCES | EXPERT_MARKERS | _STOPWORDS
    ]


def guess_origin(names: str | None, vocabulary: Mapping[str, Mapping[str, str]]) -> OriginGuess:
    """Guess which origin label the words naming a speaker point to.

    In order: a vague plural source ("experts", "some residents") -> the unnamed label; expert
    markers ("prof.", "university") -> the expert label; government or organisation words
    ("council", "association") -> that class's label when the vocabulary has exactly one; words
    shared with a label's id, name or definition, each weighted by how few labels share it; news
    words ("newspaper", "agency") -> the news label; a person's name -> the person label. Ties and
    no match give ``None``.
    """
    if not names:
        return OriginGuess(None, "no speaker named")
    lowered = [w.lower().strip(".,") for w in names.split()]
    proper = _proper_words(names)
    if not proper and any(w in VAGUE_SOURCES for w in lowered):
        label = label_for_class(vocabulary, "unnamed")
        if label:
            return OriginGuess(label, f"{names!r} names nobody in particular")
    if any(w in EXPERT_MARKERS for w in lowered):
        label = label_for_class(vocabulary, "expert")
        if label:
            return OriginGuess(label, f"{names!r} reads as an expert")
    # A government or organisation word decides when the vocabulary has one label for that class
    # ("the Rail Users' Association"); with several (one per country) the label's own words decide.
    for kind, markers in (("government", GOVERNMENT_MARKERS), ("organisation", ORGANISATION_MARKERS)):
        if any(w in markers for w in lowered):
            label = label_for_class(vocabulary, kind)
            if label:
                return OriginGuess(label, f"{names!r} reads as a {kind} source")
    words = set(_tokens(names))
    label_words = {lid: _label_words(lid, label) for lid, label in vocabulary.items()}
    scores: dict[str, float] = {}
    for word in words:
        holders = [lid for lid, vocab in label_words.items() if any(_same_word(word, v) for v in vocab)]
        for lid in holders:
            scores[lid] = scores.get(lid, 0.0) + 1.0 / len(holders)
    if scores:
        best = max(scores.values())
        winners = [lid for lid, s in scores.items() if s == best]
        if len(winners) == 1:
            return OriginGuess(winners[0], f"{names!r} matches the label's own words")
    for kind, markers in (("news", NEWS_MARKERS),):
        if any(w in markers for w in lowered):
            label = label_for_class(vocabulary, kind)
            if label:
                return OriginGuess(label, f"{names!r} reads as a {kind} source")
    if len(proper) >= 2:
        label = label_for_class(vocabulary, "person")
        if label:
            return OriginGuess(label, f"{names!r} reads as a person's name")
    return OriginGuess(None, f"{names!r} matches no origin label")


def find_intermediaries(text: str, vocabulary: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Intermediary labels whose name (or id) the statement spells out, in order of appearance."""
    found = []
    lowered = text.lower()
    for lid, label in vocabulary.items():
        candidates = {label.get("name", "").lower(), lid.replace("_", " ")}
        positions = [m.start() for c in candidates if len(c) >= 2 for m in re.finditer(r"(?<!\w)" + re.escape(c) + r"(?!\w)", lowered)]
        if positions:
            found.append((min(positions), lid))
    return [lid for _, lid in sorted(found)]


# --------------------------------------------------------------------------------------------
# A draft entry per statement


@dataclass(frozen=True)
class Detection:
    """What the rules found in one statement: its cues, the speaker they name, and the guesses."""

    segment: Segment
    cues: tuple[Cue, ...]
    cue: Cue | None
    speaker: str | None
    origin: str | None
    how: str
    claim_type: str
    chain: tuple[str, ...] = field(default=())

    @property
    def attributed(self) -> bool:
        """True when the statement carries any attribution cue."""
        return bool(self.cues)


def guess_claim_type(segment: Segment, cues: Sequence[Cue]) -> str:
    """A claim-type id from the usual vocabulary: unattributed, direct_quote, mixed_quote, figure,
    judgement or paraphrase.
    """
    if not cues:
        return "unattributed"
    text = segment.text
    spans = [(a, b) for a, b in quoted_spans(text) if not _is_name_in_quotes(text[a:b])]
    quoted = sum(b - a for a, b in spans)
    if spans and quoted >= 0.5 * len(text):
        return "direct_quote"
    if spans:
        return "mixed_quote"
    if _NUMBER_RE.search(text):
        return "figure"
    if any(w in JUDGEMENT_WORDS for w in re.findall(r"[a-z]+", text.lower())):
        return "judgement"
    return "paraphrase"


def _outside_quotes(text: str) -> str:
    pieces, last = [], 0
    for start, end in quoted_spans(text):
        pieces.append(text[last : start - 1])
        last = end + 1
    pieces.append(text[last:])
    return " ".join(pieces)


def detect(
    text: str,
    origins: Mapping[str, Mapping[str, str]],
    intermediaries: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Detection]:
    """Split ``text`` into unique statements and guess, for each, its cue, speaker, origin, claim
    type and chain. ``origins`` and ``intermediaries`` map label ids to ``{"name", "definition"}``.
    """
    detections: list[Detection] = []
    previous_origin: str | None = None
    for segment in make_unique(text, split_statements(text)):
        cues = tuple(find_cues(segment.text))
        cue = primary_cue(cues)
        speaker = cue.names if cue and cue.kind != "via" else None  # "quoted by X" names a link, not the origin
        guess = guess_origin(speaker, origins) if cue else OriginGuess(None, "no attribution cue")
        if cue and guess.label is None:
            # The cue names nobody we know ("as we read", a bare quotation): read the whole sentence
            # outside its quotation marks; a definite "the expert" or "he" points back to the last source.
            whole = guess_origin(_outside_quotes(segment.text), origins)
            if whole.label is not None:
                guess = OriginGuess(whole.label, "the cue names no known speaker; the statement's other words match the label")
            elif previous_origin and speaker and re.match(r"(?i)(the|this|that|he|she|they|it)\b", speaker):
                guess = OriginGuess(previous_origin, f"{speaker!r} points back to the previous source")
        chain = tuple(find_intermediaries(segment.text, intermediaries or {}))
        detection = Detection(segment, cues, cue, speaker, guess.label, guess.how, guess_claim_type(segment, cues), chain)
        detections.append(detection)
        if guess.label is not None:
            previous_origin = guess.label
    return detections
