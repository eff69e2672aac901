"""How much a class agrees with itself: Fleiss' kappa and modal-answer shares.

Pure functions on plain data (lists and dicts of counts), so each can be checked by hand.

In the class report the students are the raters, the statements are the subjects and a field's
labels are the categories. Students may leave a field unanswered, so a statement may have fewer
ratings than there are students; :func:`fleiss_kappa` therefore uses the form of Fleiss' kappa that
allows a different number of raters per subject (each subject's agreement is computed over the
raters it has; category shares are pooled over every rating). With the same number of raters for
every subject it is exactly Fleiss (1971).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence


def fleiss_kappa(table: Sequence[Sequence[int]] | Sequence[Mapping[Hashable, int]]) -> float | None:
    """Fleiss' kappa for a table of counts: one row per subject, one count per category.

    A row may be a sequence (categories by position) or a mapping (category -> count). Subjects
    with fewer than two ratings carry no information about agreement and are left out. Returns
    ``None`` when kappa is undefined: no subject with two ratings, or every rating in one category
    (then chance agreement is 1 and the formula divides by zero).
    """
    rows: list[Mapping[Hashable, int]] = [
        row if isinstance(row, Mapping) else dict(enumerate(row)) for row in table
    ]
    for row in rows:
        if any(c < 0 for c in row.values()):
            raise ValueError("counts cannot be negative")
    kept = [(row, sum(row.values())) for row in rows if sum(row.values()) >= 2]
    if not kept:
        return None
    # Observed agreement: for each subject, the share of pairs of its raters that agree.
    p_bar = sum((sum(c * c for c in row.values()) - n) / (n * (n - 1)) for row, n in kept) / len(kept)
    # Chance agreement: from each category's share of all the ratings of the subjects kept.
    totals: Counter = Counter()
    for row, _ in kept:
        totals.update(row)
    all_ratings = sum(n for _, n in kept)
    p_e = sum((c / all_ratings) ** 2 for c in totals.values())
    if p_e >= 1.0:
        return None
    return (p_bar - p_e) / (1.0 - p_e)


def count_table(ratings_by_subject: Iterable[Iterable[Hashable]]) -> list[Counter]:
    """Turn each subject's list of ratings (``None`` = not rated) into a Counter of categories."""
    return [Counter(r for r in ratings if r is not None) for ratings in ratings_by_subject]


def modal_share(ratings: Iterable[Hashable]) -> tuple[Hashable | None, float | None, int]:
    """The most common rating, the share of raters who gave it, and how many raters there were.

    ``None`` ratings (unanswered) are left out. Ties go to the rating seen first, so the result does
    not depend on hash order. With no ratings: ``(None, None, 0)``.
    """
    return modal_of_counts(Counter(rating for rating in ratings if rating is not None))


def modal_of_counts(counts: Mapping[Hashable, int]) -> tuple[Hashable | None, float | None, int]:
    """:func:`modal_share` from counts already made (rating -> count, in the order the ratings were
    first seen, as a Counter keeps them): ties go to the rating listed first.
    """
    total = sum(counts.values())
    if not total:
        return None, None, 0
    best = max(counts, key=counts.__getitem__)  # max keeps the first of equal counts
    return best, counts[best] / total, total


__all__ = ["count_table", "fleiss_kappa", "modal_of_counts", "modal_share"]
