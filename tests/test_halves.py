"""render/halves.py: per-finding pieces made by two processes give exactly what one process gives.

The fork is only taken when this process runs a single thread, which a test process cannot promise (servers of
other tests may still run), so each case runs in a fresh interpreter and reports what happened.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import rdflib

from ena_grunddata.render.sarif import Fingerprints
from ena_grunddata.report import Finding, Severity

REPO = Path(__file__).resolve().parent.parent


def in_fresh_python(body: str) -> dict:
    """Run `body` (which sets `result`) in a new interpreter; the JSON of `result`."""
    script = "import json, os, signal, sys, threading\nfrom ena_grunddata.render import halves\n" + textwrap.dedent(body) \
        + "\nprint(json.dumps(result))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


SETUP = """
halves.FORK_FROM = 10
items = [f"item {n} " + "ä" * (n % 7) + "\\n" * (n % 3) for n in range(5_003)]
make = lambda item: f"<{item}>"
expected = "|".join(map(make, items))
forks = []
started = halves._Child.__init__
def counted(self, *args):
    started(self, *args)
    forks.append(self.pid is not None)
halves._Child.__init__ = counted
"""


def test_two_processes_give_the_same_text_as_one():
    result = in_fresh_python(SETUP + """
pieces = list(halves.in_two(items, make, "|", before=lambda first: None))
result = {"same": "|".join(pieces) == expected, "forked": forks, "pieces": len(pieces)}
""")
    assert result["same"]
    assert result["forked"] == [True]
    assert result["pieces"] < 5_003  # the child's half came back as runs of pieces


def test_the_child_is_told_of_the_first_half():
    result = in_fresh_python(SETUP + """
import tempfile
told = tempfile.NamedTemporaryFile(delete=False).name
def before(first):
    open(told, "w").write(str(len(first)))
pieces = list(halves.in_two(items, make, "|", before=before))
result = {"same": "|".join(pieces) == expected, "told": int(open(told).read()),
          "half": 5_003 - int(5_003 * halves.CHILD_SHARE)}
""")
    assert result["same"]
    assert result["told"] == result["half"]


@pytest.mark.parametrize("failure", ["raise", "kill", "exit"])
def test_a_failing_child_leaves_the_second_half_to_this_process(failure):
    """An exception, a child killed by the system, a child that ends well before it wrote everything."""
    result = in_fresh_python(SETUP + f"""
parent = os.getpid()
def fragile(item):
    if os.getpid() != parent and item.startswith("item 4000 "):
        if "{failure}" == "raise":
            raise MemoryError
        if "{failure}" == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(0)
    return make(item)
pieces = list(halves.in_two(items, fragile, "|"))
result = {{"same": "|".join(pieces) == expected, "forked": forks, "pieces": len(pieces)}}
""")
    assert result["same"]
    assert result["forked"] == [True]
    assert result["pieces"] == 5_003  # every piece made here


def test_stopping_early_leaves_no_child_behind():
    result = in_fresh_python(SETUP + """
import itertools
pieces = halves.in_two(items, make, "|")
first = list(itertools.islice(pieces, 3))
pieces.close()
try:
    left = os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    left = None
result = {"first": first == [make(item) for item in items[:3]], "left": left, "forked": forks}
""")
    assert result["first"] and result["forked"] == [True]
    assert result["left"] is None  # reaped: no child running, none left as a zombie


def test_no_fork_with_another_thread_running_or_few_items():
    result = in_fresh_python(SETUP + """
few = list(halves.in_two(items[:9], make, "|"))
stop = threading.Event()
helper = threading.Thread(target=stop.wait)
helper.start()
busy = list(halves.in_two(items, make, "|"))
stop.set()
helper.join()
result = {"few": few == [make(item) for item in items[:9]], "busy": "|".join(busy) == expected, "forked": forks}
""")
    assert result == {"few": True, "busy": True, "forked": []}


def finding(focus: str, line: int, value=None) -> Finding:
    return Finding(code="SE-CONTACT-HASEMAIL", severity=Severity.WARNING, focus=focus,
                   path="http://www.w3.org/2006/vcard/ns#hasEmail", value=value, source="data.ttl", line=line)


def test_fingerprints_counted_apart_number_duplicates_as_in_one_pass():
    """Two contact points of one dataset without e-mail (blank nodes described on the same line) have one
    fingerprint; the second is numbered. The child counts the first half (`passed`) and numbers on from there."""
    findings = [finding("_:a", 4), finding("_:b", 4), finding("https://x.se/c", 9), finding("_:c", 4),
                finding("_:d", 7), finding("_:e", 4, value="_:v"), finding("_:f", 4, value="_:w")]
    whole = Fingerprints()
    expected = [whole(f) for f in findings]
    assert expected[1] == expected[0] + "-1" and expected[3] == expected[0] + "-2"  # by hand: three on line 4
    assert expected[6] == expected[5] + "-1"
    for half in range(len(findings) + 1):
        second = Fingerprints()
        second.passed(findings[:half])
        assert [second(f) for f in findings[half:]] == expected[half:]


def skolemized_catalog(tmp_path: Path, datasets: int) -> Path:
    """A generated catalog without blank nodes (their labels change from run to run; reports are compared whole)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from catalog import generate
    finally:
        sys.path.pop(0)
    graph = rdflib.Graph().parse(data=generate(datasets), format="turtle").skolemize()
    path = tmp_path / "catalog.ttl"
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
def test_reports_written_by_two_processes_are_the_reports_of_one(tmp_path, fmt):
    catalog = skolemized_catalog(tmp_path, 40)
    outputs = {}
    for name, threshold in (("two", 20), ("one", 10 ** 9)):
        out = tmp_path / f"{name}.{fmt}"
        result = in_fresh_python(f"""
halves.FORK_FROM = {threshold}
forks = []
started = halves._Child.__init__
def counted(self, *args):
    started(self, *args)
    forks.append(self.pid is not None)
halves._Child.__init__ = counted
from ena_grunddata.commands.cli import main
try:
    code = main(["validate", {str(catalog)!r}, "--format", "{fmt}", "--output", {str(out)!r}])
except SystemExit as end:
    code = end.code
result = {{"code": code, "forks": forks}}
""")
        assert result["code"] == 1  # the catalog has defects: findings at or above --fail-on
        assert result["forks"] == ([True] if name == "two" else [])
        outputs[name] = out.read_bytes()
    assert outputs["two"] == outputs["one"]
    if fmt == "sarif":
        results = json.loads(outputs["two"])["runs"][0]["results"]
        assert len(results) > 20
        marks = [r["partialFingerprints"]["enaFinding/v1"] for r in results]
        assert len(set(marks)) == len(marks)


def test_duplicate_fingerprints_are_numbered_across_the_halves(tmp_path):
    """Two blank contact points written on one line, neither with an e-mail address: their findings share a
    fingerprint, and the second is numbered, whichever process writes it (the child counts the first half)."""
    lines = ["@prefix dcat: <http://www.w3.org/ns/dcat#> .", "@prefix dcterms: <http://purl.org/dc/terms/> .",
             "@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .",
             '<https://x.example.se/catalog> a dcat:Catalog ; dcterms:title "K"@sv ;',
             "  dcat:dataset " + ", ".join(f"<https://x.example.se/d{n}>" for n in range(60)) + " ."]
    for n in range(60):
        lines += [f'<https://x.example.se/d{n}> a dcat:Dataset ; dcterms:title "D {n}"@sv ;',
                  '  dcat:contactPoint [ a vcard:Organization ; vcard:fn "A" ], '
                  '[ a vcard:Organization ; vcard:fn "B" ] .']
    catalog = tmp_path / "two-contacts.ttl"
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = in_fresh_python(f"""
from ena_grunddata.commands.cli import main
marks = {{}}
for name, threshold in (("two", 20), ("one", 10 ** 9)):
    halves.FORK_FROM = threshold
    out = {str(tmp_path)!r} + "/" + name + ".sarif"
    try:
        main(["validate", {str(catalog)!r}, "--format", "sarif", "--output", out])
    except SystemExit:
        pass
    found = json.load(open(out))["runs"][0]["results"]
    marks[name] = [r["partialFingerprints"]["enaFinding/v1"] for r in found]
result = marks
""")
    two, one = result["two"], result["one"]
    assert len(set(two)) == len(two)  # each result its own fingerprint
    assert sorted(two) == sorted(one)  # (blank nodes are labelled anew by each run: the order may differ)
    assert sum(mark.endswith("-1") for mark in two) >= 60  # by hand: at least one pair per dataset
