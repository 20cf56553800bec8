"""Conformance with Digg's official DCAT-AP-SE 3.0.1 template bundle (../shared/reference/dcat-ap-se/spec).

Levels are derived as the rendered specification derives them (../shared/docs/dcat-ap-se.md §2.3): min > 0 →
Mandatory, else pref > 0 → Recommended, else Optional; property-less groups are flattened (their children keep their
own cardinality) and `deprecated` items are hidden; `deps` makes an item conditional. Then, per class:
every Mandatory item has a Violation shape, every Recommended item a Warning shape, every maximum a Violation shape,
every closed choice list an equal allowed-value set, and every node type, datatype and pattern a Violation shape.

Deliberate, documented differences (each is asserted below, so it cannot drift silently):
- Creative Commons licences: the list sits beside a free "other licence" alternative, so it is not closed; a CC IRI in
  a non-canonical form gets a Warning (…-LICENSE-CC-CANONICAL) instead.
- dcterms:format: the common and geospatial lists sit beside a free media-type pattern; the pattern is the Violation,
  and a media type outside both lists is Info (…-FORMAT-LISTED, whose allowed set must equal the two lists).
- dcterms:subject: a value outside the grunddata pattern is Info (…-SUBJECT-OTHER), not a Violation (GeoDCAT-AP puts
  INSPIRE topic categories there); see the shape's rdfs:comment.
- dcat:temporalResolution: the bundle's pattern uses look-ahead; the datatype xsd:duration checks the same.
- The catalog licence is fixed to CC0 (http); the https form is accepted with a Warning (…-LICENSE-CC0-HTTPS),
  because recommendations.md §11 shows an https Creative Commons IRI as correct while harvesting.md asks for http.
- dcterms:format (ONLY_LITERAL): an EU file-type IRI is accepted with a Warning (…-FORMAT-FILETYPE), because
  changes.md (3.0.0, qualification 1) says it is supported at harvest.
- Deprecated items (cld frequencies, owl:versionInfo, schema:startDate/endDate) are accepted with a Warning: their
  values join the allowed set of the property.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ena_grunddata.namespaces import ENA, PREFIXES
from ena_grunddata.validation.profiles import builtin_vocabularies, load_shapes

BUNDLE = Path("reference/dcat-ap-se/spec/bundle-3.0.1.json")

# Class templates of the bundle and the container shape that checks them.
CLASS_TEMPLATES = {
    "dcat:Catalog": "CatalogShape", "dcat:Dataset": "DatasetShape", "dcat:Distribution": "DistributionShape",
    "dcat:DataService": "DataServiceShape", "dcat:DatasetSeries": "DatasetSeriesShape",
    "dcat:foaf:Agent": "AgentShape", "dcat:contactPoint": "ContactPointShape",
    "dcterms:LicenseDocument": "LicenseDocumentShape", "dcterms:Standard": "StandardShape",
    "foaf:Document": "DocumentShape",
}
# Groups nested in a class (a property whose value is a described node) and the container that checks that node.
NESTED_GROUPS = {
    "dcat:prov:qualifiedAttribution": "AttributionShape", "dcat:dcterms:spatial_bb_da": "LocationShape",
    "dcat:dcterms:spatial_bb_dss": "LocationShape", "dcat:dcterms:temporal_da": "PeriodOfTimeShape",
    "dcat:dcterms:temporal_dss": "PeriodOfTimeShape", "dcat:qualifiedRelation": "RelationshipShape",
    "dcat:qualifiedRelation_dss": "RelationshipShape", "dcat:dcterms:provenance_da": "ProvenanceStatementShape",
    "dcat:spdx:checksum_di": "ChecksumShape", "vc:hasTelephone": "TelephoneShape", "vc:hasAddress": "AddressShape",
    "dcat:odrs:RSSA": "RightsStatementShape", "schema:Offer": "OfferShape",
}
CODE_KEYS = {"DatasetShape": "DATASET", "DataServiceShape": "SERVICE", "DatasetSeriesShape": "SERIES"}
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
LANG_STRING = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")


@dataclass
class Item:
    """One row of the rendered specification: a property of a class with its level and constraints."""

    container: str
    template: str
    prop: URIRef
    level: str  # M, R, O
    max: int | None
    nodetype: str | None
    choices: list = field(default_factory=list)
    pattern: str | None = None
    datatypes: list = field(default_factory=list)
    value: str | None = None
    deps: list | None = None
    deprecated: bool = False
    open_choices: bool = False  # the choice list sits beside a free alternative in the same group
    group: str | None = None


def expand(name: str) -> URIRef:
    if "://" in name:
        return URIRef(name)
    prefix, _, local = name.partition(":")
    return URIRef(str(PREFIXES[prefix]) + local)


def level_of(cardinality: dict | None) -> str:
    cardinality = cardinality or {}
    if cardinality.get("min", 0) > 0:
        return "M"
    return "R" if cardinality.get("pref", 0) > 0 else "O"


class Walker:
    def __init__(self, templates: dict):
        self.templates = templates
        self.items: list[Item] = []

    def resolve(self, entry) -> dict:
        template = self.templates[entry] if isinstance(entry, str) else entry
        if template.get("extends"):
            base = self.resolve(template["extends"])
            template = {**base, **{k: v for k, v in template.items() if k != "extends"}}
        return template

    def walk(self, container: str, entries, group: dict | None = None):
        for entry in entries:
            template = self.resolve(entry)
            if "property" not in template and template.get("items"):
                # A property-less group is flattened: its children are rows of their own.
                self.walk(container, template["items"], group=template)
                continue
            if "property" not in template:
                continue
            self.add(container, template, group)
            nested = NESTED_GROUPS.get(template.get("id"))
            if nested:
                self.walk(nested, template.get("items", []))

    def add(self, container: str, template: dict, group: dict | None):
        cardinality = template.get("cardinality") or {}
        group_max = (group or {}).get("cardinality", {}).get("max")
        datatypes = template.get("datatype") or []
        siblings = (group or {}).get("items", [])
        self.items.append(Item(
            container=container, template=template.get("id") or f"{container}/{template['property']}",
            prop=expand(template["property"]), level=level_of(cardinality),
            max=cardinality.get("max", group_max), nodetype=template.get("nodetype"),
            choices=[c["value"] for c in template.get("choices", [])], pattern=template.get("pattern"),
            datatypes=[str(expand(d)) if ":" in d and "://" not in d else d
                       for d in ([datatypes] if isinstance(datatypes, str) else datatypes)],
            value=template.get("value"), deps=template.get("deps"),
            deprecated="deprecated" in (template.get("styles") or []),
            open_choices=bool(template.get("choices")) and len(siblings) > 1, group=(group or {}).get("id")))


@pytest.fixture(scope="module")
def items(shared_dir: Path) -> list[Item]:
    bundle = json.loads((shared_dir / BUNDLE).read_text(encoding="utf-8"))
    templates = {t["id"]: t for t in bundle["templates"]}
    walker = Walker(templates)
    for template_id, container in CLASS_TEMPLATES.items():
        walker.walk(container, templates[template_id]["items"])
    return walker.items


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(["dcat-ap-se"]).graph


def property_shapes(shapes: Graph, container: str, prop: URIRef) -> list:
    return [s for s in shapes.objects(ENA[container], SH.property) if shapes.value(s, SH.path) == prop]


def severity(shapes: Graph, shape) -> URIRef:
    return shapes.value(shape, SH.severity)


def list_values(shapes: Graph, head) -> set[str]:
    return {str(v) for v in Collection(shapes, head)} if head is not None else set()


def allowed_values(shapes: Graph, shape) -> set[str] | None:
    """The sh:in set of a shape, directly or through its qualified value shape."""
    head = shapes.value(shape, SH["in"])
    if head is None and shapes.value(shape, SH.qualifiedValueShape) is not None:
        head = shapes.value(shapes.value(shape, SH.qualifiedValueShape), SH["in"])
    return list_values(shapes, head) if head is not None else None


def or_members(shapes: Graph, shape) -> list:
    head = shapes.value(shape, SH["or"])
    return list(Collection(shapes, head)) if head is not None else []


def has_pattern(shapes: Graph, shape) -> bool:
    return shapes.value(shape, SH.pattern) is not None or any(
        shapes.value(m, SH.pattern) is not None for m in or_members(shapes, shape))


def datatypes_of(shapes: Graph, shape) -> set[str]:
    direct = shapes.value(shape, SH.datatype)
    if direct is not None:
        return {str(direct)}
    return {str(shapes.value(m, SH.datatype)) for m in or_members(shapes, shape) if shapes.value(m, SH.datatype)}


def node_kinds(shapes: Graph, shape) -> set:
    kinds = {shapes.value(shape, SH.nodeKind)} - {None}
    members = or_members(shapes, shape)
    if len(members) == 2 and all(shapes.value(m, SH.pattern) is not None for m in members[1:]):
        # "a literal, or an IRI of one documented pattern" (dcterms:format: EU file types, warned separately)
        kinds |= {shapes.value(members[0], SH.nodeKind)} - {None}
    if datatypes_of(shapes, shape) & {str(LANG_STRING), str(XSD_STRING)}:
        kinds.add(SH.Literal)  # a text shape (rdf:langString or xsd:string) only admits literals
    return kinds


def test_the_walk_finds_the_specification(items: list[Item]):
    assert len(items) > 150
    assert {i.container for i in items} >= set(CLASS_TEMPLATES.values()) | set(NESTED_GROUPS.values())


def test_every_mandatory_item_has_a_violation_shape(items: list[Item], shapes: Graph):
    problems = []
    for item in items:
        if item.level != "M" or item.deprecated:
            continue
        if item.deps:  # conditional (hvdCategory): a SPARQL rule of its own
            code = f"SE-{CODE_KEYS[item.container]}-HVD-CATEGORY-MISSING"
            if severity(shapes, ENA[code]) != SH.Violation:
                problems.append(f"{item.template}: no Violation shape {code}")
            continue
        if not any(severity(shapes, s) == SH.Violation and (
                (shapes.value(s, SH.minCount) or Literal(0)).toPython() >= 1
                or (shapes.value(s, SH.qualifiedMinCount) or Literal(0)).toPython() >= 1)
                for s in property_shapes(shapes, item.container, item.prop)):
            problems.append(f"{item.template} ({item.container}, {item.prop}): no Violation minCount shape")
    assert not problems, "\n".join(problems)


def test_every_recommended_item_has_a_warning_shape(items: list[Item], shapes: Graph):
    problems = []
    for item in items:
        if item.level != "R" or item.deprecated:
            continue
        if not any(severity(shapes, s) == SH.Warning and shapes.value(s, SH.minCount) == Literal(1)
                   for s in property_shapes(shapes, item.container, item.prop)):
            problems.append(f"{item.template} ({item.container}, {item.prop}): no Warning minCount shape")
    assert not problems, "\n".join(problems)


def test_every_optional_item_has_no_missing_value_finding(items: list[Item], shapes: Graph):
    """Nothing stricter than the specification: an Optional property never gets a 'missing' finding."""
    required = {(i.container, i.prop) for i in items if i.level in ("M", "R") and not i.deprecated}
    problems = []
    for item in items:
        if item.level == "O" and (item.container, item.prop) not in required:
            for shape in property_shapes(shapes, item.container, item.prop):
                if shapes.value(shape, SH.minCount) is not None:
                    problems.append(f"{item.template}: optional, but {shape} demands a value")
    assert not problems, "\n".join(problems)


def test_every_maximum_has_a_violation_shape(items: list[Item], shapes: Graph):
    problems = []
    for item in items:
        if item.max is None or item.deprecated:
            continue
        if not any(severity(shapes, s) == SH.Violation and (
                shapes.value(s, SH.maxCount) == Literal(item.max) or shapes.value(s, SH.qualifiedMaxCount) == Literal(
                    item.max)) for s in property_shapes(shapes, item.container, item.prop)):
            problems.append(f"{item.template} ({item.container}, {item.prop}): no Violation maxCount {item.max}")
    assert not problems, "\n".join(problems)


def test_every_closed_choice_list_equals_the_allowed_values(items: list[Item], shapes: Graph):
    problems = []
    for item in items:
        if not item.choices or item.open_choices or item.deprecated:
            continue
        # Deprecated items of the same property are still accepted (with a warning): their values join the set.
        expected = {c for other in items if other.container == item.container and other.prop == item.prop
                    for c in other.choices}
        found = [allowed_values(shapes, s) for s in property_shapes(shapes, item.container, item.prop)
                 if severity(shapes, s) == SH.Violation and allowed_values(shapes, s) is not None]
        if expected not in found:
            problems.append(f"{item.template} ({item.container}, {item.prop}): allowed sets {found}, "
                            f"bundle {sorted(expected)}")
    assert not problems, "\n".join(problems)


def https_form(value: str) -> str:
    return "https://" + value.removeprefix("http://")


def test_fixed_values_are_the_only_allowed_value(items: list[Item], shapes: Graph):
    """The catalog licence is fixed to CC0; its https form is also accepted, with a warning (Digg's documents disagree
    on it: SE-CATALOG-LICENSE-CC0-HTTPS)."""
    fixed = [i for i in items if i.value]
    assert fixed  # the catalog licence
    for item in fixed:
        assert {item.value, https_form(item.value)} in [
            allowed_values(shapes, s) for s in property_shapes(shapes, item.container, item.prop)
            if severity(shapes, s) == SH.Violation], item.template
        warned = [s for s in property_shapes(shapes, item.container, item.prop) if severity(shapes, s) == SH.Warning
                  and shapes.value(shapes.value(s, SH["not"]), SH.hasValue) == URIRef(https_form(item.value))]
        assert warned, item.template


def test_every_pattern_has_a_violation_shape(items: list[Item], shapes: Graph):
    problems = []
    for item in items:
        if not item.pattern or item.deprecated:
            continue
        candidates = property_shapes(shapes, item.container, item.prop)
        if item.prop == expand("dcterms:subject"):
            ok = any(severity(shapes, s) == SH.Info and has_pattern(shapes, s) for s in candidates)
        elif item.datatypes:
            ok = any(severity(shapes, s) == SH.Violation and datatypes_of(shapes, s) for s in candidates)
        else:
            ok = any(severity(shapes, s) == SH.Violation and (has_pattern(shapes, s) or allowed_values(shapes, s))
                     for s in candidates)
        if not ok:
            problems.append(f"{item.template} ({item.container}, {item.prop}): no shape for pattern {item.pattern}")
    assert not problems, "\n".join(problems)


def test_every_datatype_has_a_violation_shape(items: list[Item], shapes: Graph):
    problems = []
    for item in items:
        if not item.datatypes:
            continue
        expected = set(item.datatypes)
        if not any(severity(shapes, s) == SH.Violation and datatypes_of(shapes, s) == expected
                   for s in property_shapes(shapes, item.container, item.prop)):
            problems.append(f"{item.template} ({item.container}, {item.prop}): no Violation datatype {expected}")
    assert not problems, "\n".join(problems)


def test_every_node_type_has_a_violation_shape(items: list[Item], shapes: Graph):
    resource_props = {(i.container, i.prop) for i in items if i.nodetype == "RESOURCE"}
    problems = []
    for item in items:
        if item.deprecated:  # hidden in the specification; accepted with a warning (see below)
            continue
        candidates = [s for s in property_shapes(shapes, item.container, item.prop)
                      if severity(shapes, s) == SH.Violation]
        kinds = set().union(*(node_kinds(shapes, s) for s in candidates)) if candidates else set()
        closed = any(allowed_values(shapes, s) for s in candidates)
        if item.nodetype == "LANGUAGE_LITERAL":
            ok = SH.Literal in kinds and any(
                severity(shapes, s) == SH.Warning and shapes.value(shapes.value(s, SH["not"]), SH.datatype) == XSD_STRING
                for s in property_shapes(shapes, item.container, item.prop))
        elif item.nodetype in ("LITERAL", "ONLY_LITERAL"):
            ok = SH.Literal in kinds or closed
        elif item.nodetype == "DATATYPE_LITERAL":
            ok = any(datatypes_of(shapes, s) for s in candidates)
        elif item.nodetype == "URI":
            # A property that also has a described-node alternative (named area vs. geometry) admits both.
            alternatives = {SH.IRI, SH.BlankNodeOrIRI} if (item.container, item.prop) in resource_props else {SH.IRI}
            ok = bool(kinds & alternatives) or closed or item.prop == RDF.type
        elif item.nodetype == "RESOURCE":
            ok = bool(kinds & {SH.IRI, SH.BlankNodeOrIRI}) or closed
        else:
            continue
        if not ok:
            problems.append(f"{item.template} ({item.container}, {item.prop}): no Violation for node type "
                            f"{item.nodetype}")
    assert not problems, "\n".join(problems)


def test_deprecated_items_are_accepted_with_a_warning(items: list[Item], shapes: Graph):
    deprecated = [i for i in items if i.deprecated]
    assert {str(i.prop) for i in deprecated} >= {str(expand("owl:versionInfo")), str(expand("schema:startDate")),
                                                 str(expand("dcterms:accrualPeriodicity"))}
    for item in deprecated:
        warnings = [s for s in property_shapes(shapes, item.container, item.prop) if severity(shapes, s) == SH.Warning]
        if item.choices:
            assert any(list_values(shapes, shapes.value(shapes.value(s, SH["not"]), SH["in"])) == set(item.choices)
                       for s in warnings), item.template
        else:
            assert any(shapes.value(s, SH.maxCount) == Literal(0) for s in warnings), item.template


def test_open_lists_have_their_documented_substitute(items: list[Item], shapes: Graph):
    vocabularies = builtin_vocabularies()
    for container, key in (("DistributionShape", "DISTRIBUTION"), ("DataServiceShape", "SERVICE")):
        cc = {c for i in items if i.container == container and i.open_choices and i.prop == expand("dcterms:license")
              for c in i.choices}
        assert len(cc) == 7
        canonical = ENA[f"SE-{key}-LICENSE-CC-CANONICAL"]
        assert severity(shapes, canonical) == SH.Warning
        assert list_values(shapes, shapes.value(or_members(shapes, canonical)[0], SH["in"])) == cc
        media = {c for i in items if i.container == container and i.prop == expand("dcterms:format") for c in i.choices}
        assert len(media) == 17 + 23
        listed = ENA[f"SE-{key}-FORMAT-LISTED"]
        assert list_values(shapes, shapes.value(or_members(shapes, listed)[2], SH["in"])) == media
        assert severity(shapes, ENA[f"SE-{key}-FORMAT-PATTERN"]) == SH.Violation
    assert len(set(vocabularies.subjects(None, None))) > 300  # the vocabularies were loaded for the expansion


def test_the_committed_vocabularies_are_what_the_build_script_makes_from_this_bundle(shared_dir: Path):
    """vocabularies/*.ttl are generated by scripts/build_vocabularies.py; a hand edit or a new bundle shows here."""
    import importlib.util
    import sys

    repo = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("build_vocabularies", repo / "scripts" / "build_vocabularies.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    built = module.build(shared_dir / BUNDLE)
    assert len(built) >= 14
    for name, text in built.items():
        assert (repo / "vocabularies" / name).read_text(encoding="utf-8") == text, (
            f"vocabularies/{name} is out of date: run python scripts/build_vocabularies.py")
