"""The module's colours, in one place: every chart, the class report and the panel take them from here.

Colours come from Okabe & Ito (2008), "Color Universal Design", which stays distinguishable for the
common kinds of colour blindness. Colour only ever repeats what a symbol or a word already says.
Pure data: nothing here imports a plotting or widget library.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: Okabe & Ito's palette in their order: black first, then the seven colours.
OKABE_ITO: tuple[str, ...] = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
)
BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE = OKABE_ITO

#: The two series every before/after chart compares, the same in the lessons and the class report.
FIRST_TRY_COLOUR = ORANGE
CURRENT_COLOUR = BLUE

#: Verdict fills in charts, chosen from the palette so right and wrong differ in lightness as well as hue.
VERDICT_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "correct": BLUISH_GREEN,
        "accepted": SKY_BLUE,
        "partly": YELLOW,
        "wrong": VERMILLION,
        "unanswered": "#FFFFFF",
    }
)
#: Verdict text colours in the panel: darker shades that keep a 4.5:1 contrast on white (WCAG AA).
VERDICT_TEXT_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "correct": "#2e7d32",
        "accepted": "#2e7d32",
        "partly": "#8a5a00",
        "wrong": "#b00020",
        "unanswered": "#555555",
    }
)
#: Quiet greys for notes, grids and boxes that carry no meaning of their own.
NOTE_GREY = "#333333"
GRID_GREY = "#DDDDDD"
#: A drawn chain's boxes (the chain figure and the panel's drawing): the origin, each link, the reader.
CHAIN_ORIGIN_COLOUR = ORANGE
CHAIN_LINK_COLOUR = SKY_BLUE
CHAIN_READER_COLOUR = GRID_GREY


def chain_colour(position: int, length: int) -> str:
    """The fill of box ``position`` of a drawn chain of ``length`` boxes."""
    return CHAIN_ORIGIN_COLOUR if position == 0 else CHAIN_READER_COLOUR if position == length - 1 else CHAIN_LINK_COLOUR

#: Sequential colour map for heatmaps: cividis is designed to read the same with colour-blindness.
HEATMAP = "cividis"

__all__ = [
    "CHAIN_LINK_COLOUR",
    "CHAIN_ORIGIN_COLOUR",
    "CHAIN_READER_COLOUR",
    "CURRENT_COLOUR",
    "FIRST_TRY_COLOUR",
    "GRID_GREY",
    "HEATMAP",
    "NOTE_GREY",
    "OKABE_ITO",
    "VERDICT_COLOURS",
    "VERDICT_TEXT_COLOURS",
    "chain_colour",
]
