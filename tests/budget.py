"""How many generated inputs each property test tries: a tenth by default, so `make test` stays
quick, and the full figure in the ``thorough`` profile, which CI selects
(``HYPOTHESIS_PROFILE=thorough``, set by ``.ci/run``).
"""

from __future__ import annotations

import os

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"


def examples(full: int) -> int:
    """The number of inputs to try for a property whose full budget is ``full``."""
    return full if THOROUGH else max(20, full // 10)
