"""Cases 31-36 of security.md section 4: SHACL. Shapes come only from the package (and --shapes), never from data.

Each validation costs seconds with pyshacl, so these tests validate small graphs and as few times as they can.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, SH

from ena_grunddata import validate
from ena_grunddata.namespaces import ENA
from ena_grunddata.validation.profiles import load_shapes
from hostile_support import TURTLE, assert_no_traceback, connects, write
from httpserver import LocalServer

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DATA = TURTLE + """
<https://example.se/ds/2> a dcat:Dataset ; dcterms:description "Ingen titel"@sv .
<https://example.se/svc/1> a dcat:DataService ; dcterms:title "Tjänst"@sv .
"""


def findings_of(report) -> list[tuple]:
    return sorted((f.code, f.severity.label if hasattr(f.severity, "label") else str(f.severity), f.focus,
                   f.path or "", f.value or "") for f in report.findings)


@pytest.fixture(scope="module")
def shipped_shapes() -> Graph:
    return load_shapes().graph


def hostile_triples(shapes: Graph, onto_url: str) -> str:
    """owl:imports, a shape of the data's own, our shapes switched off, and a SPARQL constraint with SERVICE."""
    ours = sorted({s for s in shapes.subjects(ENA.code, None) if isinstance(s, URIRef)})
    assert ours, "the shipped shapes have named shapes with ena:code"
    lines = [f"<https://example.se/onto> a <{OWL.Ontology}> ; <{OWL.imports}> <{onto_url}> ."]
    lines += [f"<{shape}> <{SH.deactivated}> true ." for shape in ours]
    lines.append(f"""<https://example.se/evil> a <{SH.NodeShape}> ; <{SH.targetClass}> <{DCAT.Dataset}> ;
        <{SH.property}> [ <{SH.path}> <https://example.se/never> ; <{SH.minCount}> 1 ] ;
        <{SH.sparql}> [ <{SH.select}> "SELECT $this WHERE {{ SERVICE <{onto_url}> {{ ?s ?p ?o }} }}" ] .""")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("engine", ["auto", "pyshacl"])
def test_cases_31_32_33_data_cannot_import_add_or_switch_off_shapes(tmp_path, audit, shipped_shapes, engine):
    with LocalServer() as server:
        onto = server.url("/onto.ttl")
        server.add("/onto.ttl", TURTLE, content_type="text/turtle")
        plain = write(tmp_path, "plain.ttl", DATA)
        hostile = write(tmp_path, "hostile.ttl", DATA + hostile_triples(shipped_shapes, onto))
        expected = findings_of(validate([plain], engine=engine))
        got = findings_of(validate([hostile], engine=engine))
        assert server.count() == 0  # case 31: owl:imports in data never followed; case 33: SERVICE never run
    assert connects(audit) == []
    assert expected, "the plain data must have findings for the comparison to mean something"
    # case 33: the report about the datasets is the same; extra focus nodes (the ontology and shape nodes
    # themselves, typed in the data) may only add findings, never remove or hide ours
    about_datasets = [f for f in got if f[2].startswith("https://example.se/ds/") or f[2].startswith(
        "https://example.se/svc/")]
    assert about_datasets == expected
    assert not any(f[3] == "https://example.se/never" for f in got)


def test_case_32_shipped_shapes_import_nothing(shipped_shapes):
    """Nothing to resolve: no shipped shapes or vocabulary file has owl:imports (and the engine runs with
    do_owl_imports=False), so no flag can make validation fetch a shapes import."""
    assert list(shipped_shapes.triples((None, OWL.imports, None))) == []
    assert list(shipped_shapes.triples((None, SH.shapesGraph, None))) == []


QUANTIFIED_GROUP = re.compile(r"\(((?:[^()\\]|\\.)*)\)[+*{]")
QUANTIFIED_ATOM = re.compile(r"(?:\[(?:[^\]\\]|\\.)*\]|\\.|[^()\\])(?:[+*?]|\{\d*,?\d*\})\??")


def nested_quantifier(pattern: str) -> str | None:
    """A repeated group that can match in more than one way (nothing mandatory between its own repetitions):
    `(a+)+`, `(\\w+\\s?)*`. `(-[a-z]+)*` is safe: the `-` separates the repetitions."""
    for group in QUANTIFIED_GROUP.finditer(pattern):
        inner = group.group(1).lstrip("?:")
        if inner and QUANTIFIED_ATOM.search(inner) and not QUANTIFIED_ATOM.sub("", inner).strip("|^$"):
            return group.group(0)
    return None
ADVERSARIAL = ["a" * 10_000 + "!", "0" * 10_000 + "!", " " * 10_000 + "!", "-" * 10_000 + "!", "a-" * 5_000 + "!",
               "1." * 5_000 + "!", "/" * 10_000 + "\n", "@" * 10_000, "http://" + "a" * 10_000 + " "]


def test_case_34_shipped_patterns_have_no_nested_quantifiers_and_are_fast(shipped_shapes):
    patterns = {str(p): str(flags) if flags else "" for s, p in
                ((s, p) for s, p in shipped_shapes.subject_objects(SH.pattern))
                for flags in [shipped_shapes.value(s, SH.flags)]}
    for pattern, flags in patterns.items():
        assert not nested_quantifier(pattern), f"nested quantifier (ReDoS risk): {pattern}"
        compiled = re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
        for text in ADVERSARIAL:
            started = time.perf_counter()
            compiled.search(text)
            assert time.perf_counter() - started < 0.1, f"{pattern} took too long on an adversarial literal"


def test_case_34_the_lint_catches_the_classic_redos_pattern():
    for risky in ("^(a+)+$", "^(\\w+\\s?)*$", "([a-z0-9]*)*@", "^(?:[0-9]{1,3})+x$"):
        assert nested_quantifier(risky), risky
    for safe in ("^[a-z]+(-[a-z0-9]+)*$", "^([a-z]*\\.)*x$", "^(ab)+$", "^https?://\\S+$"):
        assert not nested_quantifier(safe), safe


def many_datasets(count: int) -> str:
    """`count` datasets of 9 triples each (security.md measured 10k datasets, 90k triples: 11.7 s, 283 MiB)."""
    lines = [TURTLE.split("\n\n")[0], ""]
    for i in range(count):
        lines.append(f'<https://example.se/ds/{i}> a dcat:Dataset ; dcterms:title "Data {i}"@sv, "Data {i}"@en ; '
                     f'dcterms:description "Beskrivning {i}"@sv ; dcat:keyword "k{i}"@sv ; dcterms:identifier "{i}" ; '
                     '<http://www.w3.org/ns/dcat#theme> <http://publications.europa.eu/resource/authority/data-theme/TRAN> ; '
                     f'dcterms:issued "2024-01-01" ; dcterms:publisher <https://example.se/org> .')
    return "\n".join(lines) + "\n"


def test_case_35_ten_thousand_datasets_within_budget_and_capped_output(tmp_path, cli_process):
    """Budget documented in SECURITY.md: 10,000 datasets (90k triples) in under 60 s and 1 GiB (measured about
    13 s on 2 busy vCPUs with the default engine). --max-findings caps the list and says how many more there are."""
    path = write(tmp_path, "many.ttl", many_datasets(10_000))
    run = cli_process("validate", "--max-findings", 5, path, timeout=120)
    assert run.exit_code == 1, run.stderr
    assert_no_traceback(run)
    assert run.seconds < 60, run.seconds
    assert run.peak_rss_mib < 1024, run.peak_rss_mib
    assert re.search(r"… [\d,]+ more findings not shown", run.stdout), run.stdout[-500:]
    shown = [line for line in run.stdout.splitlines() if re.match(r"\s+(violation|warning|info)\s", line)]
    assert 0 < len(shown) <= 5


def test_case_36_findings_exit_1_with_a_clean_machine_readable_stdout(tmp_path, cli_run):
    data = write(tmp_path, "bad.ttl", DATA + '<https://example.se/ds/3> a dcat:Dataset ; dcterms:issued '
                                             '"yes"^^<http://www.w3.org/2001/XMLSchema#date> .\n')
    run = cli_run("validate", "-f", "json", data)
    assert run.exit_code == 1
    assert run.stderr == ""
    report = json.loads(run.stdout)  # nothing but the report on stdout
    assert report["conforms"] is False and report["findings"]
    target = tmp_path / "report.json"
    run = cli_run("validate", "-f", "json", "-o", target, data)
    assert run.exit_code == 1 and run.stdout == "" and run.stderr == ""
    assert json.loads(target.read_text(encoding="utf-8")) == report
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
