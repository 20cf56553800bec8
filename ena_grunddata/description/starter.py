"""The commented starter description written by `ena-grunddata init`, filled from the domain registry."""

from __future__ import annotations

import datetime
import re
import uuid

from rdflib import URIRef
from rdflib.namespace import SKOS

from ..namespaces import ENA, GRUNDDATA_SCHEME
from .model import HVD_CATEGORIES, ORGANISATION_BASE, THEMES
from .values import Vocab

PLACEHOLDER = "TODO"
# Warnings a domain owner can honestly declare not applicable: the starter writes a suppression comment with the
# reason (`# ena-grunddata: ignore[CODE] reason`) in the resource it concerns; delete it when it does not hold.
SUPPRESS = "# ena-grunddata: ignore[{code}] {reason}"
NOT_FEE_FINANCED = ("SE-AGENT-CLASSIFICATION-RECOMMENDED",
                    "not regulated to charge fees (if it is: delete this line, write classification: fee-financed)")
STILL_MAINTAINED = ("SE-PERIOD-ENDDATE-RECOMMENDED", "the register is still maintained: its period has no end yet")
NO_LICENCE_RESTRICTED = ("the data is disclosed under secrecy rules, not licensed for reuse: the terms are in "
                         "`rights`")
# Access to a domain's data when it is not open by nature (Person data is delivered through Navet under secrecy).
DEFAULT_ACCESS = {"person": "restricted"}


def domain_facts(graph, name: str) -> dict:
    from ..load.vocabularies import resolve_domain

    vocab = Vocab(graph)
    concept = resolve_domain(graph, name)  # slug, label (Företag, Business) or IRI; typos get a suggestion
    slug = vocab.notation((GRUNDDATA_SCHEME,), concept) or str(concept).rsplit("/", 1)[-1]
    agency = graph.value(concept, ENA.responsibleAgency)
    orgnr = str(agency)[len(ORGANISATION_BASE):] if agency and str(agency).startswith(ORGANISATION_BASE) else None
    names = {l.language: str(l) for l in graph.objects(concept, ENA.responsibleAgencyName)}
    labels = {l.language: str(l) for l in graph.objects(concept, SKOS.prefLabel)}
    theme = graph.value(concept, ENA.suggestedTheme)
    hvd = graph.value(concept, ENA.relatedHvdCategory)
    return {
        "slug": slug, "label_sv": labels.get("sv", slug), "label_en": labels.get("en", slug),
        "orgnr": f"{orgnr[:6]}-{orgnr[6:]}" if orgnr and re.fullmatch(r"\d{10}", orgnr) else None,
        "agency_sv": names.get("sv"), "agency_en": names.get("en") or names.get("sv"),
        "theme": vocab.notation(THEMES, URIRef(theme)) if theme else None,
        "hvd": vocab.notation(HVD_CATEGORIES, URIRef(hvd)) if hvd else None,
        "access": DEFAULT_ACCESS.get(slug, "public"),
    }


def q(text: str) -> str:
    """A double-quoted YAML string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def suppress(code: str, reason: str) -> str:
    return SUPPRESS.format(code=code, reason=reason)


def starter_text(graph, domain: str | None = None, today: datetime.date | None = None) -> str:
    today = (today or datetime.date.today()).isoformat()
    facts = domain_facts(graph, domain) if domain else {
        "slug": None, "label_sv": "", "label_en": "", "orgnr": None, "agency_sv": None, "agency_en": None,
        "theme": None, "hvd": None, "access": "public"}
    public = facts["access"] == "public"
    lines = [
        "# Starter description for ena-grunddata" + (f", base-data domain {facts['label_sv']} ({facts['slug']})"
                                                    if domain else "") + ".",
        f"# Replace every {PLACEHOLDER} (and read the comments), then:",
        "#   ena-grunddata validate THIS.yaml                  # schema + DCAT-AP-SE + grunddata rules",
        "#   ena-grunddata describe THIS.yaml -o katalog.rdf   # the RDF/XML that dataportal.se harvests",
        "# Help on every key in your editor: ena-grunddata schema -o description.schema.json",
        "# yaml-language-server: $schema=description.schema.json",
        "",
        "# Resources without an `id` get base + section/key as their IRI (e.g. <base>datasets/register).",
        "# Choose a base you will keep: IRIs must never change once published.",
        f"base: https://data.{PLACEHOLDER}.se/",
        "",
        "catalog:",
        f"  title: {{sv: {q(PLACEHOLDER + ': katalogens titel')}, en: {q(PLACEHOLDER + ': catalogue title')}}}",
        f"  description: {{sv: {q(PLACEHOLDER + ': vad katalogen innehåller')}, "
        f"en: {q(PLACEHOLDER + ': what the catalogue holds')}}}",
        "  publisher: agency",
        "  license: CC0-1.0             # DCAT-AP-SE: catalogue metadata is always CC0",
        "  language: SWE",
        f"  homepage: https://www.{PLACEHOLDER}.se/",
        "  theme_taxonomy: http://publications.europa.eu/resource/authority/data-theme",
        "  spatial: http://sws.geonames.org/2661886/   # Sweden",
        f"  issued: {q(today)}",
        f"  modified: {q(today)}",
        "",
        "agents:",
        "  " + suppress(*NOT_FEE_FINANCED),
        "  agency:",
    ]
    if facts["orgnr"]:
        lines += [f"    orgnr: {q(facts['orgnr'])}          # {facts['agency_sv']}: the domain's responsible agency "
                  "(grunddatadomänansvarig)",
                  f"    name: {{sv: {q(facts['agency_sv'])}, en: {q(facts['agency_en'])}}}"]
    else:
        lines += [f"    orgnr: {q(PLACEHOLDER)}               # organisation number, e.g. 202100-5489",
                  f"    name: {{sv: {q(PLACEHOLDER + ': organisationens namn')}, "
                  f"en: {q(PLACEHOLDER + ': organisation name')}}}"]
    lines += [
        "    type: national-authority    # or local-authority, regional-authority, company, …",
        f"    description: {{sv: {q(PLACEHOLDER + ': kort om organisationen')}, "
        f"en: {q(PLACEHOLDER + ': the organisation in brief')}}}",
        f"    homepage: https://www.{PLACEHOLDER}.se/",
        "    # classification: fee-financed   # only if the organisation is regulated to charge fees",
        "",
        "contacts:",
        "  contact:                      # a function, not a person; never the publisher's own IRI",
        f"    name: {q(PLACEHOLDER + ': t.ex. Kundtjänst, öppna data')}",
        f"    email: {PLACEHOLDER}@{PLACEHOLDER}.se",
        f"    phone: {q(PLACEHOLDER + ': +46 8 123 456 00')}",
        f"    address: {{street: {q(PLACEHOLDER + ': Gatan 1')}, postal_code: {q(PLACEHOLDER + ': 123 45')}, "
        f"locality: {q(PLACEHOLDER + ': Orten')}, country: \"Sverige\"}}",
        "",
        "specifications:",
        "  specification:               # what the data conforms to (grunddata must name one)",
        f"    title: {{sv: {q(PLACEHOLDER + ': specifikationens namn')}, "
        f"en: {q(PLACEHOLDER + ': specification name')}}}",
        f"    description: {{sv: {q(PLACEHOLDER + ': begreppsmodell och informationsmodell')}, "
        f"en: {q(PLACEHOLDER + ': concept and information model')}}}",
        "    publisher: agency",
        f"    version: {q(PLACEHOLDER + ': 1.0')}",
        "",
        "documents:",
        "  api_docs:                     # a page that `page` refers to: the key gives it a title",
        f"    id: https://www.{PLACEHOLDER}.se/api",
        f"    title: {{sv: {q(PLACEHOLDER + ': API-dokumentation')}, en: {q(PLACEHOLDER + ': API documentation')}}}",
        f"    description: {{sv: {q(PLACEHOLDER + ': tillgänglighet, kapacitet och användning')}, "
        f"en: {q(PLACEHOLDER + ': availability, capacity and use')}}}",
        "",
        "datasets:",
        "  register:",
        f"    identifier: {uuid.uuid4()}   # stable: never change it",
        f"    title: {{sv: {q(PLACEHOLDER + ': datamängdens titel')}, en: {q(PLACEHOLDER + ': dataset title')}}}",
        f"    description: {{sv: {q(PLACEHOLDER + ': vad datamängden innehåller')}, "
        f"en: {q(PLACEHOLDER + ': what the dataset holds')}}}",
        "    publisher: agency",
    ]
    if domain:
        lines.append(f"    domain: {facts['slug']}            # marks the dataset as nationella grunddata")
    lines += [
        f"    theme: {facts['theme'] or 'GOVE'}" + ("                  # the domain's suggested EU theme"
                                                  if facts["theme"] else "   # EU data theme"),
        f"    keyword: {{sv: [{q(PLACEHOLDER + ': nyckelord')}], en: [{q(PLACEHOLDER + ': keyword')}]}}",
        "    conforms_to: specification",
        "    contact_point: contact",
        f"    access: {facts['access']}" + ("                # public, restricted or non-public"),
        "    frequency: daily              # continuous, daily, weekly, monthly, annual, irregular, …",
    ]
    if facts["hvd"]:
        lines += ["    legislation: hvd              # a high-value dataset (EU 2023/138); remove both lines if not",
                  f"    hvd_category: {facts['hvd']}"]
    lines += [
        "    spatial: http://sws.geonames.org/2661886/",
        "    " + suppress(*STILL_MAINTAINED),
        f"    temporal: {{start: {q(PLACEHOLDER + ': 2000-01-01')}}}   # first day the data covers",
        f"    issued: {q(today)}",
        f"    modified: {q(today)}",
        "    language: SWE",
        f"    landing_page: https://www.{PLACEHOLDER}.se/{PLACEHOLDER}",
        f"    quality: https://www.{PLACEHOLDER}.se/kvalitet   # a quality declaration",
        "    distributions:",
        *([] if public else ["      " + suppress("SE-DISTRIBUTION-LICENSE-RECOMMENDED", NO_LICENCE_RESTRICTED)]),
        f"      - title: {{sv: {q(PLACEHOLDER + ': distributionens titel')}, en: {q(PLACEHOLDER + ': title')}}}",
        f"        description: {{sv: {q(PLACEHOLDER + ': hur uppgifterna lämnas')}, "
        f"en: {q(PLACEHOLDER + ': how the data is provided')}}}",
        f"        access_url: https://api.{PLACEHOLDER}.se/v1",
        "        access_service: api",
        "        format: application/json",
        "        availability: stable",
    ]
    if public:
        lines.append("        license: CC-BY-4.0")
    else:
        lines += ["        rights:",
                  f"          description: {{sv: {q(PLACEHOLDER + ': villkor för åtkomst')}, "
                  f"en: {q(PLACEHOLDER + ': conditions of access')}}}",
                  f"          attribution_text: {{sv: {q(PLACEHOLDER + ': Källa: myndighetens namn')}, "
                  f"en: {q(PLACEHOLDER + ': Source: the agency')}}}",
                  f"          attribution_url: https://www.{PLACEHOLDER}.se/",
                  "          copyright_holder: agency",
                  f"          copyright_statement: https://www.{PLACEHOLDER}.se/upphovsratt",
                  "          jurisdiction: http://sws.geonames.org/2661886/",
                  f"          reuser_guidelines: https://www.{PLACEHOLDER}.se/villkor"]
    if facts["hvd"]:
        lines.append("        legislation: hvd")
    lines += [
        "",
        "services:",
        *([] if public else ["  " + suppress("SE-SERVICE-LICENSE-RECOMMENDED", NO_LICENCE_RESTRICTED)]),
        "  api:",
        f"    identifier: {uuid.uuid4()}",
        f"    title: {{sv: {q(PLACEHOLDER + ': API:ets namn')}, en: {q(PLACEHOLDER + ': API name')}}}",
        f"    description: {{sv: {q(PLACEHOLDER + ': vad API:et ger')}, en: {q(PLACEHOLDER + ': what the API gives')}}}",
        "    publisher: agency",
    ]
    if domain:
        lines.append(f"    domain: {facts['slug']}")
    lines += [
        f"    theme: {facts['theme'] or 'GOVE'}",
        f"    keyword: {{sv: [{q(PLACEHOLDER + ': nyckelord')}], en: [{q(PLACEHOLDER + ': keyword')}]}}",
        "    conforms_to: specification",
        "    contact_point: contact",
        f"    access: {facts['access']}",
    ]
    if public:
        lines.append("    license: CC-BY-4.0")
    if facts["hvd"]:
        lines += ["    legislation: hvd", f"    hvd_category: {facts['hvd']}"]
    lines += [
        "    format: application/json",
        f"    endpoint_url: https://api.{PLACEHOLDER}.se/v1",
        f"    endpoint_description: https://api.{PLACEHOLDER}.se/v1/openapi.json",
        "    serves_dataset: register",
        "    page: api_docs               # service documentation (a key under `documents`, or an IRI)",
        "",
    ]
    return "\n".join(lines)
