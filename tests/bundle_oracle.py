"""An oracle built from Digg's DCAT-AP-SE 3.0.1 template bundle, not from our shapes (tests/test_bundle_oracle.py).

`Oracle(bundle_path)` reads `bundle-3.0.1.json` and builds one fully described catalog: one instance of every class
of the specification (catalog, dataset, two distributions, data service, dataset series, agent, contact point,
licence document, standard, document) and one node for every nested group (attribution, geometry, period,
relationship, provenance, checksum, telephone, address, rights statement, offer), each with a valid value for every
Mandatory and Recommended item, for every fixed value and for every nested group's items. Then, for every Mandatory,
Recommended and closed-list item, it makes a *variant* that breaks only that item:

- Mandatory (cardinality min >= 1) -> every value removed -> expected: one violation on that property;
- Recommended (min 0, pref >= 1) -> every value removed -> expected: one warning on that property;
- closed list (choices, or a fixed value) -> the value replaced by a near miss outside the list (the first listed
  IRI with "-NOT-LISTED" appended) -> expected: one violation on that property.

Levels are read as the specification renders them (Digg's libs/specs.js, and DCAT-AP-SE-Processor's
dcat_specification.properties): a *property-less group* (Format `dcat:format-group_di`, License
`dcat:dcterms:license_di`, …) is not a field of its own; its children are the fields, each with its own cardinality.
So the Format group's `min: 1` does not make dcterms:format Mandatory: its children are Recommended (pref 1), the
Processor lists it as 0..n, and a distribution without a format is a warning. The same holds for License. A choice
list that sits beside a free alternative in such a group (the 40 listed media types beside "other media types", the
7 Creative Commons licences beside "other licence") is not closed: a value outside it is no violation, but every
listed value is accepted. Deprecated items (hidden in the specification) are not swept. An item with `deps`
(hvdCategory: Mandatory when dcatap:applicableLegislation is the HVD regulation) is broken where it applies: the
dataset and the series are high-value in the clean catalog; the data service is not (recommendations.md §14 makes a
contact point required for a high-value service, which would hide the bundle's own level, Recommended), so its
hvdCategory variants set the legislation first.

Values are chosen by reading each item: its choices (the first), its fixed value, its node type and datatype, its
pattern or value template (mailto:, tel:), and a few sample values written by hand from the bundle's descriptions
(`SAMPLES`). Nothing here reads shapes/.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from test_conformance_bundle import CLASS_TEMPLATES, NESTED_GROUPS, Item, Walker, expand

EX = "https://oracle.example.se/"
HVD = URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj")
# The publisher: Bolagsverket (responsible agency of the base-data domain Företag), so that the catalog is also
# clean under the grunddata profile.
AGENT = URIRef("http://dataportal.se/organisation/SE2021005489")
GRUNDDATA_FORETAG = URIRef("https://www.dataportal.se/terminology/grunddata/foretag")
ECON = URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON")
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")

# Instance IRI of every class and nested group (one node each; the dataset series and distributions get their own).
NODES = {
    "CatalogShape": EX + "catalog", "DatasetShape": EX + "dataset", "DistributionShape": EX + "distribution",
    "DataServiceShape": EX + "service", "DatasetSeriesShape": EX + "series", "AgentShape": str(AGENT),
    "ContactPointShape": EX + "contact", "LicenseDocumentShape": EX + "licence",
    "StandardShape": EX + "standard", "DocumentShape": EX + "document",
}
SECOND_DISTRIBUTION = URIRef(EX + "distribution-2")  # keeps the dataset high-value when one distribution is broken

# Sample values written by hand from the bundle's own descriptions, per item (template id) or pattern.
SAMPLES = {
    "dcterms:identifier_agent": Literal("202100-5489"),  # "organisationsnummer"
    "ChecksumShape/http://spdx.org/rdf/terms#checksumValue": Literal("da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    "vc:fn": Literal("Bolagsverket, öppna data"),
    "TelephoneShape/vcard:hasValue": URIRef("tel:+46771670670"),  # valueTemplate tel:$1; "including country code"
    "dcat:dcterms:accessRights": URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC"),
    "adms:publishertype": URIRef("http://purl.org/adms/publishertype/NationalAuthority"),
    "vc:country-name": Literal("Sverige"), "vc:locality": Literal("Sundsvall"),
    "vc:postal-code": Literal("851 81"), "vc:street-address": Literal("Stuvarvägen 21"),
    "LocationShape/dcat:centroid": Literal("POINT(17.3 62.4)", datatype=WKT),
    "LocationShape/dcat:bbox": Literal("POLYGON((11 55,24 55,24 69,11 69,11 55))", datatype=WKT),
    "dcat:dcterms:spatial_ca": URIRef("http://sws.geonames.org/2661886/"),
    "dcat:dcterms:spatial_da": URIRef("http://sws.geonames.org/2661886/"),
    "dcat:dcterms:spatial_dss": URIRef("http://sws.geonames.org/2661886/"),
}
PATTERN_SAMPLES = {
    "https://www.dataportal.se/terminology/resource-role/.*":
        URIRef("https://www.dataportal.se/terminology/resource-role/source"),
}
DATATYPE_SAMPLES = {str(XSD.date): Literal("2020-01-01", datatype=XSD.date)}


def renamed(graph: Graph, prefix: str) -> Graph:
    """A copy of `graph` whose own nodes (the oracle's IRIs and the publisher) live under `prefix`, so that many
    variants can be validated in one graph and every finding told apart by its focus."""
    def rename(term):
        if isinstance(term, URIRef) and (str(term).startswith(EX) or term == AGENT):
            return URIRef(prefix + ("agent" if term == AGENT else str(term)[len(EX):]))
        return term

    copy = Graph()
    for s, p, o in graph:
        copy.add((rename(s), p, rename(o)))
    return copy


def variant_prefix(index: int) -> str:
    return f"{EX}v{index}/"


@dataclass(frozen=True)
class Variant:
    """One broken item: the graph, and the one finding it must give."""

    item: str  # the bundle template id (or container/property for unnamed items)
    kind: str  # "mandatory", "recommended", "closed list"
    graph: Graph
    severity: str
    focus: str
    path: str


def read_items(bundle_path: Path) -> list[Item]:
    templates = {t["id"]: t for t in json.loads(bundle_path.read_text(encoding="utf-8"))["templates"]}
    walker = Walker(templates)
    for template_id, container in CLASS_TEMPLATES.items():
        walker.walk(container, templates[template_id]["items"])
    walker.templates_by_id = templates
    return walker.items


class Oracle:
    def __init__(self, bundle_path: Path):
        self.templates = {t["id"]: t for t in json.loads(bundle_path.read_text(encoding="utf-8"))["templates"]}
        self.items = read_items(bundle_path)
        self.nested_of = {}  # nested container -> (parent container, property) pairs, from NESTED_GROUPS
        self.graph = Graph()
        self.nodes: dict[str, list[URIRef]] = {}  # container -> the nodes that carry its items
        self.build()

    # ---- the fully described catalog -------------------------------------------------------------------------

    def node(self, container: str) -> list[URIRef]:
        return self.nodes.setdefault(container, [])

    def build(self):
        g = self.graph
        for container, iri in NODES.items():
            self.node(container).append(URIRef(iri))
        self.node("DistributionShape").append(SECOND_DISTRIBUTION)
        for template_id, container in CLASS_TEMPLATES.items():
            for node in self.node(container):
                for rdf_type in self.types(self.templates[template_id]):
                    g.add((node, RDF.type, rdf_type))
        catalog, dataset, service, series = (URIRef(NODES[k]) for k in (
            "CatalogShape", "DatasetShape", "DataServiceShape", "DatasetSeriesShape"))
        # Links the bundle leaves Optional (or has no cardinality for) but a described catalog has.
        g.add((catalog, expand("dcat:service"), service))
        for distribution in self.node("DistributionShape"):
            g.add((dataset, expand("dcat:distribution"), distribution))
            g.add((distribution, expand("dcat:accessService"), service))
        g.add((service, expand("dcat:servesDataset"), dataset))
        g.add((service, expand("foaf:page"), URIRef(NODES["DocumentShape"])))  # HVD: quality-of-service page
        g.add((service, expand("dcterms:publisher"), AGENT))
        for resource in (dataset, series):  # the service is not high-value: its HVD rules would hide its own levels
            g.add((resource, expand("dcatap:applicableLegislation"), HVD))
        for distribution in self.node("DistributionShape"):
            g.add((distribution, expand("dcatap:applicableLegislation"), HVD))
        # Nested groups: one node per parent that has the group (IRIs, so that foci are stable across variants).
        for item in self.items:
            nested = NESTED_GROUPS.get(item.template)
            if not nested:
                continue
            for parent in self.node(item.container):
                child = URIRef(f"{parent}/{nested.removesuffix('Shape').lower()}")
                self.node(nested).append(child)
                g.add((parent, item.prop, child))
                for rdf_type in self.types(self.templates.get(item.template, {})):
                    g.add((child, RDF.type, rdf_type))
        for item in self.items:
            if item.deprecated or item.template in NESTED_GROUPS:
                continue
            if item.level in ("M", "R") or item.value:
                for focus in self.node(item.container):
                    if item.deps and (focus, expand(item.deps[0]), URIRef(item.deps[1])) not in g:
                        continue  # applies only with its dependency (hvdCategory: with the HVD legislation)
                    if (focus, item.prop, None) not in g or item.prop == RDF.type:
                        g.add((focus, item.prop, self.value(item, focus)))
                        if item.nodetype == "LANGUAGE_LITERAL":
                            g.add((focus, item.prop, self.value(item, focus, lang="en")))
        # The grunddata profile on top: the dataset is national base data of the domain Företag.
        self.grunddata_extras(g, dataset, service)

    def grunddata_extras(self, g: Graph, dataset: URIRef, service: URIRef):
        """What the base-data framework adds for a marked dataset (docs/grunddata.md), beyond DCAT-AP-SE."""
        g.add((dataset, expand("dcterms:subject"), GRUNDDATA_FORETAG))
        g.add((dataset, expand("dcterms:identifier"), Literal("0d3f6a52-9c1e-4f7b-a8d2-3e5b7c9a1f44")))
        g.add((dataset, expand("dcterms:accrualPeriodicity"),
               URIRef("http://publications.europa.eu/resource/authority/frequency/DAILY")))
        g.add((dataset, expand("dcterms:modified"), Literal("2024-06-01", datatype=XSD.date)))
        g.add((dataset, expand("dcat:theme"), ECON))  # the domain's suggested theme
        quality = URIRef(EX + "quality")
        g.add((dataset, expand("foaf:page"), quality))
        g.add((quality, RDF.type, expand("dqv:QualityPolicy")))
        for lang, text in (("sv", "Kvalitet"), ("en", "Quality")):
            g.add((quality, expand("dcterms:title"), Literal(text, lang=lang)))
            g.add((quality, expand("dcterms:description"), Literal(text, lang=lang)))
        series = URIRef(NODES["DatasetSeriesShape"])
        g.add((series, expand("dcterms:accrualPeriodicity"),
               URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL")))
        g.add((series, expand("dcterms:modified"), Literal("2024-06-01", datatype=XSD.date)))
        standard = URIRef(NODES["StandardShape"])
        g.add((standard, expand("dcat:version"), Literal("1.0")))
        g.add((standard, expand("dcterms:publisher"), AGENT))
        for resource, uuid in ((service, "5b2c0e7e-1f0a-4c41-9a43-0c3f1e2d4b65"),
                               (URIRef(NODES["DatasetSeriesShape"]), "8f1d2a43-6b7e-4c90-8e15-2a9c3d4e5f60")):
            g.add((resource, expand("dcterms:subject"), GRUNDDATA_FORETAG))
            g.add((resource, expand("dcterms:identifier"), Literal(uuid)))
            g.add((resource, expand("dcat:theme"), ECON))
            g.add((resource, expand("dcterms:conformsTo"), standard))
            for lang, text in (("sv", "Beskrivning"), ("en", "Description")):
                g.add((resource, expand("dcterms:description"), Literal(text, lang=lang)))

    @staticmethod
    def types(template: dict) -> list[URIRef]:
        constraint = (template.get("constraints") or {})
        for key in ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "rdf:type"):
            if key in constraint:
                values = constraint[key]
                values = values if isinstance(values, list) else [values]
                return [expand(values[-1]) if len(values) > 1 else expand(values[0])]
        return []

    def value(self, item: Item, focus, lang: str = "sv"):
        if item.template in SAMPLES:
            return SAMPLES[item.template]
        if item.value:
            return URIRef(item.value) if item.nodetype in ("URI", "RESOURCE", None) else Literal(item.value)
        if item.choices:
            choice = item.choices[0]
            return Literal(choice) if item.nodetype in ("LITERAL", "ONLY_LITERAL") else URIRef(choice)
        if item.prop in (expand("dcterms:publisher"), expand("prov:agent"), expand("odrs:copyrightHolder")):
            return AGENT
        if item.prop == expand("dcat:contactPoint"):
            return URIRef(NODES["ContactPointShape"])
        if item.prop == expand("dcat:dataset"):
            return URIRef(NODES["DatasetShape"])
        if item.prop == expand("dcterms:conformsTo"):
            return URIRef(NODES["StandardShape"])
        template = self.templates.get(item.template, {})
        value_template = template.get("valueTemplate")
        if value_template == "mailto:":
            return URIRef("mailto:oppnadata@bolagsverket.se")
        if value_template == "tel:$1":
            return URIRef("tel:+46771670670")
        if item.nodetype == "LANGUAGE_LITERAL":
            words = {"sv": "Text om", "en": "Text about"}[lang]
            return Literal(f"{words} {item.prop.split('/')[-1].split('#')[-1]}", lang=lang)
        if item.nodetype in ("LITERAL", "ONLY_LITERAL"):
            return Literal(f"value of {item.template}")
        if item.datatypes:
            return DATATYPE_SAMPLES.get(item.datatypes[0]) or Literal("1", datatype=URIRef(item.datatypes[0]))
        if item.pattern in PATTERN_SAMPLES:
            return PATTERN_SAMPLES[item.pattern]
        slug = item.template.replace(":", "-").replace("/", "-").replace("#", "-")
        return URIRef(f"https://www.example.se/{slug}")

    # ---- the variants ------------------------------------------------------------------------------------------

    def swept_items(self) -> list[tuple[str, Item]]:
        """(kind, item) for every Mandatory, Recommended and closed-list item, one per (class, property, kind)."""
        seen, result = set(), []
        for item in self.items:
            if item.deprecated or item.template in NESTED_GROUPS and item.level == "O":
                continue
            kinds = []
            if item.level == "M":
                kinds.append("mandatory")
            elif item.level == "R":
                kinds.append("recommended")
            if (item.choices and not item.open_choices) or item.value:
                kinds.append("closed list")
            for kind in kinds:
                key = (item.container, str(item.prop), kind)
                if key not in seen:
                    seen.add(key)
                    result.append((kind, item))
        return result

    def variants(self):
        for kind, item in self.swept_items():
            for focus in self.node(item.container)[:1]:
                yield self.variant(kind, item, focus)

    def variant(self, kind: str, item: Item, focus) -> Variant:
        g = Graph()
        g += self.graph
        if kind in ("mandatory", "recommended"):
            self.remove(g, focus, item)
            severity = "violation" if kind == "mandatory" else "warning"
        else:
            listed = item.value or item.choices[0]
            self.remove(g, focus, item)
            g.add((focus, item.prop, URIRef(listed + "-NOT-LISTED")))
            severity = "violation"
        if item.prop == expand("dcatap:applicableLegislation") and item.container != "DistributionShape":
            g.remove((focus, expand("dcatap:hvdCategory"), None))  # the category depends on the legislation (deps)
        self.add_dependency(g, focus, item)
        return Variant(item.template, kind, g, severity, str(focus), str(item.prop))

    @staticmethod
    def add_dependency(g: Graph, focus, item: Item):
        """An item with `deps` is broken where it applies: its dependency is set (the data service is not
        high-value in the clean catalog, so its hvdCategory variants add the HVD legislation)."""
        if item.deps:
            g.add((focus, expand(item.deps[0]), URIRef(item.deps[1])))

    @staticmethod
    def remove(g: Graph, focus, item: Item):
        """Every value of the item; for rdf:type only the listed types (the class's own type stays)."""
        if item.prop == RDF.type:
            for choice in item.choices:
                g.remove((focus, RDF.type, URIRef(choice)))
        else:
            g.remove((focus, item.prop, None))

    def accepted_values(self):
        """(item, focus, values) for every listed value of every choice list, closed or open: all values at once
        where the item has no maximum, else one value at a time."""
        done = set()
        for item in self.items:
            if item.deprecated or not item.choices:
                continue
            key = (item.container, str(item.prop), tuple(item.choices))
            if key in done:
                continue
            done.add(key)
            focus = self.node(item.container)[0]
            if item.max is None:
                yield item, focus, tuple(item.choices)
            else:
                for choice in item.choices:
                    yield item, focus, (choice,)

    def graph_with(self, item: Item, focus, values) -> Graph:
        g = Graph()
        g += self.graph
        self.remove(g, focus, item)
        self.add_dependency(g, focus, item)
        for value in values:
            g.add((focus, item.prop, Literal(value) if item.nodetype in ("LITERAL", "ONLY_LITERAL") else URIRef(value)))
        for other in self.items:  # a value that makes another item apply (deps) brings that item along
            if (other.container == item.container and other.deps and expand(other.deps[0]) == item.prop
                    and other.deps[1] in values and (focus, other.prop, None) not in g):
                g.add((focus, other.prop, URIRef(other.choices[0])))
        return g

