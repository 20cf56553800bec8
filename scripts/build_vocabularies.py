#!/usr/bin/env python3
"""Write vocabularies/*.ttl (SKOS) from Digg's DCAT-AP-SE 3.0.1 template bundle.

Usage: python scripts/build_vocabularies.py [BUNDLE_JSON] [OUT_DIR]

The bundle (`bundle-3.0.1.json` from diggsweden/DCAT-AP-SE, copied to ../shared/reference/dcat-ap-se/spec/) is the
only machine-readable source of DCAT-AP-SE's value lists. This script copies each list's values and its Swedish and
English labels, and adds what the bundle lacks: the scheme each list lives in, a short friendly `skos:notation` (used
by the description format: `theme: TRAN`, `access: public`, `license: CC-BY-4.0` ...) and a few missing Swedish
labels. The output files are committed; nothing at run time or test time needs the bundle.

`vocabularies/grunddata.ttl` is not written here (it is maintained by hand).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLE = REPO.parent / "shared" / "reference" / "dcat-ap-se" / "spec" / "bundle-3.0.1.json"
VOCAB = "https://w3id.org/ena-grunddata/vocab/"
EU = "http://publications.europa.eu/resource/authority/"


@dataclass
class Scheme:
    """One value list of the bundle, written as one SKOS concept scheme."""

    filename: str
    iri: str
    templates: list[str]  # bundle template ids whose `choices` make the list (the first that has choices wins)
    label_sv: str
    label_en: str
    comment: str
    notation: object  # function (value IRI or literal, English label) -> notation
    concept_iri: object = None  # function value -> concept IRI (default: the value itself)
    extra_sv: dict = field(default_factory=dict)  # value -> Swedish label the bundle lacks
    also: list = field(default_factory=list)  # extra (predicate, object) lines on every concept


def last_segment(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1]


def kebab(text: str) -> str:
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("(s)", "s")
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")


ACCESS_NOTATIONS = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}
FREQUENCY_NOTATIONS = {
    "CONT": "continuous", "UPDATE_CONT": "continuously-updated", "DAILY_2": "twice-daily", "DAILY": "daily",
    "WEEKLY_3": "three-times-a-week", "WEEKLY_2": "twice-weekly", "WEEKLY": "weekly",
    "MONTHLY_3": "three-times-a-month", "BIWEEKLY": "biweekly", "MONTHLY_2": "twice-monthly", "MONTHLY": "monthly",
    "BIMONTHLY": "bimonthly", "QUARTERLY": "quarterly", "ANNUAL_3": "three-times-a-year", "ANNUAL_2": "semiannual",
    "ANNUAL": "annual", "BIENNIAL": "biennial", "TRIENNIAL": "triennial", "IRREG": "irregular", "OTHER": "other",
    "UNKNOWN": "unknown", "NEVER": "never",
}
# The deprecated Dublin Core Collection Description frequencies and their EU replacement (for suggestions).
CLD_REPLACEMENT = {
    "annual": "ANNUAL", "biennial": "BIENNIAL", "bimonthly": "BIMONTHLY", "biweekly": "BIWEEKLY",
    "continuous": "CONT", "daily": "DAILY", "irregular": "IRREG", "monthly": "MONTHLY", "quarterly": "QUARTERLY",
    "semiannual": "ANNUAL_2", "semimonthly": "MONTHLY_2", "semiweekly": "WEEKLY_2", "threeTimesAMonth": "MONTHLY_3",
    "threeTimesAWeek": "WEEKLY_3", "threeTimesAYear": "ANNUAL_3", "triennial": "TRIENNIAL", "weekly": "WEEKLY",
}
STATUS_NOTATIONS = {"COMPLETED": "completed", "DEPRECATED": "deprecated", "DEVELOP": "under-development",
                    "WITHDRAWN": "withdrawn"}
CC_SV = {
    "by/4.0": ("CC BY 4.0 (Erkännande)", "CC-BY-4.0"),
    "by-nc/4.0": ("CC BY-NC 4.0 (Erkännande, Ickekommersiell)", "CC-BY-NC-4.0"),
    "by-nc-nd/4.0": ("CC BY-NC-ND 4.0 (Erkännande, Ickekommersiell, Inga bearbetningar)", "CC-BY-NC-ND-4.0"),
    "by-nc-sa/4.0": ("CC BY-NC-SA 4.0 (Erkännande, Ickekommersiell, DelaLika)", "CC-BY-NC-SA-4.0"),
    "by-nd/4.0": ("CC BY-ND 4.0 (Erkännande, Inga bearbetningar)", "CC-BY-ND-4.0"),
    "by-sa/4.0": ("CC BY-SA 4.0 (Erkännande, DelaLika)", "CC-BY-SA-4.0"),
    "zero/1.0": ("CC0 1.0 (Allmän egendom, ingen upphovsrätt)", "CC0-1.0"),
}


def cc_key(value: str) -> str:
    return "/".join(value.rstrip("/").split("/")[-2:])


def media_type_iri(value: str) -> str:
    return VOCAB + "media-type/" + value


SCHEMES = [
    Scheme("data-theme.ttl", EU + "data-theme", ["dcat:theme"], "Datateman (EU)", "Data themes (EU)",
           "The 13 EU data themes DCAT-AP-SE 3.0.1 allows for dcat:theme (Publications Office authority table "
           "data-theme). Notation: the EU code.", lambda v, en: last_segment(v)),
    Scheme("access-right.ttl", EU + "access-right", ["dcat:dcterms:accessRights"], "Åtkomsträttigheter",
           "Access rights", "Values of dcterms:accessRights in DCAT-AP-SE 3.0.1 (EU authority table access-right).",
           lambda v, en: ACCESS_NOTATIONS[last_segment(v)]),
    Scheme("frequency.ttl", EU + "frequency", ["dcat:dcterms:accrualPeriodicity_da"], "Uppdateringsfrekvenser",
           "Frequencies", "The 22 EU frequencies DCAT-AP-SE 3.0.1 allows for dcterms:accrualPeriodicity (EU "
           "authority table frequency).", lambda v, en: FREQUENCY_NOTATIONS[last_segment(v)]),
    Scheme("frequency-cld.ttl", VOCAB + "cld-frequency", ["dcat:dcterms:accrualPeriodicity-cld_da"],
           "Uppdateringsfrekvenser (föråldrade, Dublin Core CLD)", "Frequencies (deprecated, Dublin Core CLD)",
           "The 17 purl.org/cld/freq frequencies that DCAT-AP-SE 3.0.1 still lists as a deprecated (hidden) "
           "alternative for dcterms:accrualPeriodicity on datasets. Accepted with a warning; skos:exactMatch gives "
           "the EU frequency to use instead.", lambda v, en: "cld-" + last_segment(v),
           also=["exactMatch"]),
    Scheme("planned-availability.ttl", EU + "planned-availability", ["dcatap:availability"], "Planerad tillgänglighet",
           "Planned availability", "Values of dcatap:availability on distributions in DCAT-AP-SE 3.0.1 (EU "
           "authority table planned-availability; the 2.0 IRIs http://data.europa.eu/r5r/availability/* are no "
           "longer allowed).", lambda v, en: last_segment(v).lower()),
    Scheme("distribution-status.ttl", EU + "distribution-status", ["dcat:adms:status_di"], "Distributionsstatus",
           "Distribution status", "Values of adms:status on distributions in DCAT-AP-SE 3.0.1 (EU authority table "
           "distribution-status).", lambda v, en: STATUS_NOTATIONS[last_segment(v)]),
    Scheme("licences.ttl", VOCAB + "licence", ["dcat:dcterms:cc-license-choices"], "Creative Commons-licenser",
           "Creative Commons licences", "The Creative Commons licence IRIs DCAT-AP-SE 3.0.1 offers for "
           "dcterms:license, in their canonical form (http, trailing slash, no language suffix). Other licences "
           "are allowed as described dcterms:LicenseDocument resources. Notation: the SPDX identifier.",
           lambda v, en: CC_SV[cc_key(v)][1], extra_sv={}),
    Scheme("publisher-types.ttl", "http://purl.org/adms/publishertype/1.0", ["adms:publishertype"],
           "Aktörstyper", "Publisher types", "Values of dcterms:type on agents (publisher, creator) in DCAT-AP-SE "
           "3.0.1 (ADMS publisher type vocabulary; mandatory since 3.0.1).",
           lambda v, en: kebab(last_segment(v))),
    Scheme("hvd-categories.ttl", VOCAB + "hvd-category", ["dcatap:hvdCategory"], "Kategorier för värdefulla "
           "datamängder", "High-value dataset categories", "The 96 categories of high-value datasets (Commission "
           "Implementing Regulation (EU) 2023/138) DCAT-AP-SE 3.0.1 allows for dcatap:hvdCategory. Notation: the "
           "EU code (c_…).", lambda v, en: last_segment(v)),
    Scheme("hvd-legislation.ttl", VOCAB + "hvd-legislation", ["dcatap:applicableLegislation"],
           "Tillämplig lagstiftning", "Applicable legislation", "The one value DCAT-AP-SE 3.0.1 allows for "
           "dcatap:applicableLegislation: the high-value datasets regulation (EU) 2023/138.", lambda v, en: "hvd"),
    Scheme("language.ttl", EU + "language", ["dcat:dcterms:language"], "Språk", "Languages",
           "The 95 languages DCAT-AP-SE 3.0.1 offers for dcterms:language (EU authority table language). "
           "Notation: the EU code.", lambda v, en: last_segment(v)),
    Scheme("media-types.ttl", VOCAB + "media-type/common", ["dcat:format-group_common_choices"],
           "Vanliga medietyper", "Common media types", "The 17 common media types DCAT-AP-SE 3.0.1 lists for "
           "dcterms:format (a plain literal). Notation: the media type string itself.", lambda v, en: v,
           concept_iri=media_type_iri, extra_sv={"application/zip": "ZIP (.zip)"}),
    Scheme("media-types.ttl", VOCAB + "media-type/geo", ["geodcat:dcterms:format-INSPIRE"],
           "Medietyper för geodata", "Geospatial media types", "The 23 geospatial media types DCAT-AP-SE 3.0.1 "
           "lists for dcterms:format (GeoDCAT-AP / INSPIRE). Notation: the media type string itself.",
           lambda v, en: v, concept_iri=media_type_iri),
    Scheme("attribution-roles.ttl", "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole",
           ["geodcat:dcterms:type-responsiblepartyrole"], "Roller för tillskrivning", "Attribution roles",
           "Values of dcat:hadRole on a prov:Attribution (INSPIRE responsible party roles). Notation: the INSPIRE "
           "code.", lambda v, en: last_segment(v)),
    Scheme("architecture-styles.ttl", VOCAB + "architecture-style", ["dcat:dcterms:type_ds"],
           "Arkitekturstilar", "Architecture styles", "Values of dcterms:type on a data service (Wikidata items "
           "for REST and RPC).", lambda v, en: en),
    Scheme("fee-financing.ttl", VOCAB + "org-aspect", ["org:classification"], "Organisationsaspekter",
           "Organisation aspects", "The one value DCAT-AP-SE 3.0.1 allows for org:classification on an agent: the "
           "organisation is regulated to charge fees for some data and services.", lambda v, en: "fee-financed"),
]


def find_choices(templates: dict, ids: list[str]) -> list[dict]:
    for template_id in ids:
        choices = templates[template_id].get("choices")
        if choices:
            return choices
    raise SystemExit(f"no choices in bundle templates {ids}")


def load_templates(bundle_path: Path) -> dict:
    """Every template by id, including nested inline items that carry an id."""
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    return {t["id"]: t for t in bundle["templates"]}


def turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def concept_lines(scheme: Scheme, choice: dict) -> list[str]:
    value = choice["value"]
    label = choice.get("label", {})
    en = label.get("en") or value
    sv = label.get("sv") or scheme.extra_sv.get(value)
    if sv is None and scheme.filename == "licences.ttl":
        sv = CC_SV[cc_key(value)][0]
    if sv is None:
        raise SystemExit(f"no Swedish label for {value}")
    iri = scheme.concept_iri(value) if scheme.concept_iri else value
    lines = [f"<{iri}> a skos:Concept ;",
             f"    skos:inScheme <{scheme.iri}> ;",
             f"    skos:prefLabel {turtle_string(sv)}@sv, {turtle_string(en)}@en ;",
             f"    skos:notation {turtle_string(scheme.notation(value, en))}"]
    description = choice.get("description", {})
    if description.get("en") and description.get("sv"):
        lines[-1] += " ;"
        lines.append(f"    skos:definition {turtle_string(description['sv'])}@sv, "
                     f"{turtle_string(description['en'])}@en")
    if "exactMatch" in scheme.also:
        lines[-1] += " ;"
        lines.append(f"    skos:exactMatch <{EU}frequency/{CLD_REPLACEMENT[last_segment(value)]}>")
    lines[-1] += " ."
    return lines + [""]


def scheme_lines(scheme: Scheme, count: int) -> list[str]:
    return [f"<{scheme.iri}> a skos:ConceptScheme ;",
            f"    skos:prefLabel {turtle_string(scheme.label_sv)}@sv, {turtle_string(scheme.label_en)}@en ;",
            f"    rdfs:comment {turtle_string(scheme.comment + f' {count} concepts.')}@en ;",
            "    dcterms:source <https://github.com/diggsweden/DCAT-AP-SE/blob/master/3.0.1/bundle.json> .", ""]


HEADER = """# GENERATED by scripts/build_vocabularies.py from Digg's DCAT-AP-SE 3.0.1 template bundle
# (diggsweden/DCAT-AP-SE 3.0.1/bundle.json, CC BY 4.0). Do not edit by hand: change the script and re-run it.
# Merged into the data graph before validation: it types only skos:Concept / skos:ConceptScheme.

@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

"""


def build(bundle_path: Path) -> dict[str, str]:
    """Filename -> Turtle text."""
    templates = load_templates(bundle_path)
    files: dict[str, list[str]] = {}
    for scheme in SCHEMES:
        choices = find_choices(templates, scheme.templates)
        lines = files.setdefault(scheme.filename, [])
        lines += scheme_lines(scheme, len(choices))
        for choice in choices:
            lines += concept_lines(scheme, choice)
    return {name: HEADER + "\n".join(lines).rstrip() + "\n" for name, lines in files.items()}


def main(argv: list[str]) -> int:
    bundle = Path(argv[1]) if len(argv) > 1 else DEFAULT_BUNDLE
    out = Path(argv[2]) if len(argv) > 2 else REPO / "vocabularies"
    for name, text in build(bundle).items():
        (out / name).write_text(text, encoding="utf-8")
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
