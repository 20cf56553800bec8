"""Exact lines over a family of Turtle and RDF/XML layouts: the line SARIF and JUnit give a finding is the line the
file writes the offending property on, for the resource the finding is about.

The catalogs are generated (seeded) with what makes the line hard to find: nodes nested in a dataset's block
(Turtle [ … ] on one line or several; RDF/XML node elements or rdf:parseType="Resource" inside property elements,
datasets nested in the catalog's element or beside it) that write the same property as the dataset, literals in
every quoting (Turtle's long ones over several lines, some of those lines at the left margin; CDATA) with brackets
and property names in them, and comments that name the property. Each dataset or nested distribution has at most one
title written as an IRI (a violation: a title is text); the generator writes down the line of each such title as it
writes it, and that is the expected line, worked out without the tool.
"""

from __future__ import annotations

import json
import random
from xml.etree import ElementTree as ET

import pytest

PREFIXES = ("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
            "PREFIX ex: <https://e.se/>\n")
DATASET_RULE, DISTRIBUTION_RULE = "SE-DATASET-TITLE-TEXT", "SE-DISTRIBUTION-TITLE-TEXT"


class Writer:
    """Lines of a Turtle file, numbered as they are written."""

    def __init__(self):
        self.lines = PREFIXES.splitlines()

    def add(self, text: str) -> int:
        """Add `text` (one or more lines); the number of its first line."""
        number = len(self.lines) + 1
        self.lines += text.split("\n")
        return number

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def description(rng: random.Random) -> str:
    """A description that writes brackets, quotes and a property name inside its literal."""
    return rng.choice([
        'dcterms:description "Data (see 1) and [notes] dcterms:title"@sv',
        "dcterms:description 'its ( too, \"dcterms:title\" ['@en",
        'dcterms:description """Data (see\nlist 1) and [notes\n    dcterms:title <https://e.se/x> ;\n"""@sv',
        "dcterms:description '''one ( line ] only'''@en",
        'dcterms:description """\ndcterms:title at the margin ( [\n    ] )"""@sv , "kort"@sv',
    ])


def distribution(rng: random.Random, writer: Writer, index: int, titled: bool, bad: bool, expected: list) -> None:
    """A nested distribution (the part after `dcat:distribution`), on one line or several."""
    title = f"dcterms:title <https://e.se/bad-{index}>" if bad else 'dcterms:title "Fil"@sv'
    parts = ["a dcat:Distribution", f"dcat:accessURL <https://e.se/file-{index}>"] + ([title] if titled else [])
    rng.shuffle(parts)
    if rng.random() < 0.5:
        line = writer.add("    dcat:distribution [ " + " ; ".join(parts) + " ] ;")
        if bad:
            expected.append((DISTRIBUTION_RULE, line))
        return
    writer.add("    dcat:distribution [")
    for part in parts:
        line = writer.add(f"        {part} ;")
        if bad and part == title:
            expected.append((DISTRIBUTION_RULE, line))
    writer.add("    ] ;")


def catalog(seed: int, datasets: int = 40) -> tuple[str, dict]:
    """A catalog's text, and per focus IRI (or "nested" for a dataset's nested distributions) the expected lines."""
    rng = random.Random(seed)
    writer = Writer()
    expected: dict = {}
    for number in range(datasets):
        iri = f"https://e.se/ds-{number}"
        own: list = []
        nested: list = []
        writer.add("" if rng.random() < 0.7 else "# dcterms:title of the next dataset is checked")
        writer.add(f"<{iri}> a dcat:Dataset ;" if rng.random() < 0.5 else f"ex:ds-{number} a dcat:Dataset ;")
        bad_nested = rng.choice([None, *range(3)])  # which nested distribution's title is bad (if any)
        bad_own = rng.random() < 0.5
        steps = ["own", "description", "comment", *(f"dist-{k}" for k in range(rng.randint(0, 3)))]
        rng.shuffle(steps)
        titled = {step for step in steps if step.startswith("dist-") and (rng.random() < 0.3)}
        if bad_nested is not None and f"dist-{bad_nested}" in steps:
            titled = {f"dist-{bad_nested}"}  # one nested title only: the nested finding's line is exact
        for step in steps:
            if step == "own":
                title = f"dcterms:title <https://e.se/bad-title-{number}>" if bad_own else 'dcterms:title "D"@sv'
                line = writer.add(f"    {title} ;")
                if bad_own:
                    own.append((DATASET_RULE, line))
            elif step == "description":
                writer.add(f"    {description(rng)} ;")
            elif step == "comment":
                writer.add("    # dcterms:title comes later ( [")
            else:
                index = int(step.split("-")[1])
                distribution(rng, writer, number * 10 + index, step in titled,
                             bad_nested == index and step in titled, nested)
        writer.add("    dcterms:identifier \"d\" .")
        expected[iri] = own
        expected[f"nested {iri}"] = nested
    return writer.text(), expected


def expected_pairs(expected: dict) -> set:
    pairs = set()
    for key, found in expected.items():
        pairs.update(found)
    return pairs


@pytest.mark.parametrize("seed", range(4))
def test_every_title_finding_is_on_the_line_that_writes_that_title(run_cli, tmp_path, seed):
    check_title_lines(run_cli, tmp_path / "catalog.ttl", *catalog(seed))


@pytest.mark.parametrize("seed", range(4, 7))
def test_every_title_finding_in_a_trig_graph_is_on_the_line_that_writes_that_title(run_cli, tmp_path, seed):
    """The same catalogs as one TriG graph: every line after the prefixes indented inside the graph's braces (one
    line more before them), so a resource's block ends at the next resource of the graph."""
    text, expected = catalog(seed)
    head = len(PREFIXES.splitlines())
    lines = text.rstrip("\n").split("\n")
    graph = lines[:head] + ["<https://e.se/g> {"] + [f"  {line}" if line else line for line in lines[head:]] + ["}"]
    moved = {key: [(rule, line + 1) for rule, line in found] for key, found in expected.items()}
    check_title_lines(run_cli, tmp_path / "catalog.trig", "\n".join(graph) + "\n", moved)


def check_title_lines(run_cli, data, text: str, expected: dict) -> None:
    """Validate `text` (written to `data`) to SARIF: the title findings are exactly on the generator's lines."""
    data.write_text(text, encoding="utf-8")
    result = run_cli("validate", data, "--format", "sarif", "--fail-on", "info")
    assert result.exit_code == 1, result.output
    found = sorted((item["ruleId"], item["locations"][0]["physicalLocation"]["region"]["startLine"])
                   for item in json.loads(result.stdout)["runs"][0]["results"]
                   if item["ruleId"] in (DATASET_RULE, DISTRIBUTION_RULE))
    wanted = sorted(expected_pairs(expected))
    assert wanted, "the generator wrote no bad title"
    assert found == wanted


RDFXML_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
               '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
               '         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">')


def rdfxml_catalog(seed: int, datasets: int = 30) -> tuple[str, dict]:
    """As catalog, in RDF/XML: the datasets nested in the catalog's element or beside it."""
    rng = random.Random(seed)
    writer = Writer()
    writer.lines = RDFXML_HEAD.split("\n")
    expected: dict = {}
    inside = rng.random() < 0.5  # the datasets inside the catalog's element
    writer.add('  <dcat:Catalog rdf:about="https://e.se/catalog">')
    if not inside:
        writer.add('    <dct:title xml:lang="sv">Katalog</dct:title>\n  </dcat:Catalog>')
    for number in range(datasets):
        found: list = []
        pad = "    " if inside else ""
        if inside:
            writer.add("    <dcat:dataset>")
        attributes = f'rdf:about="https://e.se/ds-{number}"'
        if rng.random() < 0.3:
            writer.add(f"{pad}  <dcat:Dataset\n{pad}      {attributes}>")
        else:
            writer.add(f"{pad}  <dcat:Dataset {attributes}>")
        bad_nested = rng.choice([None, *range(3)])
        steps = ["own", "description", "comment", *(f"dist-{k}" for k in range(rng.randint(0, 3)))]
        rng.shuffle(steps)
        for step in steps:
            if step == "own":
                bad = rng.random() < 0.5
                line = writer.add(f'{pad}    <dct:title rdf:resource="https://e.se/bad-{number}"/>' if bad
                                  else f'{pad}    <dct:title xml:lang="sv">D</dct:title>')
                if bad:
                    found.append((DATASET_RULE, line))
            elif step == "description":
                writer.add(f"{pad}    <dct:description><![CDATA[ <dct:title> ( [ ]]></dct:description>")
            elif step == "comment":
                writer.add(f'{pad}    <!-- <dct:title rdf:resource="x"/> -->')
            else:
                index = int(step.split("-")[1])
                bad = bad_nested == index
                title = (f'<dct:title rdf:resource="https://e.se/bad-{number}-{index}"/>' if bad
                         else "")  # only the bad one writes a title: the nested finding's line is exact
                if rng.random() < 0.5:
                    writer.add(f"{pad}    <dcat:distribution>\n{pad}      <dcat:Distribution>")
                    inner, close = f"{pad}        ", f"{pad}      </dcat:Distribution>\n{pad}    </dcat:distribution>"
                else:
                    writer.add(f'{pad}    <dcat:distribution rdf:parseType="Resource">')
                    writer.add(f'{pad}      <rdf:type rdf:resource="http://www.w3.org/ns/dcat#Distribution"/>')
                    inner, close = f"{pad}      ", f"{pad}    </dcat:distribution>"
                writer.add(f'{inner}<dcat:accessURL rdf:resource="https://e.se/file-{number}-{index}"/>')
                if title:
                    line = writer.add(f"{inner}{title}")
                    found.append((DISTRIBUTION_RULE, line))
                writer.add(close)
        writer.add(f"{pad}  </dcat:Dataset>")
        if inside:
            writer.add("    </dcat:dataset>")
        expected[f"https://e.se/ds-{number}"] = found
    if inside:
        writer.add('    <dct:title xml:lang="sv">Katalog</dct:title>\n  </dcat:Catalog>')
    writer.add("</rdf:RDF>")
    return writer.text(), expected


@pytest.mark.parametrize("seed", range(4))
def test_every_title_finding_in_rdfxml_is_on_the_line_that_writes_that_title(run_cli, tmp_path, seed):
    check_title_lines(run_cli, tmp_path / "catalog.rdf", *rdfxml_catalog(seed))


def test_junit_cases_have_the_same_lines(run_cli, tmp_path):
    text, expected = catalog(11)
    data = tmp_path / "catalog.ttl"
    data.write_text(text, encoding="utf-8")
    result = run_cli("validate", data, "--format", "junit", "--fail-on", "info")
    found = sorted((case.get("name").split(" ")[0], int(case.get("line")))
                   for case in ET.fromstring(result.stdout.encode()).iter("testcase")
                   if case.get("name", "").startswith((DATASET_RULE + " ", DISTRIBUTION_RULE + " ")))
    assert found == sorted(expected_pairs(expected))
