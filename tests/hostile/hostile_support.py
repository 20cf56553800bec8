"""Helpers for the hostile-input suite: run the CLI, check the one-line error, record what the tool touches.

Cases are numbered as in ../shared/docs/security.md section 4 ("case N" in each test's name and docstring).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ena_grunddata.commands.cli import cli

REPO = Path(__file__).resolve().parents[2]
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "', "RecursionError", "SAXParseException")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float  # wall clock
    peak_rss_mib: float | None = None
    cpu_seconds: float | None = None  # CPU time of the run: bounds that hold even on a loaded machine


@pytest.fixture
def cli_run():
    """Run the CLI in this process (fast); returns Run(exit_code, stdout, stderr, seconds)."""
    runner = CliRunner()

    def run(*args, input=None, env=None) -> Run:
        started, cpu = time.monotonic(), time.process_time()
        result = runner.invoke(cli, [str(a) for a in args], input=input, env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr, time.monotonic() - started,
                   cpu_seconds=time.process_time() - cpu)

    return run


# The child's own peak: VmHWM belongs to the memory the child got at exec. (ru_maxrss does not: Linux carries the
# high-water mark of the process a child was forked from across exec, so it would include the test process's.)
_RSS_PROBE = """
import resource, sys
from ena_grunddata.commands.cli import main
try:
    main(sys.argv[1:])
finally:
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open({path!r}, "w") as out:
        out.write(str(peak))
"""


@pytest.fixture
def cli_process(tmp_path):
    """Run the real CLI as a child process: real signals, real stderr, peak memory measured."""

    def run(*args, timeout=60, env=None, cwd=None) -> Run:
        rss_file = tmp_path / f".rss-{time.monotonic_ns()}"
        code = _RSS_PROBE.format(path=str(rss_file))
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, **(env or {})}, cwd=cwd)
        seconds = time.monotonic() - started
        peak = int(rss_file.read_text()) / 1024 if rss_file.exists() else None
        return Run(done.returncode, done.stdout, done.stderr, seconds, peak)

    return run


def assert_error(run: Run, code: int, *fragments: str, where: str | None = None) -> str:
    """Exit `code`, exactly one non-empty line on stderr starting `error: <where>`, no traceback anywhere."""
    assert run.exit_code == code, f"exit {run.exit_code}, expected {code}; stderr: {run.stderr!r}"
    assert_no_traceback(run)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one error line, got: {run.stderr!r}"
    line = lines[0]
    assert line.startswith("error: ") or line.startswith("internal error: "), line
    if where is not None:
        assert line.startswith(f"error: {where}"), line
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    return line


def assert_no_traceback(run: Run) -> None:
    for stream in (run.stdout, run.stderr):
        for marker in TRACEBACK_MARKERS:
            assert marker not in stream, f"{marker!r} in output: {stream[:2000]!r}"


# --------------------------------------------------------------------------------------------- documents

DCAT = "http://www.w3.org/ns/dcat#"
RDF_HEADER = ('<?xml version="1.0" encoding="utf-8"?>\n'
              '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcat="http://www.w3.org/ns/dcat#">\n')
TURTLE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://example.se/ds/1> a dcat:Dataset ;
    dcterms:title "Vägnät"@sv .
"""


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict:
    """Every file below `folder` with its bytes: compare before/after to prove nothing was written."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ an audit hook that records what the tool touches
_events: list | None = None


def _record(event, args):
    if _events is not None and event in ("open", "socket.connect", "urllib.Request"):
        _events.append((event, args[0] if args else None))


sys.addaudithook(_record)  # audit hooks cannot be removed; it records only while a test switches it on


@pytest.fixture
def audit():
    global _events
    _events = []
    yield _events
    _events = None


def opened(events, needle: str) -> list:
    return [arg for event, arg in events if event == "open" and needle in str(arg)]


def connects(events) -> list:
    return [arg for event, arg in events if event in ("socket.connect", "urllib.Request")]
