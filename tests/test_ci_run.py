""".ci/run (issue #16, defects found by reading the code): it exports CI=true itself, stops with a clear message
when Oxigraph does not start, and installs the project once.

The script runs for real (bash), from a copy in a temporary folder, with every program it calls replaced by a
stub on PATH that records its call: nothing is installed, no server starts, the repository is not touched.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STUBS = {
    # port pick, "is it up?", the Virtuoso fixture; `python -m pip …` only recorded
    "python": """case "$1" in
  -c) case "$2" in
        *getsockname*) echo 54321 ;;
        *create_connection*) [ "$OXIGRAPH_UP" = yes ] || exit 1 ;;
      esac ;;
  tests/virtuoso_fixture.py) echo "http://127.0.0.1:1 $SLEEPER" ;;
esac""",
    "python3": 'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && : > "$3/bin/activate"; fi',
    "pip": "",
    "oxigraph": '[ "$OXIGRAPH_UP" = yes ] && exec sleep 30; exit 1',
    "pytest": 'echo "CI=${CI:-}" >> "$CALLS"',
    "chromium": "", "virtuoso-t": "", "isql-vt": "", "apt-get": "", "service": "",
}


def run_ci(tmp_path: Path, oxigraph_up: bool):
    work = tmp_path / "checkout"
    (work / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", work / ".ci" / "run")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    calls = tmp_path / "calls"
    for name, body in STUBS.items():
        stub = stubs / name
        stub.write_text(f'#!/bin/bash\necho "{name} $*" >> "$CALLS"\n{body}\n')
        stub.chmod(0o755)
    sleeper = subprocess.Popen(["sleep", "60"])  # stands for the Virtuoso server the script stops by its pid
    try:
        env = {"PATH": f"{stubs}:/usr/bin:/bin", "CALLS": str(calls), "SLEEPER": str(sleeper.pid),
               "OXIGRAPH_UP": "yes" if oxigraph_up else "no", "HOME": str(tmp_path)}
        done = subprocess.run(["bash", str(work / ".ci" / "run")], env=env, capture_output=True, text=True,
                              timeout=60)
    finally:
        sleeper.kill()
        sleeper.wait()
    return done, calls.read_text().splitlines() if calls.exists() else []


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_run_sets_ci_and_installs_once(tmp_path):
    done, calls = run_ci(tmp_path, oxigraph_up=True)
    assert done.returncode == 0, done.stderr
    installs = [call for call in calls if call.startswith("pip install") and "-e" in call.split()]
    assert len(installs) == 1, calls
    assert "CI=true" in calls, calls  # what pytest saw: CI set by the script, not by the caller


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_run_stops_with_a_clear_message_when_oxigraph_does_not_start(tmp_path):
    done, calls = run_ci(tmp_path, oxigraph_up=False)
    assert done.returncode == 1
    assert "Oxigraph server did not start" in done.stderr
    assert not [call for call in calls if call.startswith("pytest")], calls
