"""The description format: YAML/JSON -> RDF (golden graphs), RDF -> YAML -> RDF (every example catalog and Digg's),
schema errors at exact lines with suggestions, identifiers written back, init, schema, and validate on YAML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from rdflib import Graph
from rdflib.compare import isomorphic

from ena_grunddata.description import api
from ena_grunddata.description.schema import base_schema, shipped_schema
from ena_grunddata.load import load
from ena_grunddata.validation.pipeline import validate

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden" / "describe"
RDF_SUFFIXES = (".ttl", ".rdf", ".jsonld", ".nt", ".nq", ".trig")


def example_catalogs() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.suffix in RDF_SUFFIXES)


def round_trip(graph: Graph, *, as_json=False) -> Graph:
    data = api.describe_graph(graph)
    text = json.dumps(data, ensure_ascii=False) if as_json else api.dump_yaml(data)
    outcome = api.build_text("round-trip.json" if as_json else "round-trip.yaml", text)
    assert outcome.findings == [], [api.error_line(f) for f in outcome.findings]
    return outcome.built.graph


# ------------------------------------------------------------------------------------------------ YAML -> RDF


def test_golden_minimal_description_gives_the_expected_graph():
    outcome = api.build_text("minimal.yaml", (GOLDEN / "minimal.yaml").read_text(encoding="utf-8"))
    assert outcome.findings == []
    assert isomorphic(outcome.built.graph, Graph().parse(GOLDEN / "minimal.ttl"))


@pytest.mark.parametrize("name", ["foretag-bolagsverket", "person-navet"])
def test_description_examples_equal_their_turtle_twins(name):
    outcome = api.build_text(name, (EXAMPLES / "describe" / f"{name}.yaml").read_text(encoding="utf-8"))
    assert outcome.findings == []
    expected = load([str(EXAMPLES / "grunddata" / "valid" / f"{name}.ttl")]).graph
    assert isomorphic(outcome.built.graph, expected)


# ------------------------------------------------------------------------------------------------ RDF -> YAML -> RDF


@pytest.mark.parametrize("path", example_catalogs(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_every_example_catalog_survives_rdf_yaml_rdf(path):
    graph = load([str(path)]).graph
    assert isomorphic(round_trip(graph), graph)


def test_json_descriptions_round_trip_too():
    graph = load([str(EXAMPLES / "grunddata" / "valid" / "foretag-bolagsverket.ttl")]).graph
    assert isomorphic(round_trip(graph, as_json=True), graph)


def test_digg_examples_survive_rdf_yaml_rdf(shared_dir):
    folder = shared_dir / "reference" / "dcat-ap-se" / "examples"
    files = sorted(folder.glob("*.*"))
    assert len(files) >= 4
    for path in files:
        graph = load([str(path)]).graph
        assert isomorphic(round_trip(graph), graph), path.name


def test_what_the_format_cannot_say_is_kept_under_extra():
    graph = Graph().parse(data="""
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
        <https://x.se/ds> a dcat:Dataset ; dcterms:title "T"@sv, "plain" ; <https://x.se/own#p> [ <https://x.se/own#q> 1 ] ;
            dcterms:temporal _:p .
        _:p a dcterms:PeriodOfTime ; dcat:startDate "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
            <https://x.se/own#note> "kept" .
        """, format="turtle")
    data = api.describe_graph(graph)
    assert data["datasets"]["ds"]["title"] == {"sv": "T"}
    assert any('"plain"' in line for line in data["extra"])
    period = data["datasets"]["ds"]["temporal"][0]
    assert period["id"].startswith("_:") and period["start"] == "2020-01-01"
    assert any(line.startswith(period["id"] + " <https://x.se/own#note>") for line in data["extra"])
    assert isomorphic(round_trip(graph), graph)


# ------------------------------------------------------------------------------------------------ schema errors

BROKEN = """\
catalog:
  id: https://x.se/catalog
  titel: {sv: Katalog}
  publisher: myndigheten
datasets:
  ds:
    id: https://x.se/ds
    title: {sv: Data}
    theme: TRAM
    access: publik
    frequency: dailyy
    issued: 2024-13
    contact_point: kontakt
    distributions:
      - access_url: not an iri
        format: textcsv
agents:
  myndigheten: {orgnr: "202100-5489", name: {sv: M}, type: national-authority}
"""


def test_schema_errors_are_all_reported_with_line_column_path_and_suggestion():
    outcome = api.build_text("broken.yaml", BROKEN)
    got = {(f.code, f.line, column, f.focus, f.value, suggestion) for f, column, suggestion in outcome.problems}
    assert got == {
        ("SCHEMA-UNKNOWN-KEY", 3, 3, "$.catalog.titel", "titel", "title"),
        ("SCHEMA-VALUE", 9, 12, "$.datasets.ds.theme", "TRAM", "TRAN"),
        ("SCHEMA-VALUE", 10, 13, "$.datasets.ds.access", "publik", "public"),
        ("SCHEMA-VALUE", 11, 16, "$.datasets.ds.frequency", "dailyy", "daily"),
        ("SCHEMA-PATTERN", 12, 13, "$.datasets.ds.issued", "2024-13", None),
        ("SCHEMA-REFERENCE", 13, 20, "$.datasets.ds.contact_point", "kontakt", None),
        ("SCHEMA-PATTERN", 15, 21, "$.datasets.ds.distributions[0].access_url", "not an iri", None),
        ("SCHEMA-PATTERN", 16, 17, "$.datasets.ds.distributions[0].format", "textcsv", "text/csv"),
    }
    assert all(f.severity.label == "violation" and f.source == "broken.yaml" for f in outcome.findings)
    assert outcome.findings[0].message("sv").startswith("okänd nyckel 'titel'")


def test_a_reference_typo_gets_the_nearest_key():
    text = BROKEN.replace("contact_point: kontakt", "publisher: myndigheten2")
    finding = next(f for f in api.build_text("b.yaml", text).findings if f.code == "SCHEMA-REFERENCE")
    assert finding.line == 13 and "did you mean 'myndigheten'" in finding.message()


def test_describe_cli_lists_every_problem_and_writes_nothing(run_cli, tmp_path):
    source = tmp_path / "broken.yaml"
    source.write_text(BROKEN, encoding="utf-8")
    output = tmp_path / "out.rdf"
    result = run_cli("describe", source, "-o", output)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (f"error: {source}:3:3: $.catalog.titel: unknown key 'titel' (did you mean 'title'?)")
    assert lines[-1] == f"8 error(s), {len(lines) - 9} warning(s); nothing written"
    assert not output.exists()
    assert source.read_text(encoding="utf-8") == BROKEN


def test_unparsable_yaml_is_an_input_error_with_line_and_column(run_cli, tmp_path):
    source = tmp_path / "bad.yaml"
    source.write_text("catalog:\n  title: {sv: x\n  id: y\n", encoding="utf-8")
    result = run_cli("describe", source)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {source}:3:")
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------------------------------------ identifiers

AUTHORED = """\
# Our catalogue (a comment that must survive)
base: https://data.example.se/
catalog:
  title: {sv: K, en: C}   # inline comment
  publisher: m
agents:
  m: {orgnr: "202100-5489", name: {sv: M}}
datasets:
  a:
    # the first dataset
    title: {sv: A}

  b:
    title: {sv: B}
    identifier: fixed-id
"""


def test_describe_mints_identifiers_once_and_keeps_the_rest_of_the_file(run_cli, tmp_path):
    source = tmp_path / "k.yaml"
    source.write_text(AUTHORED, encoding="utf-8")
    first = run_cli("describe", source, "--format", "turtle")
    assert first.exit_code == 0, first.stderr
    updated = source.read_text(encoding="utf-8")
    added = [line for line in updated.splitlines() if line not in AUTHORED.splitlines()]
    assert len(added) == 1 and added[0].startswith("    identifier: ")
    assert updated.replace(added[0] + "\n", "") == AUTHORED  # nothing else changed
    second = run_cli("describe", source, "--format", "turtle")
    assert second.exit_code == 0 and source.read_text(encoding="utf-8") == updated
    assert isomorphic(Graph().parse(data=first.stdout, format="turtle"),
                      Graph().parse(data=second.stdout, format="turtle"))
    assert "fixed-id" in second.stdout


def test_identifiers_are_written_back_into_json_too(run_cli, tmp_path):
    source = tmp_path / "k.json"
    data = {"base": "https://data.example.se/", "datasets": {"a": {"title": {"sv": "A"}}}}
    source.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert run_cli("describe", source, "-o", tmp_path / "k.rdf").exit_code == 0
    written = json.loads(source.read_text(encoding="utf-8"))
    assert written["datasets"]["a"]["title"] == {"sv": "A"}
    assert len(written["datasets"]["a"]["identifier"]) == 36


def test_no_write_back_derives_stable_identifiers_from_the_iri(run_cli, tmp_path):
    source = tmp_path / "k.yaml"
    source.write_text(AUTHORED, encoding="utf-8")
    runs = [run_cli("describe", source, "--no-write-back", "--format", "turtle") for _ in range(2)]
    assert source.read_text(encoding="utf-8") == AUTHORED
    assert runs[0].stdout == runs[1].stdout and "dcterms:identifier" in runs[0].stdout


# ------------------------------------------------------------------------------------------------ init, validate


def fill_in(text: str) -> str:
    return text.replace("TODO: ", "").replace("TODO", "example")


def test_init_for_foretag_filled_in_validates_without_violations_and_so_does_its_rdf(run_cli, tmp_path):
    starter = tmp_path / "katalog.yaml"
    assert run_cli("init", "--domain", "foretag", "-o", starter).exit_code == 0
    text = starter.read_text(encoding="utf-8")
    assert "orgnr: \"202100-5489\"" in text and "domain: foretag" in text and "TODO" in text
    starter.write_text(fill_in(text), encoding="utf-8")
    report = validate([str(starter)])
    assert report.summary["violation"] == 0, [f.code for f in report.findings]
    rdf = tmp_path / "katalog.rdf"
    result = run_cli("describe", starter, "-o", rdf)
    assert result.exit_code == 0, result.stderr
    assert validate([str(rdf)]).summary["violation"] == 0


def test_init_refuses_an_unknown_domain_and_an_existing_file(run_cli, tmp_path):
    result = run_cli("init", "--domain", "foretg")
    assert result.exit_code == 2 and "unknown domain 'foretg'" in result.stderr
    existing = tmp_path / "x.yaml"
    existing.write_text("keep", encoding="utf-8")
    assert run_cli("init", "-o", existing).exit_code == 2
    assert existing.read_text(encoding="utf-8") == "keep"


def test_validate_points_shacl_findings_at_the_yaml_line(tmp_path):
    source = tmp_path / "k.yaml"
    source.write_text(AUTHORED.replace("    title: {sv: B}\n", ""), encoding="utf-8")
    report = validate([str(source)], profiles=["dcat-ap-se"])
    missing = [f for f in report.findings if f.code == "SE-DATASET-TITLE-MISSING"]
    assert [(f.focus, f.source, f.line) for f in missing] == [("https://data.example.se/datasets/b", str(source), 13)]


def test_validate_reports_schema_findings_and_shacl_findings_together(tmp_path):
    source = tmp_path / "k.yaml"
    source.write_text(AUTHORED.replace("title: {sv: A}", "titel: {sv: A}"), encoding="utf-8")
    report = validate([str(source)], profiles=["dcat-ap-se"])
    codes = {(f.code, f.line) for f in report.findings}
    assert ("SCHEMA-UNKNOWN-KEY", 11) in codes
    assert ("SE-DATASET-TITLE-MISSING", 9) in codes


def test_folders_pick_up_descriptions_but_not_other_yaml(tmp_path):
    (tmp_path / "manifest.yaml").write_text("examples:\n  a.ttl: []\n", encoding="utf-8")
    (tmp_path / "k.yaml").write_text(AUTHORED, encoding="utf-8")
    assert api.looks_like_description_file(tmp_path / "k.yaml")
    assert not api.looks_like_description_file(tmp_path / "manifest.yaml")
    assert load([str(tmp_path)]).sources == [str(tmp_path / "k.yaml")]


# ------------------------------------------------------------------------------------------------ schema, --from-rdf


def test_schema_command_prints_a_valid_schema_with_code_lists(run_cli):
    result = run_cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    frequency = schema["$defs"]["Dataset"]["properties"]["frequency"]["anyOf"][0]
    assert "daily" in frequency["enum"]


def test_shipped_schema_is_the_generated_one_and_every_property_has_bilingual_help():
    assert shipped_schema() == base_schema(), "regenerate: ena-grunddata schema is built from description/model.py"
    for definition in base_schema()["$defs"].values():
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("title") and prop.get("description") and prop.get("x-description-sv"), name


def test_from_rdf_writes_yaml_or_json_that_builds_the_same_graph(run_cli, tmp_path):
    source = EXAMPLES / "grunddata" / "valid" / "person-navet.ttl"
    for name in ("back.yaml", "back.json"):
        output = tmp_path / name
        result = run_cli("describe", "--from-rdf", source, "-o", output)
        assert result.exit_code == 0, result.stderr
        rdf = run_cli("describe", output, "--format", "turtle", "--no-write-back")
        assert isomorphic(Graph().parse(data=rdf.stdout, format="turtle"), load([str(source)]).graph)
    assert yaml.safe_load((tmp_path / "back.yaml").read_text(encoding="utf-8"))["datasets"]


def test_the_readme_example_builds_without_problems():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: describe -->")[1]
    example = section.split("```yaml\n")[1].split("```")[0]
    outcome = api.build_text("README.md", example)
    assert [api.error_line(f) for f in outcome.findings] == []
    assert (None, None, None) != next(iter(outcome.built.graph))


@pytest.mark.parametrize("fmt", ["rdfxml", "turtle", "jsonld"])
def test_describe_writes_each_rdf_format_with_the_same_graph(run_cli, tmp_path, fmt):
    source = EXAMPLES / "describe" / "person-navet.yaml"
    output = tmp_path / "out"
    result = run_cli("describe", source, "--format", fmt, "-o", output, "--no-write-back")
    assert result.exit_code == 0, result.stderr
    expected = load([str(EXAMPLES / "grunddata" / "valid" / "person-navet.ttl")]).graph
    assert isomorphic(load([str(output)], input_format=fmt).graph, expected)


def test_validate_vocabulary_adds_codes_that_description_files_may_use(tmp_path):
    vocabulary = tmp_path / "domains.ttl"
    vocabulary.write_text("""
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://www.dataportal.se/terminology/grunddata/utbildning> a skos:Concept ;
            skos:inScheme <https://www.dataportal.se/terminology/grunddata> ;
            skos:prefLabel "Utbildning"@sv, "Education"@en ; skos:notation "utbildning" .
        """, encoding="utf-8")
    source = tmp_path / "k.yaml"
    source.write_text(AUTHORED.replace("title: {sv: A}", "title: {sv: A}\n    domain: utbildning"), encoding="utf-8")
    codes = lambda report: {f.code for f in report.findings}  # noqa: E731
    assert "SCHEMA-VALUE" in codes(validate([str(source)], profiles=["dcat-ap-se"]))
    with_vocabulary = validate([str(source)], profiles=["dcat-ap-se"], vocabularies=[str(vocabulary)])
    assert "SCHEMA-VALUE" not in codes(with_vocabulary)


def test_every_key_has_a_swedish_title():
    from ena_grunddata.description.model import KINDS
    from ena_grunddata.description.schema import TITLES_SV

    assert {f.key for kind in KINDS.values() for f in kind.fields} <= set(TITLES_SV)


def test_write_back_keeps_windows_line_endings_and_refuses_shared_aliases(tmp_path):
    crlf = AUTHORED.replace("\n", "\r\n")
    outcome = api.build_text("k.yaml", crlf, mint=lambda path, node: "new-id")
    updated = api.text_with_identifiers(outcome)
    assert "    identifier: new-id\r\n" in updated and "\n" not in updated.replace("\r\n", "")
    shared = "base: https://x.se/\ndatasets:\n  a: &same\n    title: {sv: A}\n  b: *same\n"
    outcome = api.build_text("k.yaml", shared, mint=lambda path, node: "new-id")
    assert len(outcome.built.minted) == 2 and api.text_with_identifiers(outcome) is None


def test_values_the_schema_would_refuse_go_to_extra_so_the_yaml_stays_valid():
    graph = Graph().parse(data="""
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://x.se/ds> a dcat:Dataset ; dcterms:title "T"@x-private ; dcterms:issued "2020-01-01Z"^^xsd:date ;
            dcat:spatialResolutionInMeters "1e5"^^xsd:decimal ; dcat:distribution <https://x.se/d> .
        <https://x.se/d> a dcat:Distribution ; dcterms:format "CSV" ; dcat:accessURL <https://x.se/a> ;
            dcat:byteSize "+5"^^xsd:nonNegativeInteger .
        """, format="turtle")
    data = api.describe_graph(graph)
    assert "format" not in data["datasets"]["ds"]["distributions"][0]
    assert len(data["extra"]) == 4
    assert isomorphic(round_trip(graph), graph)


REAL_WORLD = ["arbetsformedlingen-jobtechdev-af_dcat.rdf", "civictechsweden-civictech.se-dcat-ap.rdf",
              "civictechsweden-oppna-luftfartygsregistret-dcat-ap.rdf", "mansmeg-swedishpolls-dcat-ap.rdf",
              "openumea-rdftohtml-dcat.rdf", "openumea-rdftohtml-opennorth.rdf", "openumea-rdftohtml-sgu.rdf",
              "raa-soch-dcat-ap-maquette.ttl", "sambruk-open-meal-dataprovider-dcat-ap-example.rdf",
              "sambruk-open-meal-datasets-dcat.rdf", "scb-dataportalxml-dcat-ap20240403.xml",
              "scb-dataportalxml-demo-dcat-ap.xml"]


def test_real_swedish_catalogs_survive_rdf_yaml_rdf(shared_dir):
    for name in REAL_WORLD:
        path = shared_dir / "reference" / "realworld" / name
        graph = load([str(path)], input_format="rdfxml" if name.endswith(".xml") else None).graph
        assert isomorphic(round_trip(graph), graph), name


def test_placeholders_left_from_init_are_warnings_at_their_lines(run_cli, tmp_path):
    starter = tmp_path / "katalog.yaml"
    run_cli("init", "--domain", "foretag", "-o", starter)
    lines = starter.read_text(encoding="utf-8").splitlines()
    outcome = api.build_text("katalog.yaml", "\n".join(lines) + "\n")
    placeholders = [f for f in outcome.findings if f.code == "SCHEMA-PLACEHOLDER"]
    assert placeholders and all(f.severity.label == "warning" for f in placeholders)
    assert all("TODO" in lines[f.line - 1] for f in placeholders)
    assert [f.code for f in outcome.findings if f.severity.label == "violation"] == ["SCHEMA-PATTERN"]  # the date


def test_an_agent_with_more_identifiers_than_its_orgnr_keeps_them_all():
    graph = Graph().parse(data="""
        @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix dcterms: <http://purl.org/dc/terms/> .
        <http://dataportal.se/organisation/SE2021005489> a foaf:Organization ;
            dcterms:identifier "2021005489", "SE2021005489" .
        <http://dataportal.se/organisation/SE2021005448> a foaf:Organization ; dcterms:identifier "2021005448" .
        """, format="turtle")
    agents = api.describe_graph(graph)["agents"]
    assert sorted(a.get("orgnr", "-") for a in agents.values()) == ["-", "2021005448"]
    assert isomorphic(round_trip(graph), graph)


def test_json_ld_given_to_describe_points_to_from_rdf(run_cli, tmp_path):
    source = tmp_path / "catalog.json"
    source.write_text('{"@context": {}, "@graph": []}', encoding="utf-8")
    result = run_cli("describe", source)
    assert (result.exit_code, result.stderr) == (
        2, f"error: {source}: this is JSON-LD, not a description: read it with `describe --from-rdf`\n")
