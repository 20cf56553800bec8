"""A real SPARQL store for the publish tests: an in-memory Oxigraph server on 127.0.0.1.

.ci/run starts one and exports ENA_TEST_OXIGRAPH_URL; without it the session starts its own from the `oxigraph`
package of the test extra (on a free port) and stops it by its process id at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("oxigraph")


def wait_until_listening(port: int, process: subprocess.Popen, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError("oxigraph did not start listening")


@pytest.fixture(scope="session")
def oxigraph_url():
    """Base URL of a running in-memory Oxigraph server (layout: /store, /query, /update)."""
    given = os.environ.get("ENA_TEST_OXIGRAPH_URL")
    if given:
        yield given.rstrip("/")
        return
    binary = oxigraph_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but the oxigraph server (test extra) is not installed")
        pytest.skip("the oxigraph server is not installed (pip install -e '.[test]')")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_until_listening(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
