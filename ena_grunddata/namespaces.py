"""Every RDF namespace the project uses, defined once, and the prefix map for output."""

from rdflib import Namespace
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

# Open namespaces (not rdflib's closed ones), so DCAT 3 terms such as dcat:DatasetSeries need no special case.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ENA = Namespace("https://w3id.org/ena-grunddata/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SCHEMA = Namespace("http://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ODRS = Namespace("http://schema.theodi.org/odrs#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
ORG = Namespace("https://www.w3.org/ns/org#")  # as in the DCAT-AP-SE bundle (https), not W3C ORG (http)
OA = Namespace("http://www.w3.org/ns/oa#")  # Web Annotation: dqv:QualityAnnotation's oa:hasBody, oa:hasTarget

GRUNDDATA_SCHEME = "https://www.dataportal.se/terminology/grunddata"
# The national base-data marker: a dcterms:subject concept IRI, canonical form first, then the legacy alias form.
GRUNDDATA_PREFIXES = (GRUNDDATA_SCHEME + "/", "https://dataportal.se/concepts/grunddata/")

PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "sh": SH,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "dcatap": DCATAP,
    "foaf": FOAF,
    "vcard": VCARD,
    "adms": ADMS,
    "prov": PROV,
    "locn": LOCN,
    "schema": SCHEMA,
    "spdx": SPDX,
    "odrs": ODRS,
    "dqv": DQV,
    "hydra": HYDRA,
    "gsp": GSP,
    "oa": OA,
    "org": ORG,
    "ena": ENA,
}


def bind_prefixes(graph):
    """Bind the project's prefixes on a graph so output reads like the specification."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
