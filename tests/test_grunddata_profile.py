"""The grunddata profile: the marker decides, the registry decides who may publish, and every rule is documented.

Validation is slow-ish (two profiles, SPARQL), so each test validates as few graphs as it can; the examples and their
exact findings are covered by tests/test_examples_manifest.py.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pyoxigraph
import pytest
import yaml
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SH, SKOS

from ena_grunddata import UsageError, validate_graph
from ena_grunddata import validate
from ena_grunddata.validation.domains import guidance, list_domains, luhn_ok
from ena_grunddata.namespaces import ENA, GRUNDDATA_SCHEME
from ena_grunddata.render.formats import render

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "grunddata"
SHAPES = REPO / "shapes" / "grunddata.ttl"
VOCABULARY = REPO / "vocabularies" / "grunddata.ttl"

NAVET = URIRef("https://data.skatteverket.se/dataset/folkbokforing-navet")
NAVET_SERVICE = URIRef("https://data.skatteverket.se/dataservice/navet")
SKATTEVERKET = URIRef("http://dataportal.se/organisation/SE2021005448")
BOLAGSVERKET = URIRef("http://dataportal.se/organisation/SE2021005489")
SCB = URIRef("http://dataportal.se/organisation/SE2021000837")
PERSON = URIRef(GRUNDDATA_SCHEME + "/person")
FORETAG = URIRef(GRUNDDATA_SCHEME + "/foretag")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # a plain Namespace: pytest probes module globals, rdflib's warns
LEGACY_PERSON = URIRef("https://dataportal.se/concepts/grunddata/person")
MARKER_DEPENDENT = {"GD-PUBLISHER-AUTHORISED", "GD-CONFORMS-TO", "GD-DOMAIN-KNOWN"}


def example_graph(name: str) -> Graph:
    return Graph().parse(EXAMPLES / "valid" / name)


def codes_for(report, focus) -> dict:
    """code -> severity of the findings about one resource."""
    return {f.code: f.severity.label for f in report.findings if f.focus == str(focus)}


def navet_variant(*, marked=True, publisher=SKATTEVERKET, conforms=True, subject=PERSON) -> Graph:
    """The valid Navet catalog with one thing changed on the dataset."""
    graph = example_graph("person-navet.ttl")
    graph.remove((NAVET, DCTERMS.subject, None))
    if marked:
        graph.add((NAVET, DCTERMS.subject, subject))
    graph.set((NAVET, DCTERMS.publisher, publisher))
    if not conforms:
        graph.remove((NAVET, DCTERMS.conformsTo, None))
    return graph


# --- The acceptance criteria: marked → violation, unmarked → none of these ---------------------------------------------

DEFECTS = {
    "publisher is not the domain's agency": ({"publisher": BOLAGSVERKET}, "GD-PUBLISHER-AUTHORISED"),
    "no dcterms:conformsTo": ({"conforms": False}, "GD-CONFORMS-TO"),
    "unknown domain concept": ({"subject": URIRef(GRUNDDATA_SCHEME + "/personer")}, "GD-DOMAIN-KNOWN"),
}


@pytest.mark.parametrize("defect", list(DEFECTS), ids=list(DEFECTS))
def test_a_marked_dataset_with_the_defect_gets_a_violation(defect):
    change, code = DEFECTS[defect]
    report = validate_graph(navet_variant(**change))
    assert codes_for(report, NAVET).get(code) == "violation"


@pytest.mark.parametrize("defect", list(DEFECTS), ids=list(DEFECTS))
def test_the_same_dataset_without_the_marker_gets_none_of_them(defect):
    change, _ = DEFECTS[defect]
    change = {key: value for key, value in change.items() if key != "subject"}
    report = validate_graph(navet_variant(marked=False, **change))
    gd_codes = {code for code in codes_for(report, NAVET) if code.startswith("GD-")}
    assert gd_codes == set(), gd_codes


def test_the_valid_navet_catalog_has_no_grunddata_findings():
    report = validate_graph(navet_variant())
    assert [f for f in report.findings if f.code.startswith("GD-")] == []


# --- --domain ------------------------------------------------------------------------------------------------------------

def test_domain_flags_every_resource_that_lacks_the_intended_marker():
    report = validate([str(EXAMPLES / "invalid" / "person-unmarked.ttl")], domain="person")
    intended = sorted((f.focus, f.value) for f in report.findings if f.code == "GD-INTENDED-DOMAIN")
    assert intended == [(str(NAVET_SERVICE), str(PERSON)), (str(NAVET), str(PERSON))]
    assert all(f.severity.label == "violation" for f in report.findings if f.code == "GD-INTENDED-DOMAIN")


def test_domain_of_another_agency_flags_the_marker_and_the_publisher():
    report = validate([str(EXAMPLES / "valid" / "person-navet.ttl")], domain="foretag")
    found = codes_for(report, NAVET)
    assert found["GD-INTENDED-DOMAIN"] == "violation"
    assert found["GD-PUBLISHER-AUTHORISED"] == "violation"  # Skatteverket is not Bolagsverket


def test_an_unknown_domain_slug_is_a_usage_error_naming_the_known_ones():
    with pytest.raises(UsageError, match="unknown domain 'personer'.*person"):
        validate([str(EXAMPLES / "valid" / "person-navet.ttl")], domain="personer")


def test_validate_cli_with_domain_exits_1_on_the_unmarked_catalog(run_cli):
    result = run_cli("validate", "--domain", "person", "-f", "json", EXAMPLES / "invalid" / "person-unmarked.ttl")
    assert result.exit_code == 1
    assert '"GD-INTENDED-DOMAIN"' in result.stdout


# --- Legacy alias, registered producers, registry overrides -------------------------------------------------------------

def test_the_legacy_alias_is_accepted_with_information_only():
    report = validate_graph(navet_variant(subject=LEGACY_PERSON))
    found = {f.code: f for f in report.findings if f.focus == str(NAVET) and f.code.startswith("GD-")}
    assert set(found) == {"GD-SUBJECT-ALIAS"}  # known domain, Skatteverket authorised: the alias maps to person
    assert found["GD-SUBJECT-ALIAS"].severity.label == "info"
    assert found["GD-SUBJECT-ALIAS"].value == str(LEGACY_PERSON)


def test_a_registered_producer_may_publish_in_the_domain():
    graph = navet_variant(subject=FORETAG, publisher=SCB)
    graph.add((SCB, FOAF.name, Literal("Statistiska centralbyrån", lang="sv")))
    report = validate_graph(graph)
    assert "GD-PUBLISHER-AUTHORISED" not in codes_for(report, NAVET)


def test_a_vocabulary_file_overrides_the_registry(tmp_path):
    override = tmp_path / "domains.ttl"
    override.write_text(
        "@prefix ena: <https://w3id.org/ena-grunddata/ns#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<{PERSON}> ena:registeredProducer <{BOLAGSVERKET}> .\n"
        f"<{GRUNDDATA_SCHEME}/valfard> a skos:Concept ; skos:inScheme <{GRUNDDATA_SCHEME}> ;\n"
        '    skos:prefLabel "Välfärd"@sv, "Welfare"@en ; skos:notation "valfard" ;\n'
        f"    ena:responsibleAgency <{SKATTEVERKET}> .\n", encoding="utf-8")
    allowed = validate_graph(navet_variant(publisher=BOLAGSVERKET), vocabularies=[override])
    assert "GD-PUBLISHER-AUTHORISED" not in codes_for(allowed, NAVET)
    new_domain = validate_graph(navet_variant(subject=URIRef(GRUNDDATA_SCHEME + "/valfard")), vocabularies=[override])
    assert "GD-DOMAIN-KNOWN" not in codes_for(new_domain, NAVET)
    assert [d.slug for d in list_domains([override])].count("valfard") == 1


# --- Rules that the examples do not show ----------------------------------------------------------------------------------

def test_the_remaining_warnings_and_infos_fire_where_expected():
    """One graph with several small defects, each on its own resource, validated once."""
    nvdb = URIRef("https://data.trafikverket.se/dataset/nvdb-vagnat")
    nvdb_service = URIRef("https://data.trafikverket.se/dataservice/nvdb-api")
    period = URIRef("https://data.trafikverket.se/dataset/nvdb-vagnat/period")
    transport = example_graph("transport-trafikverket.ttl")
    transport.add((nvdb, DCTERMS.subject, URIRef("http://example.org/begrepp/vag")))
    transport.remove((nvdb, DCTERMS.title, Literal("Nationell vägdatabas (NVDB), vägnät", lang="sv")))
    transport.remove((nvdb, DCTERMS.description, None))
    transport.add((nvdb, DCTERMS.description, Literal("Roads of Sweden.", lang="en")))
    transport.remove((period, DCAT.startDate, None))
    transport.remove((nvdb, DCAT.theme, None))
    transport.add((nvdb, DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON")))
    transport.remove((nvdb_service, DCTERMS.subject, None))

    member = URIRef("https://data.lantmateriet.se/dataset/fastighetsindelning-2024")
    municipal_company = URIRef("http://dataportal.se/organisation/SE5560360793")
    property_series = example_graph("fastighet-lantmateriet.ttl")
    property_series.set((member, DCTERMS.publisher, municipal_company))

    report = validate_graph(transport + property_series)
    assert codes_for(report, nvdb).items() >= {
        "GD-SUBJECT-OTHER": "warning", "GD-TITLE-SV": "warning", "GD-DESCRIPTION-SV": "warning",
        "GD-TEMPORAL-START": "warning", "GD-THEME-SUGGESTED": "info"}.items()
    assert codes_for(report, nvdb_service).get("GD-SERVICE-UNMARKED") == "info"
    assert codes_for(report, member).items() >= {
        "GD-SERIES-PUBLISHER": "warning", "GD-PUBLISHER-GROUP": "warning",
        "GD-PUBLISHER-AUTHORISED": "violation"}.items()
    assert "GD-CATALOG-PUBLISHER" not in codes_for(report, member)  # Lantmäteriet is a known aggregator


# --- Guidance -------------------------------------------------------------------------------------------------------------

def test_guidance_is_bilingual_and_ordered():
    english, swedish = guidance("en"), guidance("sv")
    assert len(english) == len(swedish) >= 5
    assert english[0].startswith("Societal benefit") and swedish[0].startswith("Samhällsnytta")
    assert any("once only" in line.lower() for line in english)
    assert any("en uppgift en gång" in line for line in swedish)


def test_the_text_report_prints_the_checklist_only_for_grunddata():
    marked = validate([str(EXAMPLES / "valid" / "person-navet.ttl")])
    unmarked = validate([str(EXAMPLES / "invalid" / "person-unmarked.ttl")])
    assert guidance("sv")[0] in render(marked, "text", lang="sv")
    assert guidance("en")[0] not in render(unmarked, "text", lang="en")


# --- The shapes and the registry as data -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES)


@pytest.fixture(scope="module")
def registry() -> Graph:
    return Graph().parse(VOCABULARY)


def sparql_prefixes(shapes: Graph) -> str:
    """The PREFIX lines that sh:prefixes ena:GrunddataPrefixes declares."""
    return "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                   for d in shapes.objects(ENA.GrunddataPrefixes, SH.declare))


def coded_shapes(shapes: Graph) -> dict:
    return {str(code): shape for shape, code in shapes.subject_objects(ENA.code)}


def test_every_rule_has_code_severity_messages_and_rationale(shapes):
    for code, shape in coded_shapes(shapes).items():
        assert code.startswith("GD-") and shape == ENA[code], code
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), code
        languages = {m.language for m in shapes.objects(shape, SH.message)}
        assert languages == {"en", "sv"}, code
        comment = str(shapes.value(shape, RDFS.comment) or "")
        assert re.search(r"GD-\d\d", comment), f"{code}: rationale must name its requirement"


def test_every_violation_rule_has_an_invalid_example(shapes):
    manifest = yaml.safe_load((EXAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
    shown = set()
    for name, spec in manifest["examples"].items():
        findings = spec if isinstance(spec, list) else (spec or {}).get("findings") or []
        shown |= {entry[0] for entry in findings if entry[1] == "violation" and "invalid/" in name}
    violations = {code for code, shape in coded_shapes(shapes).items()
                  if shapes.value(shape, SH.severity) == SH.Violation}
    assert violations - shown == set()


def test_every_sparql_query_runs_on_pyoxigraph_as_on_rdflib(shapes):
    """Standard SPARQL only: each query gives the same answers on both engines (with $this left free)."""
    data = Graph()
    for path in sorted(EXAMPLES.rglob("*.ttl")):
        data.parse(path)
    data += Graph().parse(VOCABULARY)
    store = pyoxigraph.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    prefixes = sparql_prefixes(shapes)
    queries = list(shapes.objects(None, SH.select))
    assert len(queries) >= 30
    for query in queries:
        text = prefixes + str(query)
        ours = {tuple(_rdflib_text(v) for v in row) for row in data.query(text)}
        theirs = store.query(text)
        names = [v.value for v in theirs.variables]
        theirs = {tuple(_ox_text(solution[name]) for name in names) for solution in theirs}
        assert ours == theirs, str(query)[:200]


def _ox_text(term) -> str:
    if term is None:
        return "None"
    return "_:" if isinstance(term, pyoxigraph.BlankNode) else term.value


def _rdflib_text(term) -> str:
    return "_:" if isinstance(term, BNode) else str(term)


def test_sparql_luhn_agrees_with_python_luhn(shapes):
    """GD-PUBLISHER-LUHN flags exactly the organisation numbers whose check digit is wrong."""
    rng = random.Random(20240608)
    numbers = [f"{rng.randrange(10**9, 10**10):010d}" for _ in range(300)] + ["2021005448", "2021005449"]
    graph = Graph()
    for index, number in enumerate(numbers):
        graph.add((URIRef(f"urn:ds:{index}"), DCTERMS.publisher,
                   URIRef(f"http://dataportal.se/organisation/SE{number}")))
    luhn_query = next(shapes.objects(ENA["GD-PUBLISHER-LUHN"], SH.sparql))
    prefixes = sparql_prefixes(shapes)
    flagged = {str(row.value)[-10:] for row in graph.query(prefixes + str(shapes.value(luhn_query, SH.select)))}
    assert flagged == {n for n in numbers if not luhn_ok(n)}
    assert "2021005449" in flagged and "2021005448" not in flagged


def test_the_registry_has_the_five_domains_with_luhn_valid_agencies(registry):
    domains = {d.slug: d for d in list_domains()}
    assert set(domains) >= {"person", "foretag", "fastighets-och-geografisk-information",
                            "halsa-vard-och-omsorg", "transportsystem"}
    for domain in domains.values():
        assert domain.agency is not None and luhn_ok(domain.agency.organisation_number), domain.slug
        assert all(luhn_ok(p.organisation_number) for p in domain.producers), domain.slug
        assert domain.attestation in ("attested", "provisional"), domain.slug
        assert domain.labels.keys() >= {"sv", "en"}, domain.slug
    assert domains["person"].agency.iri == str(SKATTEVERKET)
    assert domains["foretag"].agency.iri == str(BOLAGSVERKET)


def test_the_registry_types_nothing_that_a_shape_targets(registry):
    """It is merged into the data graph, so an agent or dataset type here would be validated as data."""
    forbidden = ("http://xmlns.com/foaf/0.1/", str(DCAT), "http://www.w3.org/2006/vcard/ns#")
    types = {str(t) for t in registry.objects(None, RDF.type)}
    assert not [t for t in types if t.startswith(forbidden)]
    assert {str(t) for t in types} <= {str(SKOS.Concept), str(SKOS.ConceptScheme), str(SKOS.Collection)}


def test_a_publisher_sub_unit_counts_as_its_organisation(shapes, registry):
    """`…/SE2021005448-navet` is Skatteverket; `…/SE2021005449` is not, however alike it looks."""
    graph = Graph() + registry
    publishers = {"unit": f"{SKATTEVERKET}-navet", "agency": str(SKATTEVERKET),
                  "other": "http://dataportal.se/organisation/SE2021005449",
                  "prefix-only": "http://dataportal.se/organisation/SE202100544"}
    for name, publisher in publishers.items():
        dataset = URIRef(f"urn:ds:{name}")
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.subject, PERSON))
        graph.add((dataset, DCTERMS.publisher, URIRef(publisher)))
    query = shapes.value(next(shapes.objects(ENA["GD-PUBLISHER-AUTHORISED"], SH.sparql)), SH.select)
    prefixes = sparql_prefixes(shapes)
    flagged = {str(row[0]) for row in graph.query(prefixes + str(query))}
    assert flagged == {"urn:ds:other", "urn:ds:prefix-only"}


def test_a_catalog_cannot_register_its_own_publisher():
    """Registry facts count only from vocabularies (built in or --vocabulary), never from the data validated."""
    graph = navet_variant(publisher=BOLAGSVERKET)
    graph.add((PERSON, ENA.registeredProducer, BOLAGSVERKET))
    graph.add((PERSON, ENA.responsibleAgency, BOLAGSVERKET))
    assert codes_for(validate_graph(graph), NAVET).get("GD-PUBLISHER-AUTHORISED") == "violation"


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_catalog_file_cannot_register_its_own_publisher(tmp_path, run_cli, engine):
    """The same rule on the default path, which loads files straight into the fast engine's store."""
    example = (EXAMPLES / "valid" / "person-navet.ttl").read_text(encoding="utf-8")
    company = "http://dataportal.se/organisation/SE5560360793"
    text = example.replace("<http://dataportal.se/organisation/SE2021005448>", f"<{company}>") + f"""
<{company}> a <http://xmlns.com/foaf/0.1/Organization> ; <http://xmlns.com/foaf/0.1/name> "Ett bolag AB"@sv .
<{PERSON}> <{ENA.registeredProducer}> <{company}> .
"""
    path = tmp_path / "navet-self-registered.ttl"
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", "--engine", engine, "--format", "json", path)
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "GD-PUBLISHER-AUTHORISED" in codes
