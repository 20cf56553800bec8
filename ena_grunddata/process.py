"""How the process that runs the library ends, and the child processes it may fork to read the input and write a
report faster.

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
import gc
import os
import signal
import sys
import threading

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


# --------------------------------------------------------------------------------------------- forked children
#
# After the checks, a national report's writing (SARIF results, JUnit cases, JSON findings: render/halves.py) and
# its score (validation/score.py) are Python work on one core while the other has nothing to do, and Python's lock
# keeps a second thread from helping; before the load, the reading of the input beside pyoxigraph's loader
# (validation/engines/fast_validate.ReadAhead) would hold that lock against the rest of the load. Where the system
# can fork and this process runs a single thread (the checks' threads and the store's loader are done by then; the
# read-ahead child is forked before any thread starts), a forked child does part of the work: it shares the
# report, the loaded store and the documents with this process (copy on write) and hands back only its result,
# as frames through a pipe.
#
# Hand-written rather than `multiprocessing` or `concurrent.futures.ProcessPoolExecutor`: with their default
# start method (spawn; forkserver from Python 3.14 on Linux) what the work reads, hundreds of megabytes at national
# scale, would be pickled over to a fresh interpreter, more than the work takes; their pools also run threads of
# their own in this process. One forked child writing into a pipe needs none of that.
#
# Whatever goes wrong with a child (no fork, other threads running, no pipe, an error in it, a child killed or
# stopping short), the caller does the work itself, so the result is the same. A child never touches standard
# output, ignores Ctrl-C (this process stops it), ends when this process goes away (its pipe breaks) and ends with
# os._exit (no exit handlers: temporary files and the output are this process's).

_LENGTH = 8  # bytes of a frame's length, before its bytes
_PIPE_SIZE = 1 << 20  # asked of the system: a child may go on with its next frame before this process reads one


def may_fork() -> bool:
    """Whether a child may be forked to share work: two cores or more, and only this thread running, counted by
    the system (a library's own threads are not Python's). A thread holding a lock at the fork would leave the
    lock held for ever in the child."""
    if not hasattr(os, "fork"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2 or threading.active_count() != 1:  # (one core: the two would take turns)
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: whether some library runs a thread of its own cannot be told
        return False


class Child:
    """A forked child that runs `work(send)`, where send(data: bytes) hands a frame to this process. Without a
    child (may_fork says no, no pipe, no fork) `frame` answers None at once: the caller does the work itself."""

    def __init__(self, work):
        self.pid = None
        self.reader = None
        if not may_fork():
            return
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
            work(lambda data: out.write(len(data).to_bytes(_LENGTH, "little") + data))
            code = 0
        except BaseException:  # noqa: BLE001 - (a broken pipe: the parent went away) the parent does the rest
            code = 1
        finally:
            os._exit(code)

    def frame(self) -> bytes | None:
        """The child's next frame, or None when it cannot give one whole (it failed, stopped, or there is none)."""
        if self.reader is None:
            return None
        try:
            head = self.reader.read(_LENGTH)
            if len(head) != _LENGTH:
                return None
            length = int.from_bytes(head, "little")
            data = self.reader.read(length)
            return data if len(data) == length else None
        except OSError:
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
