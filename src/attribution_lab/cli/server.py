"""``attribution-lab lab`` and ``attribution-lab app``: start the module for one person, safely.

``lab`` opens JupyterLab on the start notebook; it binds 127.0.0.1 only and keeps Jupyter's token
authentication on: nothing here can turn it off, and :func:`lab_command` is tested so that stays
true. ``app`` serves the lessons with Voila ("app mode": the panels and text, no code), also on
127.0.0.1 only.
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


def running_as_root() -> bool:
    """True when this process runs as root (containers, some teaching machines)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(root: Path, *, port: int | None = None, extra: list[str] | tuple[str, ...] = (), python: str = sys.executable,
                as_root: bool | None = None) -> list[str]:
    """The command line that starts JupyterLab in ``root`` on the start notebook.

    Binds 127.0.0.1 and leaves token authentication on. ``extra`` options are passed on only if they
    are in :data:`ALLOWED`; anything else raises :class:`ValueError` naming the option. As root
    (``as_root``, detected when None) ``--allow-root`` is added: Jupyter refuses to start as root
    without it, and the allow-list would leave a user no way to add it.
    """
    given = [option.split("=", 1)[0] for option in extra]
    for name in given:
        if name not in ALLOWED:
            raise ValueError(
                f"{name} is not allowed: the lab server always binds 127.0.0.1 with token authentication, "
                f"and only these options can be added: {', '.join(ALLOWED)}"
            )
    command = [python, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}"]
    if running_as_root() if as_root is None else as_root:
        command.append("--allow-root")
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    command.extend(extra)
    if (root / START_NOTEBOOK).is_file():
        if "--LabApp.default_url" not in given:
            # The address Jupyter prints opens the start notebook too, not the Launcher: what someone
            # on SSH, in a container or with no browser copies is the page they should land on.
            command.append(f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}")
        command.append(START_NOTEBOOK)
    return command


#: The folder Voila serves in app mode: the lessons (each worksheet is also reachable from JupyterLab).
APP_FOLDER = "notebooks"
APP_PORT = 8866
#: Seconds a Voila kernel with no page connected may stay idle before it is shut down.
APP_CULL_IDLE_SECONDS = 600


def app_command(root: Path, *, port: int = APP_PORT, open_browser: bool = True, python: str = sys.executable) -> list[str]:
    """The command line that serves ``root``/notebooks with Voila on 127.0.0.1 (code cells hidden).

    Voila lists the lessons; opening one runs it on the server and shows its text, charts and panels
    without the code. Only 127.0.0.1 is bound: app mode is for one person on their own machine (a
    class uses JupyterHub, see docs/jupyterhub.md).
    """
    command = [python, "-m", "voila", str(root / APP_FOLDER), "--Voila.ip=127.0.0.1", f"--port={port}",
               # Voila starts a kernel per page opened and keeps it after the tab closes (about 120 MB
               # each): a kernel with no page connected is shut down after ten idle minutes. A page
               # still open is never culled, and answers are saved as they are given.
               f"--MappingKernelManager.cull_idle_timeout={APP_CULL_IDLE_SECONDS}", "--MappingKernelManager.cull_interval=60",
               "--MappingKernelManager.cull_connected=False"]
    if not open_browser:
        command.append("--no-browser")
    return command


def _app(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    if not (root / APP_FOLDER).is_dir():
        print(f"error: {root / APP_FOLDER} is not a folder; run this in the module's folder or pass --root", file=sys.stderr)
        return 2
    command = app_command(root, port=args.port, open_browser=not args.no_browser)
    return _serve(command, root, f"Serving the lessons as an app (code hidden); start here: {app_start_url(args.port)} "
                                 f"(every lesson: http://127.0.0.1:{args.port}/).")


def app_start_url(port: int = APP_PORT) -> str:
    """The address of the start notebook in app mode (Voila renders a notebook of its folder there)."""
    return f"http://127.0.0.1:{port}/voila/render/{Path(START_NOTEBOOK).name}"


def _serve(command: list[str], root: Path, message: str) -> int:
    """Run a server command in ``root`` until it ends or Ctrl+C; its exit code (0 after Ctrl+C)."""
    print(f"{message} Stop it with Ctrl+C.", flush=True)
    try:
        return subprocess.call(command, cwd=root, env=dict(os.environ))
    except KeyboardInterrupt:
        return 0


def _lab(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    try:
        command = lab_command(root, port=args.port, extra=args.extra)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return _serve(command, root, "Starting JupyterLab on 127.0.0.1 with token authentication.")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``lab`` and ``app`` subcommands."""
    lab = commands.add_parser("lab", help="open the module in JupyterLab on the start notebook (127.0.0.1, token on)")
    lab.add_argument("--root", default=".", help="the module's folder (default: the current folder)")
    lab.add_argument("--port", type=int, default=None, help="port (default: Jupyter's choice, 8888 or the next free one)")
    lab.add_argument("extra", nargs="*", metavar="OPTION",
                     help=f"further JupyterLab options, given as they are (for example --no-browser), from a short list "
                          f"that cannot change the address or authentication: {', '.join(ALLOWED)}")
    lab.set_defaults(run=_lab)
    app = commands.add_parser("app", help="serve the lessons with Voila on 127.0.0.1: panels and text, code hidden")
    app.add_argument("--root", default=".", help="the module's folder (default: the current folder)")
    app.add_argument("--port", type=int, default=APP_PORT, help=f"port (default: {APP_PORT})")
    app.add_argument("--no-browser", action="store_true", help="do not open a browser")
    app.set_defaults(run=_app)
