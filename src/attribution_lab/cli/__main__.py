"""``python -m attribution_lab.cli``: the same as the ``attribution-lab`` command."""

import sys

from . import main

sys.exit(main())
