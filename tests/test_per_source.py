"""Sources are validated one by one: results do not depend on how files are passed (README, `validate`)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import yaml

from ena_grunddata.namespaces import PREFIXES
from ena_grunddata.render.context import profile_of_codes

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.se/ns#> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path dcterms:title ; sh:minCount 1 ; sh:severity sh:Violation ; sh:message "No title."@en ] .
ex:PageShape a sh:NodeShape ; sh:targetObjectsOf ex:page ;
    sh:property [ sh:path dcterms:title ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "Page: no title."@en ] .
"""
PREFIX = "@prefix ex: <https://example.se/ns#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"


def expand(term):
    if term is None or "://" in str(term) or str(term).startswith(("_:", "mailto:", "urn:")):
        return term
    prefix, _, local = str(term).partition(":")
    return str(PREFIXES[prefix]) + local if prefix in PREFIXES else term


def test_validating_examples_as_a_whole_gives_the_union_of_the_manifests(run_cli):
    """Every manifest entry that names one file (no --domain variant) must hold inside `validate examples/`.

    The dcat-ap-se manifest judges its examples against the dcat-ap-se profile only, so findings of the
    grunddata profile on files in that folder are left out of the comparison (by the rule's profile, not its name).
    """
    expected = Counter()
    dcat_only = set()
    for manifest in sorted(EXAMPLES.glob("*/manifest.yaml")):
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        profiles = (data.get("defaults") or {}).get("profiles")
        for name, spec in data["examples"].items():
            spec = {"findings": spec} if isinstance(spec, list) or spec is None else spec
            if spec.get("sources") or spec.get("domain"):
                continue  # an option variant of a file listed on its own as well
            source = str((manifest.parent / name).relative_to(REPO))
            if profiles == ["dcat-ap-se"]:
                dcat_only.add(source)
            for entry in spec.get("findings") or []:
                code, severity, focus, path = (list(entry) + [None] * 4)[:4] if isinstance(entry, list) else (
                    entry["code"], entry["severity"], entry.get("focus"), entry.get("path"))
                focus = "_:" if str(focus).startswith("_:") else expand(focus)
                expected[(source, code, severity, focus, expand(path))] += 1
    profile_of = profile_of_codes()
    import os

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        result = run_cli("validate", "--format", "json", "examples/")
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.stderr
    actual = Counter()
    for finding in json.loads(result.stdout)["findings"]:
        if finding["source"] in dcat_only and profile_of.get(finding["code"]) == "grunddata":
            continue
        focus = "_:" if finding["focus"].startswith("_:") else finding["focus"]
        actual[(finding["source"], finding["code"], finding["severity"], focus, finding["path"])] += 1
    assert not (expected - actual) and not (actual - expected), (
        f"missing: {sorted(expected - actual)}\nunexpected: {sorted(actual - expected)}")


def test_two_files_give_the_findings_each_gives_alone(run_cli):
    one = EXAMPLES / "dcat-ap-se/invalid/smhi-cardinality.ttl"
    two = EXAMPLES / "dcat-ap-se/invalid/smhi-harvest-rules.ttl"

    def keys(*files):
        printed = json.loads(run_cli("validate", "--profile", "dcat-ap-se", "--format", "json", *files).stdout)
        return Counter((f["source"], f["code"], f["focus"] if not f["focus"].startswith("_:") else "_:", f["path"])
                       for f in printed["findings"])

    assert keys(one, two) == keys(one) + keys(two)
    assert keys(two, one) == keys(one) + keys(two)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(PREFIX + text, encoding="utf-8")
    return path


def test_merge_validates_all_sources_as_one_graph(run_cli, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    typed = write(tmp_path, "a.ttl", "<https://example.se/thing> a ex:Thing .\n")
    titled = write(tmp_path, "b.ttl", '<https://example.se/thing> dcterms:title "Ting"@sv .\n')

    def codes(*options):
        printed = json.loads(run_cli("validate", "--shapes", shapes, "--format", "json", *options,
                                     typed, titled).stdout)
        return [(f["focus"], f["message"], f["source"]) for f in printed["findings"]]

    # on its own, a.ttl describes a thing without a title; b.ttl alone is not a thing at all
    assert codes() == [("https://example.se/thing", "No title.", str(typed))]
    assert codes("--merge") == []


def test_a_folder_is_each_file_on_its_own(run_cli, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    folder = tmp_path / "data"
    folder.mkdir()
    write(folder, "a.ttl", "<https://example.se/thing> a ex:Thing .\n")
    write(folder, "b.ttl", '<https://example.se/thing> dcterms:title "Ting"@sv .\n')
    printed = json.loads(run_cli("validate", "--shapes", shapes, "--format", "json", folder).stdout)
    assert [(f["message"], Path(f["source"]).name) for f in printed["findings"]] == [("No title.", "a.ttl")]
    assert printed["sources"] == [str(folder / "a.ttl"), str(folder / "b.ttl")]


def test_an_unparsable_file_is_reported_after_the_others_with_exit_2(run_cli, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    good = write(tmp_path, "a.ttl", "<https://example.se/thing> a ex:Thing .\n")
    bad = tmp_path / "b.ttl"
    bad.write_text("<https://example.se/x> a \n", encoding="utf-8")
    later = write(tmp_path, "c.ttl", "<https://example.se/other> a ex:Thing .\n")
    result = run_cli("validate", "--shapes", shapes, "--format", "json", good, bad, later)
    assert result.exit_code == 2
    printed = json.loads(result.stdout)
    assert printed["sources"] == [str(good), str(later)]
    assert {f["source"] for f in printed["findings"]} == {str(good), str(later)}
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}:")


def test_with_merge_an_unparsable_file_stops_everything(run_cli, tmp_path):
    good = write(tmp_path, "a.ttl", "<https://example.se/thing> a ex:Thing .\n")
    bad = tmp_path / "b.ttl"
    bad.write_text("<https://example.se/x> a \n", encoding="utf-8")
    result = run_cli("validate", "--merge", good, bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {bad}:")


def test_a_focus_described_nowhere_points_at_the_statement_that_refers_to_it(run_cli, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    data = write(tmp_path, "a.ttl", '<https://example.se/thing> a ex:Thing ;\n'
                                    '    dcterms:title "Ting"@sv ;\n'
                                    '    ex:page <https://example.se/page> .\n')
    printed = json.loads(run_cli("validate", "--shapes", shapes, "--format", "json", data).stdout)
    page = [f for f in printed["findings"] if f["focus"] == "https://example.se/page"]
    assert [(f["source"], f["line"]) for f in page] == [(str(data), 5)]  # two @prefix lines, then line 3 of the body
    sarif = json.loads(run_cli("validate", "--shapes", shapes, "--format", "sarif", data).stdout)
    for result in sarif["runs"][0]["results"]:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("a.ttl")
    [page_result] = [r for r in sarif["runs"][0]["results"] if r["properties"]["focus"] == "https://example.se/page"]
    assert page_result["locations"][0]["physicalLocation"]["region"]["startLine"] == 5


def test_a_prefixed_reference_is_found_too(run_cli, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    data = write(tmp_path, "a.ttl", '@prefix p: <https://example.se/pages/> .\n'
                                    '<https://example.se/thing> a ex:Thing ; dcterms:title "T"@sv ;\n'
                                    '    ex:page p:start .\n')
    printed = json.loads(run_cli("validate", "--shapes", shapes, "--format", "json", data).stdout)
    page = [f for f in printed["findings"] if f["focus"] == "https://example.se/pages/start"]
    assert [f["line"] for f in page] == [5]


def test_when_no_source_can_be_read_there_is_no_report_only_one_line_each(run_cli, tmp_path):
    one, two = tmp_path / "a.ttl", tmp_path / "b.ttl"
    one.write_text("<https://example.se/x> a \n", encoding="utf-8")
    two.write_text("not turtle at all {\n", encoding="utf-8")
    extra = tmp_path / "report.md"
    result = run_cli("validate", one, two, "--report", f"markdown:{extra}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert not extra.exists()  # no report file either: it would say "conforms" of what was never read
    lines = result.stderr.splitlines()
    assert [line.split(":")[1].strip() for line in lines] == [str(one), str(two)]


def test_every_sarif_result_of_the_examples_and_the_starter_has_a_file_and_line(run_cli, tmp_path):
    """Point 2 of issue 14 as a family: every example, and the `init` starter (whose foaf:page documents are only
    referred to), give SARIF results that all carry a physical location with a line."""
    starter = tmp_path / "starter.yaml"
    assert run_cli("init", "--domain", "foretag", "-o", starter).exit_code == 0
    sarif = json.loads(run_cli("validate", "--no-config", "--format", "sarif", EXAMPLES, starter).stdout)
    results = sarif["runs"][0]["results"]
    assert len(results) > 100
    for result in results:
        physical = result["locations"][0].get("physicalLocation")
        assert physical and physical["artifactLocation"]["uri"] and physical["region"]["startLine"] >= 1, result
