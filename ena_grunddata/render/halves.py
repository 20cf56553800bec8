"""A long run of per-finding pieces (SARIF results, JUnit cases) made by two processes at once.

After the checks nothing else is left to do but write the report, and writing a national report's 200,000
results is Python work on one core while the other has nothing to do; Python's lock keeps a second thread from
helping. So where the system can fork and this process runs a single thread (the checks' threads and the store's
loader are done by then), the pieces are made in blocks, and a forked child makes every second block while this
process makes the others, reading the child's through a pipe as their turn comes (in turns rather than halves:
how long a piece takes differs along a report, a dataset's findings against a contact point's). The child shares
the report and what the renderer read (copy on write): nothing is handed over but its text.

Hand-written rather than `multiprocessing` or `concurrent.futures.ProcessPoolExecutor`: with their default start
method (spawn, and forkserver from Python 3.14 on Linux) the report and the document texts its lines are read from,
hundreds of megabytes at national scale, would be pickled over to a fresh interpreter, more than the writing saves;
their pools also run threads of their own in this process and send each result back pickled through a pipe. One
forked child writing a file needs none of that.

Measured at 25,000 datasets (213,838 findings), the writing alone: SARIF 1.66 -> 1.17 s, JUnit's cases 1.37 ->
0.85 s. Not half: on this machine's two cores (hyperthreads) two busy processes each run slower, each pays for
the memory pages it writes to after the fork (every finding touched has its reference count written), and for
SARIF each counts the other's findings (0.1 s). Halves instead of turns, with the child's half in a temporary
file, did as well on average but one process often waited for the other.

The output is the same either way: whenever the child cannot help (no fork, several threads running, no pipe, a
child that fails or stops short), this process makes the blocks the child did not hand over itself. A child
never touches standard output, ignores Ctrl-C (this process stops it), ends when this process goes away (its pipe
breaks) and ends with os._exit (no exit handlers: temporary files and the output are this process's).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading

FORK_FROM = 20_000  # pieces: below this, one process (a fork and its pages cost a few hundredths of a second)
BLOCK = 1_000  # pieces made as one run, joined (a piece for the writer), and the turns of the two processes
_LENGTH = 8  # bytes of a block's length, before its text in the pipe
_PIPE_SIZE = 1 << 20  # asked of the system: a child may make its next block before this process reads the last


def in_two(items, make, separator: str, *, wrap=str, counted=None):
    """make(item) for every item in order, as pieces for a writer that puts `separator` between pieces: runs of
    up to BLOCK items already joined by `separator` (one piece each: a national report's 200,000 pieces passed on
    one by one cost more than making them), each passed through `wrap` (formats.EncodedJSON for a JSON stream).
    `items` that are no list (spilled findings) come one piece per item. `counted(items)`: when `make` counts
    what it made (SARIF's fingerprints), each process is told of the items the other one made, in order."""
    if not isinstance(items, list):  # spilled findings are read from one SQLite connection: no child shares it
        yield from map(make, items)
        return
    blocks = [items[start:start + BLOCK] for start in range(0, len(items), BLOCK)]
    child = _Child(blocks, make, separator, counted) if _may_fork(items) else None
    try:
        for number, block in enumerate(blocks):
            if number % 2 and child is not None:
                text = child.block()
                if text is not None:
                    if counted is not None:
                        counted(block)
                    yield wrap(text)
                    continue
                child.stop()  # it failed or stopped short: the rest is made here
                child = None
            yield wrap(separator.join(map(make, block)))
    finally:
        if child is not None:
            child.stop()


def _may_fork(items) -> bool:
    """Big enough to pay, two cores or more, and only this thread running, counted by the system (the store's own
    threads are not Python's)."""
    if len(items) < FORK_FROM or not hasattr(os, "fork"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2:  # one core: the two would take turns
        return False
    if threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: whether some library runs a thread of its own cannot be told
        return False


class _Child:
    """The forked child that makes the odd-numbered blocks and writes each into a pipe: its length, then its text
    as UTF-8. Without a child (no fork, no pipe) `block` answers None at once."""

    def __init__(self, blocks: list, make, separator: str, counted):
        self.pid = None
        self.reader = None
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:
            import fcntl

            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        except (ImportError, AttributeError, OSError):  # (Linux only, and the system may refuse: smaller turns)
            pass
        sys.stdout.flush()  # (nothing of this process's buffered output may be written twice)
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid:
            os.close(write)
            self.pid, self.reader = pid, os.fdopen(read, "rb")
            return
        code = 1
        try:  # in the child
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the child
            gc.disable()  # a collection writes to every object, and each page written to is copied from the parent
            os.close(read)
            out = os.fdopen(write, "wb", buffering=0)
            for number, block in enumerate(blocks):
                if number % 2 == 0:
                    if counted is not None:
                        counted(block)
                    continue
                data = separator.join(map(make, block)).encode("utf-8")
                out.write(len(data).to_bytes(_LENGTH, "little") + data)
            code = 0
        except BaseException:  # noqa: BLE001 - (a broken pipe: the parent went away) the parent makes the rest
            code = 1
        finally:
            os._exit(code)

    def block(self) -> str | None:
        """The child's next block, or None when it cannot give it whole."""
        if self.reader is None:
            return None
        try:
            head = self.reader.read(_LENGTH)
            if len(head) != _LENGTH:
                return None
            length = int.from_bytes(head, "little")
            data = self.reader.read(length)
            return data.decode("utf-8") if len(data) == length else None
        except (OSError, UnicodeDecodeError):
            return None

    def stop(self) -> None:
        """End the child (done, failed, or stopped early: the reader went away, Ctrl-C, an error here) and reap it."""
        if self.reader is not None:
            self.reader.close()  # a child still writing gets a broken pipe
            self.reader = None
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.pid = None
