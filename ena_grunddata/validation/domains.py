"""The registry of base-data domains (grunddatadomäner), read from the loaded vocabularies.

The registry is data in `vocabularies/grunddata.ttl` (plus any `--vocabulary` file): concepts of the scheme
https://www.dataportal.se/terminology/grunddata with our own `ena:` facts (responsible agency, registered producers,
suggested EU theme, related HVD category, attestation). This module only reads it, for `ena-grunddata domains`, and
serves the checklist of framework requirements that metadata cannot show (`guidance`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .. import resources
from ..messages import tr
from ..namespaces import ENA, GRUNDDATA_SCHEME
from ..text import pick
from ..load.vocabularies import resolve_domain  # noqa: F401  (re-exported)
from .profiles import builtin_vocabularies, load_vocabularies

ORGANISATION_PREFIX = "http://dataportal.se/organisation/SE"
GUIDANCE_SCHEME = ENA.GrunddataGuidance
GRUNDDATA_SHAPES_FILE = "grunddata.ttl"


@dataclass(frozen=True)
class Agency:
    """An organisation in the registry: its dataportal.se IRI and names."""

    iri: str
    names: dict = field(default_factory=dict)

    @property
    def organisation_number(self) -> str | None:
        match = re.match(r"^http://dataportal\.se/organisation/SE([0-9]{10})(-[A-Za-z0-9]+)?$", self.iri)
        return match.group(1) if match else None

    def name(self, lang: str = "en") -> str:
        return pick(self.names, lang) or self.iri

    def to_dict(self) -> dict:
        return {"iri": self.iri, "organisation_number": self.organisation_number, "name": dict(self.names)}


@dataclass(frozen=True)
class Domain:
    """One base-data domain as the registry describes it."""

    slug: str
    iri: str
    labels: dict
    attestation: str | None
    note: str | None
    agency: Agency | None
    role: dict
    producers: tuple
    suggested_theme: str | None
    hvd_category: str | None
    status: dict
    rules: int

    def label(self, lang: str = "en") -> str:
        return pick(self.labels, lang) or self.slug

    def to_dict(self) -> dict:
        return {
            "slug": self.slug,
            "iri": self.iri,
            "label": dict(self.labels),
            "attestation": self.attestation,
            "note": self.note,
            "responsible_agency": self.agency.to_dict() if self.agency else None,
            "role": dict(self.role),
            "registered_producers": [producer.to_dict() for producer in self.producers],
            "suggested_theme": self.suggested_theme,
            "hvd_category": self.hvd_category,
            "status": dict(self.status),
            "rules": self.rules,
        }


def list_domains(vocabularies=(), graph: Graph | None = None) -> list[Domain]:
    """Every domain in the registry, sorted by slug. `vocabularies` are extra files (as `--vocabulary`)."""
    graph = graph if graph is not None else load_vocabularies(vocabularies)
    rules = rule_count()
    concepts = {c for c in graph.subjects(SKOS.inScheme, URIRef(GRUNDDATA_SCHEME)) if isinstance(c, URIRef)}
    return sorted((_domain(graph, concept, rules) for concept in concepts), key=lambda d: d.slug)


def _domain(graph: Graph, concept: URIRef, rules: int) -> Domain:
    agency_iri = graph.value(concept, ENA.responsibleAgency)
    agency = None
    if agency_iri is not None:
        names = _texts(graph, concept, ENA.responsibleAgencyName) or _texts(graph, agency_iri, ENA.agencyName)
        agency = Agency(iri=str(agency_iri), names=names)
    role = graph.value(concept, ENA.responsibleAgencyRole)
    producers = tuple(Agency(iri=str(p), names=_texts(graph, p, ENA.agencyName))
                      for p in sorted(graph.objects(concept, ENA.registeredProducer)))
    slug = graph.value(concept, SKOS.notation)
    return Domain(
        slug=str(slug) if slug is not None else str(concept).rsplit("/", 1)[-1],
        iri=str(concept),
        labels=_texts(graph, concept, SKOS.prefLabel),
        attestation=_text(graph.value(concept, ENA.attestation)),
        note=pick(_texts(graph, concept, RDFS.comment), "en"),
        agency=agency,
        role=_texts(graph, role, SKOS.prefLabel) if role is not None else {},
        producers=producers,
        suggested_theme=_text(graph.value(concept, ENA.suggestedTheme)),
        hvd_category=_text(graph.value(concept, ENA.relatedHvdCategory)),
        status=_texts(graph, concept, ENA.implementationStatus),
        rules=rules,
    )


@functools.lru_cache(maxsize=None)
def rule_count() -> int:
    """How many rules the grunddata profile adds on top of DCAT-AP-SE (its shapes that carry an ena:code)."""
    shapes = Graph().parse(data=resources.shapes_file(GRUNDDATA_SHAPES_FILE).read_text(encoding="utf-8"),
                           format="turtle")
    return len(set(shapes.subjects(ENA.code, None)))


def guidance(lang: str = "en") -> list[str]:
    """The checklist of framework requirements that metadata cannot show, in order, as 'Label: question'."""
    graph = builtin_vocabularies()
    items = sorted(graph.subjects(SKOS.inScheme, GUIDANCE_SCHEME), key=lambda c: str(graph.value(c, SKOS.notation)))
    lines = []
    for item in items:
        label = pick(_texts(graph, item, SKOS.prefLabel), lang)
        question = pick(_texts(graph, item, SKOS.definition), lang) or ""
        lines.append(f"{label}: {question}" if label else question)
    return lines


def luhn_ok(number: str) -> bool:
    """The Luhn check that Swedish organisation numbers (10 digits) end with."""
    if not re.fullmatch(r"[0-9]{10}", number):
        return False
    total = 0
    for position, char in enumerate(number):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def render_text(domains: list[Domain], lang: str = "en") -> str:
    """The human listing for `ena-grunddata domains`."""
    lines = []
    for domain in domains:
        attestation = (tr(ATTESTATION_IDS[domain.attestation], lang) if domain.attestation in ATTESTATION_IDS
                       else domain.attestation or "?")
        lines.append(f"{domain.slug}: {domain.label(lang)}  [{attestation}]")
        lines.append(f"  {tr('domains.concept', lang)}: {domain.iri}")
        if domain.agency:
            role = pick(domain.role, lang)
            agency = f"{domain.agency.name(lang)} <{domain.agency.iri}>"
            lines.append(f"  {tr('domains.agency', lang)}: {agency}" + (f" ({role})" if role else ""))
        else:
            lines.append(f"  {tr('domains.agency', lang)}: -")
        producers = ", ".join(f"{p.name(lang)} <{p.iri}>" for p in domain.producers) or "-"
        lines.append(f"  {tr('domains.producers', lang)}: {producers}")
        lines.append(f"  {tr('domains.theme', lang)}: {domain.suggested_theme or '-'}")
        lines.append(f"  {tr('domains.hvd', lang)}: {domain.hvd_category or '-'}")
        lines.append(f"  {tr('domains.rules', lang)}: {domain.rules}")
        lines.append("")
    lines.append(tr("domains.summary", lang, count=len(domains)))
    return "\n".join(lines) + "\n"


ATTESTATION_IDS = {"attested": "domains.attested", "provisional": "domains.provisional"}


def _texts(graph: Graph, subject, predicate) -> dict:
    """Literal values by language tag ('' for untagged); the first of each language in sorted order wins."""
    values = {}
    for value in sorted(graph.objects(subject, predicate), key=str):
        if isinstance(value, Literal):
            values.setdefault(value.language or "", str(value))
    return dict(sorted(values.items()))


def _text(term) -> str | None:
    return str(term) if term is not None else None
