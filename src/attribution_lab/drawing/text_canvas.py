"""An Agg canvas that draws each plain text as one bitmap of the whole string.

Drawing text is most of the time to make a figure of this module. matplotlib 3.11 draws every
text on Agg glyph by glyph, with several Python calls per glyph (about 1.5 ms for a short label,
ten times that for a source note). :class:`QuickTextCanvas` draws each plain text as one bitmap,
rendered in C by FreeType with the same font and size, as matplotlib's Agg renderer did up to
3.10; math text, and texts with font features or a language set, are left to matplotlib. Every
text is drawn as written (never read as math). The lessons' figures
(:mod:`attribution_lab.student.charts`) and the class report's charts
(:mod:`attribution_lab.instructor.report_charts`) are drawn on it.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag


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


class QuickTextCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer draws text as :class:`_QuickTextRenderer` does."""

    def get_renderer(self) -> Any:
        """The renderer for the figure's current size and dpi (made again when they change)."""
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        if getattr(self, "_quick_key", None) != key:
            self.renderer = _QuickTextRenderer(w, h, self.figure.dpi)
            self._quick_key = key
        return self.renderer


__all__ = ["QuickTextCanvas"]
