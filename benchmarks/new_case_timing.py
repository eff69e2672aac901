"""Time ``attribution-lab new-case`` on articles of one sentence repeated: prints seconds per size.

Usage: python benchmarks/new_case_timing.py [KB ...]   (default: 4 40 200)

A repeated sentence is the worst case for drafting: no statement is unique until it is merged with
its neighbours, so the drafter must merge thousands of statements into one, and a quoted sentence
gives that one statement thousands of attribution cues. Each size runs the
whole command (read, draft, check with the loader, write) in a temporary folder. Times grow in
proportion to the size; 200 kB is the largest article a case may hold.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from attribution_lab.authoring.newcase import make_case
from attribution_lab.formats.limits import MAX_ARTICLE_BYTES

SENTENCES = ("It rained. ", '"It is over," the mayor said. ')


def time_new_case(kilobytes: int, sentence: str = SENTENCES[0]) -> float:
    """Seconds ``make_case`` takes on ``kilobytes`` kB of one repeated sentence."""
    size = min(kilobytes * 1000, MAX_ARTICLE_BYTES)
    text = sentence * (size // len(sentence))
    with tempfile.TemporaryDirectory() as folder:
        article = Path(folder) / "rain.txt"
        article.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        make_case(article, "rain", Path(folder) / "cases")
        return time.perf_counter() - started


def main(argv: list[str]) -> int:
    """Print one line per sentence and size: kilobytes and seconds."""
    sizes = [int(a) for a in argv] or [4, 40, 200]
    for sentence in SENTENCES:
        for kilobytes in sizes:
            seconds = time_new_case(kilobytes, sentence)
            print(f"{kilobytes:>4} kB of {sentence.strip()!r} repeated: {seconds:7.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
