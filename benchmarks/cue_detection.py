"""Measure the new-case cue rules against hand-made keys: prints precision and recall.

Usage: python benchmarks/cue_detection.py [CASE ...]   (default: every built-in case)

For each case the draft rules (attribution_lab.cues.detect) run on the case's article with the
case's own origin and intermediary vocabularies. Each statement of the hand-made key is matched to
the drafted statement that overlaps it most. Then:

* attributed statements: the key's statements whose origin is not the writer, against the drafted
  statements that carry an attribution cue;
* guessed origins: a guess counts as right when it is the key's origin or one of its accepted
  alternatives. Precision over the statements given a non-writer guess, recall over the key's
  attributed statements, and accuracy over all statements (writer guesses included).
"""

from __future__ import annotations

import sys

from attribution_lab.authoring.cues import Detection, detect, label_for_class
from attribution_lab.core.case import Case
from attribution_lab.storage.cases import builtin_cases, load_case


def _plain(vocabulary) -> dict[str, dict[str, str]]:
    return {lid: {"name": label.name, "definition": label.definition} for lid, label in vocabulary.items()}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "n/a (0/0)"


def _best_match(detections: list[Detection], start: int, end: int) -> Detection:
    return max(detections, key=lambda d: min(end, d.segment.end) - max(start, d.segment.start))


def measure(case: Case) -> list[str]:
    """Lines of figures for one case."""
    origins = _plain(case.vocabularies["origin"])
    writer = label_for_class(origins, "writer")
    detections = detect(case.article, origins, _plain(case.vocabularies["intermediary"]))
    exact_quotes = {d.segment.text for d in detections} & {s.quote for s in case.statements}
    tp = fp = fn = 0
    right = guessed = right_attributed = attributed = right_all = exact_all = 0
    notes = []
    for statement in case.statements:
        detection = _best_match(detections, statement.start, statement.end)
        truth = statement.answers["origin"] != writer
        predicted = detection.attributed
        tp += truth and predicted
        fp += predicted and not truth
        fn += truth and not predicted
        guess = detection.origin or writer
        ok = guess == statement.answers["origin"] or guess in {a.answer for a in statement.accepted["origin"]}
        right_all += ok
        exact_all += guess == statement.answers["origin"]
        if guess != writer:
            guessed += 1
            right += ok
        if truth:
            attributed += 1
            right_attributed += ok
        if truth != predicted or guess != statement.answers["origin"]:
            notes.append(f"    {statement.id}: key {statement.answers['origin']}, guessed {guess}"
                         f"{'' if predicted else ' (no cue found)'}{' (cue on a writer statement)' if predicted and not truth else ''}"
                         f"{' (an accepted alternative)' if ok and guess != statement.answers['origin'] else ''}")
    return [
        f"{case.id}: {len(case.statements)} key statements, {len(detections)} drafted, {len(exact_quotes)} with identical quotes",
        f"  attributed statements  precision {_ratio(tp, tp + fp)}  recall {_ratio(tp, tp + fn)}",
        f"  guessed origins        precision {_ratio(right, guessed)}  recall {_ratio(right_attributed, attributed)}"
        f"  accuracy on all statements {_ratio(right_all, len(case.statements))}",
        f"  origins equal to the key's own answer (accepted alternatives not counted) {_ratio(exact_all, len(case.statements))}",
        "  where the draft differs from the key:" if notes else "  the draft agrees with the key everywhere",
        *notes,
    ]


def main(argv: list[str]) -> int:
    """Print the figures for the named cases, or every built-in case."""
    for case_id in argv or builtin_cases():
        print("\n".join(measure(load_case(case_id))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
