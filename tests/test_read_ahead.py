"""validation/engines/fast_validate.ReadAhead: the input read by a forked child beside pyoxigraph's loader gives
exactly what reading it in this process gives, and no child is left behind, whatever happens to the child.

The fork is only taken when the process runs a single thread, which a test process cannot promise (servers of
other tests may still run), so each case runs in a fresh interpreter and reports what happened.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import fresh_python
import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    """A generated catalog of 300 datasets: byte sizes the store rewrites (xsd:nonNegativeInteger), ill-typed
    values (one defect in ten datasets), blank contact points, two prefixes on one line."""
    text = subprocess.run([sys.executable, str(REPO / "benchmarks" / "catalog.py"), "300"], capture_output=True,
                          text=True, check=True).stdout
    assert "xsd:nonNegativeInteger" in text and "vcard:hasEmail" in text
    path = tmp_path_factory.mktemp("ahead") / "katalog.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def in_fresh_python(body: str, path: Path) -> dict:
    """Run `body` (which sets `result`) in a new interpreter, after RUN (below), with `path` as sys.argv[1]; the
    JSON of `result`."""
    return fresh_python.in_fresh_python(RUN, body, str(path))


RUN = """
import json, os, sys
from ena_grunddata import process
from ena_grunddata.errors import InputError
from ena_grunddata.validation import pipeline
from ena_grunddata.validation.engines import fast_validate
""" + fresh_python.COUNT_FORKS + """

def validated(path):
    '''Findings (blank node labels aside, they differ per load), the subject lines and the line starts.'''
    run = pipeline.run([path])
    blank = lambda text: "_:" if text and text.startswith("_:") else text or ""
    findings = sorted([f.code, blank(f.focus), f.path or "", blank(f.value), f.source or "", f.line or 0]
                      for f in run.report.findings)
    index = run.loaded.documents[0].index
    return {"findings": findings, "subjects": sorted(index.subjects.items()), "prefixes": index.prefixes,
            "starts": list(index.lines.starts)}

def children_left():
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return True

def read_here():
    '''What this process gives reading everything itself (no child may be forked).'''
    allowed = process.may_fork
    process.may_fork = lambda: False
    try:
        return validated(sys.argv[1])
    finally:
        process.may_fork = allowed
"""


def test_a_child_reads_the_same_as_this_process(catalog):
    result = in_fresh_python("""
with_child = validated(sys.argv[1])
result = {"same": with_child == read_here(), "forked": forks, "left": children_left(),
          "findings": len(with_child["findings"]), "subjects": len(with_child["subjects"])}
""", catalog)
    assert result["forked"] == [True, False]  # the first run forked; the one reading here could not
    assert result["same"] and not result["left"]
    assert result["findings"] > 100 and result["subjects"] > 900  # (datasets, distributions, agencies)


@pytest.mark.parametrize("failure", [
    "raise RuntimeError('the child fails before its first frame')",
    "os._exit(0)",  # ends without a word
    "os.kill(os.getpid(), 9)",  # killed
])
def test_a_child_that_fails_before_the_changes_changes_nothing(catalog, failure):
    result = in_fresh_python(f"""
def failing(self, send):
    {failure}
fast_validate.ReadAhead._work = failing
with_child = validated(sys.argv[1])
result = {{"same": with_child == read_here(), "forked": forks[:1], "left": children_left()}}
""", catalog)
    assert result == {"same": True, "forked": [True], "left": False}


@pytest.mark.parametrize("failure", ["raise RuntimeError('no lines')", "os._exit(0)", "os.kill(os.getpid(), 9)"])
def test_a_child_that_fails_after_the_changes_leaves_the_lines_to_this_process(catalog, failure):
    result = in_fresh_python(f"""
from ena_grunddata.validation.engines import fast_validate as engine
def changes_only(self, send):
    document = self.documents[0]
    send(engine.FastData().changes_of(*engine.oxigraph_input(document), document.base).to_bytes())
    {failure}
fast_validate.ReadAhead._work = changes_only
with_child = validated(sys.argv[1])
result = {{"same": with_child == read_here(), "forked": forks[:1], "left": children_left()}}
""", catalog)
    assert result == {"same": True, "forked": [True], "left": False}


def test_input_refused_before_it_is_loaded_leaves_no_child(tmp_path, catalog):
    """A control character is refused before pyoxigraph's loader starts; a syntax error while it runs. Each is
    the same message as when this process reads everything itself, and the child is gone."""
    control = tmp_path / "control.ttl"
    control.write_bytes(catalog.read_bytes().replace(b'"Exempelkatalog"', b'"Exempel\x01katalog"', 1))
    broken = tmp_path / "broken.ttl"
    broken.write_bytes(catalog.read_bytes() + b"\n<https://e.se/s> <https://e.se/p> <oops .\n")
    result = in_fresh_python(f"""
def message(path):
    try:
        pipeline.run([path])
    except InputError as error:
        return str(error)
    return None
result = {{}}
import threading, time
for path in ({str(control)!r}, {str(broken)!r}):
    # (a thread of the case before may still be ending, and the system lists it a moment after join() returns: no
    # fork beside it)
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join()
    for _ in range(500):
        if len(os.listdir("/proc/self/task")) == 1:
            break
        time.sleep(0.01)
    forks.clear()
    with_child = message(path)
    left = children_left()
    allowed = process.may_fork
    process.may_fork = lambda: False
    here = message(path)
    process.may_fork = allowed
    result[os.path.basename(path)] = [with_child == here, with_child, forks[:1], left]
""", catalog)
    control_result, broken_result = result["control.ttl"], result["broken.ttl"]
    assert control_result[0] and "U+0001" in control_result[1] and control_result[2:] == [[True], False]
    assert broken_result[0] and "broken.ttl" in broken_result[1] and broken_result[2:] == [[True], False]


def test_no_child_is_forked_beside_another_thread(catalog):
    """A thread holding a lock at the fork would leave it held for ever in the child: with another thread
    running, this process reads everything itself."""
    result = in_fresh_python("""
import threading
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
try:
    with_thread = validated(sys.argv[1])
finally:
    stop.set()
    other.join()
result = {"forked": forks[:1], "same": with_thread == read_here()}
""", catalog)
    assert result == {"forked": [False], "same": True}
