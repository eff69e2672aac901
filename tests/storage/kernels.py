"""Real Jupyter kernels for the storage tests: start one in a folder, run code, read its output."""

from __future__ import annotations

import os
import queue
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def kernel_env(folder: Path) -> dict[str, str]:
    """The test's environment, with Jupyter's and matplotlib's state kept in the temporary folder."""
    env = dict(os.environ)
    for name in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[name] = str(folder / ".state" / name.lower())
    return env


@dataclass
class Kernel:
    """A started kernel and its client."""

    manager: Any
    client: Any

    @property
    def pid(self) -> int:
        return self.manager.provisioner.process.pid


def start_kernel(folder: Path, *, cwd: Path | None = None, unset: tuple[str, ...] = ()) -> Kernel:
    """Start a python3 kernel with its state under ``folder/.state``, working in ``cwd`` (default
    ``folder``), without the environment variables named in ``unset`` (as a user's kernel would be)."""
    from jupyter_client.manager import KernelManager

    env = kernel_env(folder)
    for name in unset:
        env.pop(name, None)
    os.makedirs(env["JUPYTER_RUNTIME_DIR"], exist_ok=True)
    connection = folder / ".state" / f"kernel-{uuid.uuid4().hex[:8]}.json"
    manager = KernelManager(kernel_name="python3", connection_file=str(connection))
    manager.start_kernel(cwd=str(cwd or folder), env=env)
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return Kernel(manager, client)


def stop_kernel(kernel: Kernel) -> None:
    kernel.client.stop_channels()
    try:
        kernel.manager.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 - already killed; only clean up what is left
        kernel.manager.cleanup_resources()


def stream(kernel: Kernel, until: Callable[[str], bool], timeout: float) -> str:
    """Collect the kernel's stdout until ``until(text so far)`` is true or ``timeout`` passes."""
    text, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline and not until(text):
        try:
            message = kernel.client.get_iopub_msg(timeout=0.005)
        except queue.Empty:
            continue
        if message["msg_type"] == "stream":
            text += message["content"]["text"]
        elif message["msg_type"] == "error":
            raise AssertionError("\n".join(message["content"]["traceback"]))
    return text


def print_figures(request: pytest.FixtureRequest, text: str) -> None:
    """Print past pytest's capture, so the figures a test measures reach the terminal and the CI log."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        print(text)
