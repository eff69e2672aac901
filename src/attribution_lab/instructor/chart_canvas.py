"""One artist for the numbers written in a class report heatmap's cells.

The report's four charts hold over 300 texts, more than 200 of them numbers in heatmap cells.
:class:`CellLabels` renders each distinct cell label once (one FreeType bitmap of the whole line,
as :class:`~attribution_lab.drawing.text_canvas.QuickTextCanvas` draws every text) and places that
bitmap in every cell that shows it, centred where a Text with ``ha="center", va="center"`` would
be. On a renderer other than Agg (SVG, PDF) every label is drawn as a Text. Either way every
number stays in its cell and is drawn as written (never read as math).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.text import Text

#: Distance between the baselines of a label's lines, as a multiple of the font's line height:
#: a Text's default, so a stamped label of two lines is laid out as a Text would be.
LINESPACING = 1.2


#: A rendered line: RGBA image (rows bottom up, as draw_image takes them), advance width, how far
#: the ink reaches below the baseline, and the ink's offset from the pen, all in pixels.
_Stamp = tuple[Any, float, float, float]


class CellLabels(Artist):
    """Labels centred on points in data coordinates: ``cells`` are ``(x, y, label, colour)``; a
    label may have several lines (one per line of the string). Drawn above the heatmap's image, where Texts are.
    """

    zorder = 3

    def __init__(self, cells: Sequence[tuple[float, float, str, str]], fontsize: float, *, transform: Any) -> None:
        super().__init__()
        self.cells = tuple(cells)
        self.prop = FontProperties(size=fontsize)
        self.set_transform(transform)

    def labels(self) -> list[str]:
        """The labels, in the order of the cells."""
        return [label for _, _, label, _ in self.cells]

    def draw(self, renderer: Any) -> None:
        """Stamp the labels on an Agg canvas; draw them as Texts on any other."""
        if not self.get_visible():
            return
        if isinstance(renderer, RendererAgg):
            self._stamp(renderer)
        else:
            for x, y, label, colour in self.cells:
                self._text(renderer, x, y, label, colour)
        self.stale = False

    def _text(self, renderer: Any, x: float, y: float, label: str, colour: str) -> None:
        text = Text(x, y, label, ha="center", va="center", color=colour, fontproperties=self.prop,
                    parse_math=False, usetex=False)
        text.set_figure(self.figure)
        text.set_transform(self.get_transform())
        text.draw(renderer)

    def _stamp(self, renderer: Any) -> None:
        font = get_font(findfont(self.prop))
        font.clear()
        font.set_size(self.prop.get_size_in_points(), renderer.dpi)
        flags = get_hinting_flag()
        # A Text's box runs from the top of "lp" on its first line to the bottom of "lp" on its
        # last, and its baselines are a descent plus LINESPACING line heights apart.
        _, height, descent = renderer.get_text_width_height_descent("lp", self.prop, False)
        step = descent + (height - descent) * LINESPACING
        stamps: dict[tuple[str, str], _Stamp] = {}
        transform = self.get_transform()
        gc = renderer.new_gc()
        try:
            for x, y, label, colour in self.cells:
                if any(font.get_char_index(ord(c)) == 0 for c in label if c != "\n"):
                    self._text(renderer, x, y, label, colour)  # a Text finds the character in a fallback font
                    continue
                lines = label.split("\n")
                cx, cy = transform.transform((x, y))
                baseline = cy + (height + step * (len(lines) - 1)) / 2 - (height - descent)
                for line in lines:
                    stamp = stamps.get((line, colour))
                    if stamp is None:
                        stamp = stamps[(line, colour)] = _render(font, flags, line, colour)
                    image, width, ink_descent, offset = stamp
                    renderer.draw_image(gc, round(cx - width / 2 + offset), round(baseline - ink_descent), image)
                    baseline -= step
        finally:
            gc.restore()


def _render(font: Any, flags: Any, line: str, colour: str) -> _Stamp:
    """One line of text rendered by FreeType, in ``colour`` with the glyphs' coverage as alpha."""
    font.set_text(line, 0.0, flags=flags)
    font.draw_glyphs_to_bitmap(antialiased=True)
    coverage = np.asarray(font.get_image())[::-1]
    image = np.empty((*coverage.shape, 4), np.uint8)
    image[..., :3] = np.round(np.array(to_rgba(colour)[:3]) * 255)
    image[..., 3] = coverage
    return image, font.get_width_height()[0] / 64, font.get_descent() / 64, font.get_bitmap_offset()[0] / 64


__all__ = ["LINESPACING", "CellLabels"]
