r"""Charts draw the words of a case as written: a ``$`` in a label, quote or note is a dollar sign.

matplotlib reads text between two ``$`` as math markup: ``Council $x^2$`` would be drawn with a
superscript, and ``Council $\undefinedthing$`` stops the figure (and the class report) with an
error. Case text is written by authors and students, not by typesetters, so no figure of the
module reads it as markup. Pure: the figure is marked through its own methods; matplotlib is not
imported here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

_Params = ParamSpec("_Params")
_Figure = TypeVar("_Figure")


def literal_text(build: Callable[_Params, _Figure]) -> Callable[_Params, _Figure]:
    """Decorate a function that returns a matplotlib figure so that every text in it (titles, axis
    and tick labels, annotations, legends, notes) is drawn as written, never as math or TeX.
    """

    @wraps(build)
    def build_literally(*args: _Params.args, **kwargs: _Params.kwargs) -> _Figure:
        figure = build(*args, **kwargs)
        found: Any = figure
        # Every Text artist has set_parse_math; tick labels exist once the ticks are set, which
        # the chart functions do before they return.
        for text in found.findobj(lambda artist: hasattr(artist, "set_parse_math")):
            text.set_parse_math(False)
            text.set_usetex(False)  # with TeX on, a `$` would be read as markup too
        return figure

    return build_literally


__all__ = ["literal_text"]
