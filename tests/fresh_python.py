"""Cases run in a new interpreter: a fork is only taken when the process runs a single thread (process.may_fork),
which a test process cannot promise (servers of other tests may still run)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Every process.Child made is counted in `forks` (True when a process was forked).
COUNT_FORKS = """
forks = []
started = process.Child.__init__
def counted(self, *args):
    started(self, *args)
    forks.append(self.pid is not None)
process.Child.__init__ = counted
"""


def in_fresh_python(setup: str, body: str, *args: str) -> dict:
    """Run `setup`, then `body` (which sets `result`) in a new interpreter with `args` as sys.argv[1:]; the JSON of
    `result`."""
    script = setup + textwrap.dedent(body) + "\nprint(json.dumps(result))\n"
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=REPO,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])
