"""What the data says about itself before the engines run: the grunddata marker, the domain a catalog is meant for
(`--domain`), near-miss claims, registry statements a catalog may not make, and the schema findings of description
files. One set of steps for every engine: `prepare` runs the same SPARQL on the fast engine's store and on the
reference engine's rdflib graph."""

from __future__ import annotations

from rdflib import Graph

from ..load import Loaded
from ..namespaces import DCAT, ENA, GRUNDDATA_PREFIXES, GRUNDDATA_SCHEME
from ..report import Finding



def description_findings(loaded: Loaded) -> list[Finding]:
    """Schema findings of YAML/JSON description files (their SHACL findings are located like any other)."""
    descriptions = [d for d in loaded.documents if d.format == "description"]
    if not descriptions:
        return []
    from ..description.api import schema_findings

    return [f for d in descriptions for f in schema_findings(d)]


def domain_concept(vocabulary: Graph, slug: str):
    """The concept `--domain` names (slug, Swedish or English label, or IRI; typos get a suggestion)."""
    from .domains import resolve_domain

    return resolve_domain(vocabulary, slug)


def undescribed(findings: list[Finding], loaded: Loaded) -> frozenset | None:
    """Focus IRIs no loaded source describes (a publisher IRI with a typo): their findings have one cause."""
    if not loaded.sources:
        return None  # a graph from memory: nothing is known about sources
    foci = {f.focus for f in findings}  # a resource has several findings: each is looked up once
    return frozenset(loaded.origins.undescribed(focus for focus in foci if not focus.startswith(("_:", "$"))))


def in_user_terms(findings: list[Finding], loaded: Loaded) -> list[Finding]:
    """Findings about description files name the YAML key, not the RDF property (which stays in `path`)."""
    names = {d.name for d in loaded.documents if d.format == "description"}
    if not names:
        return findings
    from ..description.api import in_user_terms as user_terms

    return [user_terms(f) if f.source in names else f for f in findings]
# Near-miss spellings of the grunddata scheme (http:, no www., upper case, a port, doubled slashes, /concepts/ on
# www, a trailing slash) are a claim of national base data all the same: a publisher must not side-step the
# grunddata rules (the domain registry above all) by misspelling the scheme. Each such subject also gets the
# canonical IRI, so every grunddata rule targets the resource. The same CONSTRUCT runs in both engines.
NEAR_MISS_CLAIMS = (
    "CONSTRUCT { ?s <http://purl.org/dc/terms/subject> ?canonical } WHERE { "
    "?s <http://purl.org/dc/terms/subject> ?o . FILTER(isIRI(?o)) BIND(LCASE(STR(?o)) AS ?l) "
    'FILTER(REGEX(?l, "^https?://(www[.])?dataportal[.]se(:[0-9]+)?/+(terminology|concepts)/+grunddata/+[^/]")) '
    'BIND(REPLACE(REPLACE(?l, "^https?://(www[.])?dataportal[.]se(:[0-9]+)?/+(terminology|concepts)/+grunddata/+", '
    '""), "/+$", "") AS ?slug) '
    f'BIND(IRI(CONCAT("{GRUNDDATA_SCHEME}/", ?slug)) AS ?canonical) '
    f'FILTER(!STRSTARTS(STR(?o), "{GRUNDDATA_PREFIXES[0]}") && !STRSTARTS(STR(?o), "{GRUNDDATA_PREFIXES[1]}")) }}'
)
GRUNDDATA_MARKER_QUERY = ("ASK { ?s <http://purl.org/dc/terms/subject> ?o . FILTER("
                          + " || ".join(f'STRSTARTS(STR(?o), "{prefix}")' for prefix in GRUNDDATA_PREFIXES) + ") }")
# Registry facts (ena:…) count only from vocabularies, never from the data validated.
DROP_REGISTRY_STATEMENTS = f'DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), "{ENA}")) }}'
_MARKABLE = " ".join(f"<{c}>" for c in (DCAT.Dataset, DCAT.DataService, DCAT.DatasetSeries))


def intended_domain_marks(concept) -> str:
    """`--domain`: every dataset, service and series is meant for that base-data domain."""
    return (f"CONSTRUCT {{ ?r <{ENA.intendedDomain}> <{concept}> }} "
            f"WHERE {{ VALUES ?class {{ {_MARKABLE} }} ?r a ?class }}")


def prepare(data, vocabulary: Graph, concept) -> bool:
    """The steps before any engine, the same SPARQL on a FastData store or on a GraphData graph. True when the
    data claims national base data (the grunddata marker)."""
    marked = bool(data.query(GRUNDDATA_MARKER_QUERY))
    data.update(DROP_REGISTRY_STATEMENTS)  # a catalog must not register its own publisher
    data.add_derived(NEAR_MISS_CLAIMS)  # a misspelt grunddata scheme is a claim all the same
    data.add_background(vocabulary)  # background knowledge for SPARQL constraints (never targeted)
    if concept is not None:
        data.add_derived(intended_domain_marks(concept))
    return marked


class GraphData:
    """The reference engine's data: an rdflib graph with FastData's preparation interface."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def query(self, text: str):
        return self.graph.query(text)

    def update(self, text: str) -> None:
        self.graph.update(text)

    def add_background(self, statements) -> None:
        self.graph += statements

    def add_derived(self, construct: str) -> None:
        self.graph += list(self.graph.query(construct))
