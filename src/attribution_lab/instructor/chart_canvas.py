"""Where the class report's charts are drawn: an Agg canvas that draws text the quick way, and
one artist for the numbers written in a heatmap's cells.

Drawing text was most of the time to make the report's figures. matplotlib 3.11 draws every text
on Agg glyph by glyph, with several Python calls per glyph (about 1.5 ms for a short label, ten
times that for a source note), and the report's four figures hold over 300 texts, more than 200
of them numbers in heatmap cells. Two things here make that quick, both with FreeType's rendering
of the same font:

- :class:`ReportCanvas` draws each text as one bitmap of the whole string, rendered in C, as
  matplotlib's Agg renderer did up to 3.10 (math text, and texts with font features or a language
  set, are left to matplotlib);
- :class:`CellLabels` renders each distinct cell label once and places that bitmap in every cell
  that shows it, centred where a Text with ``ha="center", va="center"`` would be. On a renderer
  other than Agg (SVG, PDF) every label is drawn as a Text.

Either way every number stays in its cell and every text is drawn as written (never read as math).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.text import Text

#: Distance between the baselines of a label's lines, as a multiple of the font's line height:
#: a Text's default, so a stamped label of two lines is laid out as a Text would be.
LINESPACING = 1.2


class _QuickTextRenderer(RendererAgg):
    """Agg, drawing each plain text as one bitmap of the whole string.

    A text is measured (to lay the chart out) before it is drawn, and both need the string laid
    out by FreeType: the bitmap is rendered when the text is measured and kept for its drawing.
    """

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        # (string, font properties, dpi) -> (width, height, descent, bitmap, the bitmap's offset).
        self._texts: dict[tuple[str, Any, float], tuple[float, float, float, Any, float, float]] = {}

    def _laid_out(self, s: str, prop: Any) -> tuple[float, float, float, Any, float, float]:
        key = (s, prop, self.dpi)
        found = self._texts.get(key)
        if found is None:
            # matplotlib 3.10's RendererAgg.draw_text: the string laid out and rendered in one
            # call (with the font's fallbacks), at angle 0: the bitmap is rotated when placed.
            font = self._prepare_font(prop)
            font.set_text(s, 0, flags=get_hinting_flag())
            font.draw_glyphs_to_bitmap(antialiased=True)
            w, h = font.get_width_height()
            xo, yo = font.get_bitmap_offset()
            found = self._texts[key] = (w / 64, h / 64, font.get_descent() / 64, font.get_image(), xo / 64, yo / 64)
        return found

    def _quick(self, gc: Any, ismath: Any, mtext: Any) -> bool:
        """Whether a text is drawn here (else by matplotlib): plain, antialiased, with no font
        features or language set, on a renderer that can place a bitmap.
        """
        features = getattr(mtext, "get_fontfeatures", lambda: None)()  # matplotlib 3.11 and later
        language = getattr(mtext, "get_language", lambda: None)()
        return (not (ismath or features or language) and gc.get_antialiased()
                and hasattr(self._renderer, "draw_text_image"))

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        """As matplotlib measures a text; a plain one is rendered too, for its drawing."""
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        w, h, d, *_ = self._laid_out(s, prop)
        return w, h, d

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
                  mtext: Any = None) -> None:
        """Place the text's bitmap with its baseline starting at x, y (y downwards)."""
        if not self._quick(gc, ismath, mtext):
            super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return
        _, _, descent, image, xo, yo = self._laid_out(s, prop)
        x = round(x + xo + descent * math.sin(math.radians(angle)))
        y = round(y + yo + descent * math.cos(math.radians(angle)))
        self._renderer.draw_text_image(image, x, y + 1, angle, gc)


class ReportCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer draws text as :class:`_QuickTextRenderer` does."""

    def get_renderer(self) -> Any:
        """The renderer for the figure's current size and dpi (made again when they change)."""
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        if getattr(self, "_quick_key", None) != key:
            self.renderer = _QuickTextRenderer(w, h, self.figure.dpi)
            self._quick_key = key
        return self.renderer


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


__all__ = ["LINESPACING", "CellLabels", "ReportCanvas"]
