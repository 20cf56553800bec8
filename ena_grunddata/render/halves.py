"""A long run of per-finding pieces (SARIF results, JUnit cases) made by two processes at once.

After the checks nothing else is left to do but write the report, and writing a national report's 200,000
results is Python work on one core while the other has nothing to do; Python's lock keeps a second thread from
helping. So where the system can fork and this process runs a single thread (the checks' threads and the store's
loader are done by then), a forked child makes the second half of the pieces into a temporary file while this
process makes and passes on the first half, then passes on the child's. The child shares the report and what
the renderer read (copy on write): nothing is handed over but its text.

Hand-written rather than `multiprocessing` or `concurrent.futures.ProcessPoolExecutor`: with their default start
method (spawn, and forkserver from Python 3.14 on Linux) the report and the document texts its lines are read from,
hundreds of megabytes at national scale, would be pickled over to a fresh interpreter, more than the writing saves;
their pools also run threads of their own in this process and send each result back pickled through a pipe. One
forked child writing a file needs none of that.

Measured at 25,000 datasets (213,838 findings): SARIF's writing 1.63 -> 1.18 s, JUnit's cases 1.37 -> 1.0 s. Less
than half, as each process pays for the memory pages it writes to after the fork (about 145,000 page copies
between them: every finding touched has its reference count written).

The output is the same either way: whenever the child cannot help (no fork, several threads running, a
temporary file that cannot be made, a child that fails or writes less than asked), this process makes the second
half itself. A child never touches standard output, ignores Ctrl-C (this process stops it) and ends with
os._exit (no exit handlers: the temporary files and the output are this process's).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import tempfile
import threading

FORK_FROM = 20_000  # pieces: below this, one process (a fork and its pages cost a few hundredths of a second)
# The child's share of the pieces: it also pays for the pages it copies and for counting the first half (`before`);
# measured at 25,000 datasets (SARIF): with half of them it ended 0.19 s after this process's half, with 0.42 of
# them 0.1 s before, with 0.46 of them 0.06-0.08 s after.
CHILD_SHARE = 0.44
BLOCK = 2_000  # pieces the child writes as one framed block (read back as one piece: a run of pieces joined)
_LENGTH = 8  # bytes of a block's length
_DONE = (2 ** 64 - 1).to_bytes(_LENGTH, "little")  # the child's last frame: it wrote every block it was asked


def in_two(items, make, separator: str, *, wrap=str, before=None):
    """make(item) for every item in order, as pieces for a writer that puts `separator` between pieces: the first
    half one piece per item, the second half (when a child made it) as runs of items already joined by
    `separator`, each passed through `wrap` (formats.EncodedJSON for a JSON stream). `before(items)`: called in
    the child with the items before its half, when `make` counts what it made (SARIF's fingerprints)."""
    if not _may_fork(items):
        yield from map(make, items)
        return
    half = len(items) - int(len(items) * CHILD_SHARE)
    first, second = items[:half], items[half:]
    try:
        spool = tempfile.TemporaryFile()
    except OSError:
        yield from map(make, items)
        return
    with spool:
        child = _Child(spool, first, second, make, separator, before)
        try:
            yield from map(make, first)
            if child.ended_well():
                yield from (wrap(block) for block in child.blocks())
            else:
                yield from map(make, second)
        finally:
            child.stop()


def _may_fork(items) -> bool:
    """Big enough to pay, two cores or more, a list (spilled findings live in one SQLite connection: not shared with a child), and
    only this thread running, counted by the system (the store's own threads are not Python's)."""
    if not isinstance(items, list) or len(items) < FORK_FROM or not hasattr(os, "fork"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2:  # one core: the two halves would take turns
        return False
    if threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: whether some library runs a thread of its own cannot be told
        return False


class _Child:
    """The forked child that writes the second half into `spool`: framed blocks (a length, then that many bytes of
    UTF-8), then a last frame that says it wrote them all."""

    def __init__(self, spool, first, second, make, separator: str, before):
        self.spool = spool
        self.pid = None
        self.status = None  # its exit code once reaped
        sys.stdout.flush()  # (nothing of this process's buffered output may be written twice)
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            return
        if pid:
            self.pid = pid
            return
        code = 1
        try:  # in the child
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the child
            gc.disable()  # a collection would touch every object, and copy every page of the parent's
            if before is not None:
                before(first)
            out = os.fdopen(os.dup(spool.fileno()), "wb", buffering=1 << 20)
            for start in range(0, len(second), BLOCK):
                data = separator.join(map(make, second[start:start + BLOCK])).encode("utf-8")
                out.write(len(data).to_bytes(_LENGTH, "little"))
                out.write(data)
            out.write(_DONE)
            out.flush()
            code = 0
        except BaseException:  # noqa: BLE001 - the parent makes the second half itself
            code = 1
        finally:
            os._exit(code)

    def ended_well(self) -> bool:
        """Wait for the child; True when it ended with 0 and its file is whole (every frame there, the last one
        saying so), so that no piece of it is passed on before it is known to be whole."""
        if self.pid is None:
            return False
        while self.status is None:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                self.status = -1
            except InterruptedError:
                continue
            else:
                self.status = os.waitstatus_to_exitcode(status)
        if self.status != 0:
            return False
        size = self.spool.seek(0, os.SEEK_END)
        position = 0
        while position + _LENGTH <= size:
            self.spool.seek(position)
            head = self.spool.read(_LENGTH)
            if head == _DONE:
                return position + _LENGTH == size
            position += _LENGTH + int.from_bytes(head, "little")
        return False

    def blocks(self):
        """The child's blocks as text, one at a time (after ended_well)."""
        self.spool.seek(0)
        while True:
            head = self.spool.read(_LENGTH)
            if head == _DONE:
                return
            yield self.spool.read(int.from_bytes(head, "little")).decode("utf-8")

    def stop(self) -> None:
        """Make sure the child is gone when this half stopped early (the reader went away, Ctrl-C, an error)."""
        if self.pid is None or self.status is not None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.status = -1
