"""What the data says about itself before the engines run: the grunddata marker, the domain a catalog is meant for
(`--domain`), and the schema findings of description files. Shared by every engine."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..load import Loaded
from ..namespaces import DCAT, DCTERMS, ENA, GRUNDDATA_PREFIXES, GRUNDDATA_SCHEME
from ..report import Finding

MARKABLE_CLASSES = (DCAT.Dataset, DCAT.DataService, DCAT.DatasetSeries)


def description_findings(loaded: Loaded) -> list[Finding]:
    """Schema findings of YAML/JSON description files (their SHACL findings are located like any other)."""
    from ..description.api import schema_findings

    return [f for d in loaded.documents if d.format == "description" for f in schema_findings(d)]


def domain_concept(vocabulary: Graph, slug: str):
    """The concept `--domain` names (slug, Swedish or English label, or IRI; typos get a suggestion)."""
    from .domains import resolve_domain

    return resolve_domain(vocabulary, slug)


def mark_intended_domain(data: Graph, slug: str, vocabulary: Graph) -> None:
    """`--domain`: every dataset, service and series is meant for that base-data domain."""
    concept = domain_concept(vocabulary, slug)
    for cls in MARKABLE_CLASSES:
        for resource in set(data.subjects(RDF.type, cls)):
            data.add((resource, ENA.intendedDomain, concept))


def has_grunddata_marker(graph: Graph) -> bool:
    return any(str(o).startswith(GRUNDDATA_PREFIXES) for o in graph.objects(None, DCTERMS.subject))


def undescribed(findings: list[Finding], loaded: Loaded) -> frozenset | None:
    """Focus IRIs no loaded source describes (a publisher IRI with a typo): their findings have one cause."""
    if not loaded.sources:
        return None  # a graph from memory: nothing is known about sources
    return frozenset(f.focus for f in findings if not f.focus.startswith(("_:", "$"))
                     and not loaded.origins.describes(URIRef(f.focus)))


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
# canonical IRI, so every grunddata rule targets the resource. The same SPARQL Update runs in both engines.
NEAR_MISS_UPDATE = (
    "INSERT { ?s <http://purl.org/dc/terms/subject> ?canonical } WHERE { "
    "?s <http://purl.org/dc/terms/subject> ?o . FILTER(isIRI(?o)) BIND(LCASE(STR(?o)) AS ?l) "
    'FILTER(REGEX(?l, "^https?://(www[.])?dataportal[.]se(:[0-9]+)?/+(terminology|concepts)/+grunddata/+[^/]")) '
    'BIND(REPLACE(REPLACE(?l, "^https?://(www[.])?dataportal[.]se(:[0-9]+)?/+(terminology|concepts)/+grunddata/+", '
    '""), "/+$", "") AS ?slug) '
    f'BIND(IRI(CONCAT("{GRUNDDATA_SCHEME}/", ?slug)) AS ?canonical) '
    f'FILTER(!STRSTARTS(STR(?o), "{GRUNDDATA_PREFIXES[0]}") && !STRSTARTS(STR(?o), "{GRUNDDATA_PREFIXES[1]}")) }}'
)


def claim_near_misses(data: Graph) -> None:
    """Read near-miss spellings of the grunddata scheme as the claim they are (rdflib graph)."""
    data.update(NEAR_MISS_UPDATE)

