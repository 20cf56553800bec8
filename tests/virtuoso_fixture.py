"""A real Virtuoso for the store tests: Debian's virtuoso-opensource-7 on loopback ports, throw-away database.

.ci/run installs the package, starts one through this module (`python tests/virtuoso_fixture.py FOLDER` prints
"URL PID") and exports ENA_TEST_VIRTUOSO_URL; without that variable the session starts its own when `virtuoso-t`
exists, and stops it by its process id at the end. Tests skip only when Virtuoso is absent and CI is not set.

Virtuoso's default SPARQL user may only read; `GRANT SPARQL_UPDATE TO "SPARQL"` (through isql-vt, as dba) lets
publish write over /sparql and /sparql-graph-crud without credentials, as a fresh local test store should.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

CONFIG = """[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{isql_port}
DisableUnixSocket        = 1
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., {folder}
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
ThreadsPerQuery          = 2

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {folder}
MaxClientConnections        = 10
ServerThreads               = 10
EnabledDavVSP               = 0
Charset                     = UTF-8

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 120
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def binaries() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, isql) if server and isql else None


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start(folder: Path, seconds: float = 120.0) -> tuple[subprocess.Popen, str]:
    """Start Virtuoso with its database in `folder`; returns (process, base URL) once SPARQL Update is granted."""
    server, isql = binaries()
    folder.mkdir(parents=True, exist_ok=True)
    http_port, isql_port = free_port(), free_port()
    config = folder / "virtuoso.ini"
    config.write_text(CONFIG.format(folder=folder, http_port=http_port, isql_port=isql_port), encoding="utf-8")
    process = subprocess.Popen([server, "+configfile", str(config), "+foreground"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    end = time.monotonic() + seconds
    try:
        while not (listening(http_port) and listening(isql_port)):
            if process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {process.returncode}; see {folder}/virtuoso.log")
            if time.monotonic() > end:
                raise RuntimeError(f"virtuoso-t did not start listening; see {folder}/virtuoso.log")
            time.sleep(0.2)
        while True:
            granted = subprocess.run([isql, f"127.0.0.1:{isql_port}", "dba", "dba",
                                      'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                                     capture_output=True, text=True, timeout=60)
            if granted.returncode == 0 and "Error" not in granted.stdout + granted.stderr:
                break
            if time.monotonic() > end:
                raise RuntimeError(f"could not grant SPARQL_UPDATE: {granted.stdout} {granted.stderr}")
            time.sleep(0.5)
    except BaseException:
        stop(process)
        raise
    return process, f"http://127.0.0.1:{http_port}"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def virtuoso_url():
    """Base URL of a running Virtuoso (layout `virtuoso`: /sparql, /sparql-graph-crud)."""
    given = os.environ.get("ENA_TEST_VIRTUOSO_URL")
    if given:
        yield given.rstrip("/")
        return
    if binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but Virtuoso (virtuoso-opensource-7: virtuoso-t, isql-vt) is not installed")
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource-7)")
    folder = Path(tempfile.mkdtemp(prefix="ena-virtuoso-"))
    process, url = start(folder)
    try:
        yield url
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":  # .ci/run: start one, print "URL PID", leave it running
    started, base = start(Path(sys.argv[1]).resolve())
    print(base, started.pid)
