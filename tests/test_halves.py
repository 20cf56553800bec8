"""render/halves.py: per-finding pieces made by two processes give exactly what one process gives.

The fork is only taken when this process runs a single thread, which a test process cannot promise (servers of
other tests may still run), so each case runs in a fresh interpreter and reports what happened.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import fresh_python
import pytest
import rdflib

from ena_grunddata.render.sarif import Fingerprints
from ena_grunddata.report import Finding, Severity

REPO = Path(__file__).resolve().parent.parent


def in_fresh_python(body: str) -> dict:
    """Run `body` (which sets `result`) in a new interpreter; the JSON of `result`."""
    return fresh_python.in_fresh_python("import json, os, signal, sys, threading\nfrom ena_grunddata import process\n"
                                        "from ena_grunddata.render import halves\n", body)


COUNT_FORKS = fresh_python.COUNT_FORKS

SETUP = """
halves.FORK_FROM = 10
halves.BLOCK = 7
items = [f"item {n} " + "ä" * (n % 7) + "\\n" * (n % 3) for n in range(5_003)]
made_here = []  # what this process made (a child's list is its own)
def make(item):
    made_here.append(item)
    return f"<{item}>"
expected = "|".join(f"<{item}>" for item in items)
blocks = [items[start:start + 7] for start in range(0, len(items), 7)]
mine = [item for number, block in enumerate(blocks) if number % 2 == 0 for item in block]
""" + COUNT_FORKS


def test_two_processes_give_the_same_text_as_one():
    result = in_fresh_python(SETUP + """
pieces = list(halves.in_two(items, make, "|"))
result = {"same": "|".join(pieces) == expected, "forked": forks, "here": made_here == mine}
""")
    assert result == {"same": True, "forked": [True], "here": True}  # every second block was the child's


def test_a_counting_maker_counts_what_the_other_process_made():
    """SARIF numbers a fingerprint by how often it came before: each process is told of the other's items."""
    result = in_fresh_python(SETUP + """
seen = [0]
def numbered(item):
    seen[0] += 1
    return f"{item}#{seen[0]}"
def told(block):
    seen[0] += len(block)
pieces = list(halves.in_two(items, numbered, "|", counted=told))
result = {"same": "|".join(pieces) == "|".join(f"{item}#{n}" for n, item in enumerate(items, start=1)),
          "forked": forks}
""")
    assert result == {"same": True, "forked": [True]}


@pytest.mark.parametrize("failure", ["raise", "kill", "exit"])
def test_a_failing_child_leaves_the_rest_to_this_process(failure):
    """An exception, a child killed by the system, a child that ends well before it made everything: the blocks
    it handed over are kept, the rest are made here."""
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
late = [item for number, block in enumerate(blocks) if number % 2 == 0 or "item 4000 " in "|".join(block)
        or int(block[0].split()[1]) > 4000 for item in block]
result = {{"same": "|".join(pieces) == expected, "forked": forks, "here": made_here == late}}
""")
    assert result == {"same": True, "forked": [True], "here": True}


def test_stopping_early_leaves_no_child_behind():
    result = in_fresh_python(SETUP + """
pieces = halves.in_two(items, make, "|")
first = [next(pieces), next(pieces)]
pieces.close()
try:
    left = os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    left = None
result = {"first": first == ["|".join(f"<{item}>" for item in block) for block in blocks[:2]], "left": left,
          "forked": forks}
""")
    assert result == {"first": True, "left": None, "forked": [True]}  # reaped: no child running, no zombie


def test_no_fork_with_another_thread_running_or_few_items():
    result = in_fresh_python(SETUP + """
few = list(halves.in_two(items[:9], make, "|"))
stop = threading.Event()
helper = threading.Thread(target=stop.wait)
helper.start()
busy = list(halves.in_two(items, make, "|"))
stop.set()
helper.join()
result = {"few": "|".join(few) == "|".join(f"<{item}>" for item in items[:9]), "busy": "|".join(busy) == expected,
          "forked": forks}
""")
    assert result == {"few": True, "busy": True, "forked": [False]}  # (asked for, not forked)


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


@pytest.mark.parametrize("fmt", ["sarif", "junit", "json"])
def test_reports_written_by_two_processes_are_the_reports_of_one(tmp_path, fmt):
    catalog = skolemized_catalog(tmp_path, 40)
    outputs = {}
    for name, threshold in (("two", 20), ("one", 10 ** 9)):
        out = tmp_path / f"{name}.{fmt}"
        result = in_fresh_python(f"""
halves.FORK_FROM = {threshold}
{COUNT_FORKS}
from ena_grunddata.commands.cli import main
try:
    code = main(["validate", {str(catalog)!r}, "--format", "{fmt}", "--output", {str(out)!r}])
except SystemExit as end:
    code = end.code
result = {{"code": code, "forks": forks}}
""")
        assert result["code"] == 1  # the catalog has defects: findings at or above --fail-on
        # the input's reader (fast_validate.ReadAhead) forks first; then the report's second half, or (few
        # findings) no child asked for
        assert result["forks"] == ([True, True] if name == "two" else [True])
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
