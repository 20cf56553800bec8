"""How the process that runs the library ends.

The installed command ends its process as soon as the command is done (`commands/cli.py: entry`): the output is
flushed and the exit handlers run (temporary files go), but what the command made is not freed object by object
(measured at 25,000 datasets: a text report's 213,838 findings and what they hold took about 0.2 s to free at
exit), for memory the system takes back at once when the process ends.

The same holds for the store of a `validate` whose report is written piece by piece (text, JSON, SARIF, JUnit,
HTML) or is small (Markdown): pyoxigraph frees a national catalog's store in 0.44 s of one core, holding Python's
lock, so `keep_until_exit` lets it lie when the process ends after the command (render/reporting.py). Only there:
a library caller's store is freed when let go, and a report rendered whole (Turtle, or a large --report beside
the main format) is made in the memory the store gave back, under the peak.
"""

from __future__ import annotations

import atexit
import os
import sys

_kept: list = []  # what keep_until_exit holds (the last thing given: an earlier one is freed as usual)
_ends_after_command = False


def ends_after_command() -> None:
    """Say that this process ends when the command is done (the command line's entry point, nothing else)."""
    global _ends_after_command
    _ends_after_command = True


def keep_until_exit(thing) -> None:
    """Hold `thing` until the process ends, when it ends after the command; otherwise do nothing."""
    if _ends_after_command:
        _kept[:] = [thing]


def leave(code: int):
    """End the process with `code` at once: flush standard output and error, run the exit handlers (weakref
    finalizers remove temporary files), then os._exit, which frees nothing one object at a time."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| head`), or a closed stream: nothing to add
            pass
    atexit._run_exitfuncs()  # what a normal exit runs first; os._exit skips it
    os._exit(code)
