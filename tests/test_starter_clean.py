"""The starter of `init --domain X` ends clean (issue 17, point 3).

For every domain in the registry: replace the TODOs with plausible values, validate, and expect no violation and no
warning except those the starter itself marks as honestly not applicable with a suppression comment
(`# ena-grunddata: ignore[CODE] reason`) directly above, or inside, the resource they concern.
"""

from __future__ import annotations

import json
import re

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from ena_grunddata.namespaces import GRUNDDATA_SCHEME
from ena_grunddata.validation.profiles import builtin_vocabularies

SUPPRESSION = re.compile(r"^(\s*)# ena-grunddata: ignore\[([A-Z0-9-]+)\] (\S.*)$")


def registry_domains() -> list[str]:
    vocabulary = builtin_vocabularies()
    return sorted(str(vocabulary.value(c, SKOS.notation))
                  for c in vocabulary.subjects(SKOS.inScheme, URIRef(GRUNDDATA_SCHEME)))


def test_the_registry_has_the_five_domains_of_diggs_framework():
    # Digg's framework names five base-data domains (person, business, real property and geography, transport,
    # health and social care): the parametrised test below must cover them all.
    assert len(registry_domains()) == 5


def plausible(text: str) -> str:
    """What a domain owner writes over each TODO: the example after "TODO: ", and real-looking addresses."""
    text = text.replace("TODO@TODO.se", "oppnadata@myndigheten.se")
    text = text.replace("TODO: ", "")
    text = text.replace("TODO.se", "myndigheten.se").replace("/TODO", "/grunddata")
    return text


def suppressions(text: str) -> dict[str, int]:
    """code -> line of its suppression comment (each comment must give a reason)."""
    found = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = SUPPRESSION.match(line)
        if match:
            assert len(match.group(3)) > 15, f"line {number}: a suppression needs a reason: {line}"
            found[match.group(2)] = number
    return found


def marks(lines: list[str], comment: int, line: int) -> bool:
    """Whether the comment on line `comment` is about the resource whose key is on line `line`: directly above that
    key (only blank lines and comments between), or inside its block (lines indented deeper than the key)."""
    if comment < line:
        return all(not text.strip() or text.lstrip().startswith("#") for text in lines[comment:line - 1])
    depth = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    return all(not text.strip() or len(text) - len(text.lstrip()) > depth for text in lines[line:comment])


@pytest.mark.parametrize("domain", registry_domains())
def test_the_starter_with_its_todos_replaced_has_only_the_warnings_it_marks_not_applicable(run_cli, tmp_path, domain):
    starter = tmp_path / "katalog.yaml"
    assert run_cli("init", "--domain", domain, "-o", starter).exit_code == 0
    text = plausible(starter.read_text(encoding="utf-8"))
    code_lines = [line.split("#", 1)[0] for line in text.splitlines()]
    assert not any("TODO" in line for line in code_lines), "a TODO outside comments was not replaced"
    starter.write_text(text, encoding="utf-8")
    marked = suppressions(text)
    assert marked, "the starter marks the honest not-applicable cases"

    result = run_cli("validate", starter, "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    assert report["summary"]["violation"] == 0, [f["code"] for f in report["findings"]]
    warnings = [f for f in report["findings"] if f["severity"] == "warning"]
    assert {f["code"] for f in warnings} <= set(marked), [f["code"] for f in warnings]
    lines = text.splitlines()
    for finding in warnings:  # every warning is marked inside the block of the resource it is about
        assert finding["source"] == str(starter) and finding["line"], finding
        assert marks(lines, marked[finding["code"]], finding["line"]), finding
    assert not [f for f in report["findings"] if f["source"] is None], "every finding has a file"


@pytest.mark.parametrize("domain", ["foretag", "person"])
def test_the_filled_starter_describes_to_rdf_that_validates_without_violations(run_cli, tmp_path, domain):
    starter = tmp_path / "katalog.yaml"
    assert run_cli("init", "--domain", domain, "-o", starter).exit_code == 0
    starter.write_text(plausible(starter.read_text(encoding="utf-8")), encoding="utf-8")
    rdf = tmp_path / "katalog.ttl"
    assert run_cli("describe", starter, "-o", rdf, "--format", "turtle").exit_code == 0
    result = run_cli("validate", rdf, "--format", "json")
    assert json.loads(result.stdout)["summary"]["violation"] == 0
    assert "foaf:Document" in rdf.read_text(encoding="utf-8")  # the page the service links to is described


def test_page_refers_to_a_documents_key_or_an_iri(tmp_path):
    from ena_grunddata.description.api import build_text
    from ena_grunddata.namespaces import DCTERMS, FOAF

    text = ("base: https://data.example.se/\n"
            "documents:\n  guide:\n    id: https://example.se/guide\n    title: {sv: Guide, en: Guide}\n"
            "services:\n  api:\n    title: {sv: API}\n    endpoint_url: https://api.example.se/\n"
            "    page: [guide, https://example.se/other]\n")
    outcome = build_text("k.yaml", text)
    api = URIRef("https://data.example.se/services/api")
    assert set(outcome.built.graph.objects(api, FOAF.page)) == {URIRef("https://example.se/guide"),
                                                                URIRef("https://example.se/other")}
    assert outcome.built.graph.value(URIRef("https://example.se/guide"), DCTERMS.title) is not None
    assert not [f for f in outcome.findings if f.code == "SCHEMA-REFERENCE"]
    wrong = build_text("k.yaml", text.replace("page: [guide,", "page: [gide,"))
    assert [(f.code, f.line) for f in wrong.findings if f.code == "SCHEMA-REFERENCE"] == [("SCHEMA-REFERENCE", 10)]
