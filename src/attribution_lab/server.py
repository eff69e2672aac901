"""``attribution-lab lab``: start JupyterLab on the start notebook, safely.

The server binds 127.0.0.1 only and keeps Jupyter's token authentication on: nothing here can turn
it off, and :func:`lab_command` is tested so that stays true.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

START_NOTEBOOK = "notebooks/00_start_here.ipynb"
#: The only JupyterLab options that may be passed through. An allow-list, because Jupyter has many
#: ways to weaken a server (other identity providers, config files, tornado settings, origins) and a
#: deny-list would always miss one. None of these touches the address or the authentication.
ALLOWED = (
    "--no-browser",
    "--ServerApp.open_browser",
    "--ServerApp.port_retries",
    "--ServerApp.shutdown_no_activity_timeout",
    "--MappingKernelManager.cull_idle_timeout",
    "--LabApp.default_url",
    "--LabApp.news_url",
    "--log-level",
    "--debug",
)


def lab_command(root: Path, *, port: int | None = None, extra: list[str] | tuple[str, ...] = (), python: str = sys.executable) -> list[str]:
    """The command line that starts JupyterLab in ``root`` on the start notebook.

    Binds 127.0.0.1 and leaves token authentication on. ``extra`` options are passed on only if they
    are in :data:`ALLOWED`; anything else raises :class:`ValueError` naming the option.
    """
    for option in extra:
        name = option.split("=", 1)[0]
        if name not in ALLOWED:
            raise ValueError(
                f"{name} is not allowed: the lab server always binds 127.0.0.1 with token authentication, "
                f"and only these options can be added: {', '.join(ALLOWED)}"
            )
    command = [python, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}"]
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    command.extend(extra)
    if (root / START_NOTEBOOK).is_file():
        command.append(START_NOTEBOOK)
    return command


def _lab(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    command = lab_command(root, port=args.port, extra=args.extra)
    print("Starting JupyterLab on 127.0.0.1 with token authentication. Stop it with Ctrl+C.", flush=True)
    try:
        return subprocess.call(command, cwd=root, env=dict(os.environ))
    except KeyboardInterrupt:
        return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``lab`` subcommand."""
    lab = commands.add_parser("lab", help="open the module in JupyterLab on the start notebook (127.0.0.1, token on)")
    lab.add_argument("--root", default=".", help="the module's folder (default: the current folder)")
    lab.add_argument("--port", type=int, default=None, help="port (default: Jupyter's choice, 8888 or the next free one)")
    lab.add_argument("extra", nargs="*", help="further JupyterLab options, from a short list that cannot change the address or authentication")
    lab.set_defaults(run=_lab)
