"""The JSON Schema (draft 2020-12) of the description format, generated from model.py.

The shipped file `ena_grunddata/data/description.schema.json` is this schema without code lists (they live in the
vocabularies); `full_schema(vocab)` adds every friendly code from the loaded vocabularies as an `enum`, which is what
`ena-grunddata schema` prints and what the check uses. Every property has an English `title` and `description` and
the Swedish text in `x-title-sv` / `x-description-sv`; the description also carries the Swedish after a blank line,
since editors show `description` on hover.
"""

from __future__ import annotations

import copy
import json
from importlib import resources

from .model import CATALOG, KINDS, SECTIONS, TOP_LEVEL_KEYS
from .values import DATE_PATTERN, IRI_PATTERN, Vocab, curie

SCHEMA_ID = "https://w3id.org/ena-grunddata/description.schema.json"
LEVELS = {"M": ("Mandatory in DCAT-AP-SE.", "Obligatorisk i DCAT-AP-SE."),
          "R": ("Recommended in DCAT-AP-SE.", "Rekommenderad i DCAT-AP-SE."),
          "O": ("Optional.", "Valfri.")}
# Swedish titles of the keys (the English title is the key itself, spelled out).
TITLES_SV = {
    "access": "Åtkomsträttigheter", "access_service": "Åtkomsttjänst", "access_url": "Åtkomstadress",
    "address": "Adress", "agent": "Aktör", "algorithm": "Algoritm", "attribution": "Tillskrivning",
    "attribution_text": "Erkännandetext", "attribution_url": "Erkännandelänk", "availability": "Tillgänglighet",
    "bbox": "Omslutande rektangel", "body": "Dokument", "byte_size": "Storlek i byte", "catalog": "Kataloger",
    "centroid": "Mittpunkt", "checksum": "Kontrollsumma", "classification": "Klassificering",
    "conforms_to": "Följer specifikation", "contact_point": "Kontaktpunkt", "copyright_holder": "Upphovsrättsinnehavare",
    "copyright_notice": "Upphovsrättsmeddelande", "copyright_statement": "Upphovsrättsangivelse",
    "copyright_year": "Upphovsrättsår", "country": "Land", "creator": "Skapare", "datasets": "Datamängder",
    "description": "Beskrivning", "distributions": "Distributioner", "domain": "Grunddatadomän",
    "download_url": "Nedladdningslänk", "email": "E-post", "end": "Slutdatum",
    "endpoint_description": "Beskrivning av API", "endpoint_url": "API-adress", "format": "Format",
    "frequency": "Uppdateringsfrekvens", "geometry": "Geometri", "has_part": "Underkataloger",
    "has_version": "Har version", "homepage": "Webbplats", "hvd_category": "HVD-kategori",
    "identifier": "Identifierare", "in_series": "Ingår i serie", "is_part_of": "Ingår i",
    "is_referenced_by": "Refereras av", "issued": "Utgivningsdatum", "jurisdiction": "Jurisdiktion",
    "keyword": "Nyckelord", "label": "Namn", "landing_page": "Landningssida", "language": "Språk",
    "legislation": "Tillämplig lagstiftning", "license": "Licens", "locality": "Ort", "media_type": "Medietyp",
    "modified": "Senast ändrad", "motivation": "Motivering", "name": "Namn", "offers": "Erbjudanden",
    "orgnr": "Organisationsnummer", "other_identifier": "Annan identifierare", "page": "Dokumentation",
    "phone": "Telefon", "postal_code": "Postnummer", "provenance": "Proveniens", "publisher": "Utgivare",
    "qualified_relation": "Kvalificerad relation", "quality": "Kvalitet", "relation": "Relation",
    "reuser_guidelines": "Riktlinjer för vidareutnyttjare", "rights": "Rättigheter", "role": "Roll",
    "same_as": "Samma som", "serves_dataset": "Tillhandahåller datamängd", "services": "Datatjänster",
    "source": "Källa", "spatial": "Geografiskt område", "spatial_resolution": "Rumslig upplösning",
    "start": "Startdatum", "status": "Status", "street": "Gatuadress", "style": "Arkitekturstil",
    "subject": "Ämne", "target": "Mål", "temporal": "Tidsperiod", "temporal_resolution": "Tidsupplösning",
    "theme": "Tema", "theme_taxonomy": "Temataxonomi", "title": "Titel", "type": "Typ", "url": "Webbadress",
    "value": "Värde", "version": "Version", "version_notes": "Versionsanteckningar",
}
LANGUAGE_TAG = r"^[A-Za-z]+(-[A-Za-z0-9]+)*$"  # what RDF (and rdflib) accept as a language tag


def helptext(en_title, sv_title, en, sv, extra_en="", extra_sv=""):
    en_text = " ".join(p for p in (en, extra_en) if p)
    sv_text = " ".join(p for p in (sv, extra_sv) if p)
    return {"title": en_title, "description": f"{en_text}\n\n(sv) {sv_text}", "x-title-sv": sv_title,
            "x-description-sv": sv_text}


def scalar_schema(spec) -> dict:
    kind = spec.kind
    if kind == "text":
        return {"$ref": "#/$defs/text"}
    if kind in ("iri", "ref"):
        return {"type": "string", "minLength": 1} if kind == "ref" else {"type": "string", "pattern": IRI_PATTERN}
    if kind in ("email", "tel", "literal", "duration", "wkt"):
        schema = {"type": "string", "minLength": 1}
        if kind == "literal" and spec.schemes:
            schema["x-ena-suggest"] = list(spec.schemes)
        if spec.pattern:
            schema["pattern"] = spec.pattern
        return schema
    if kind == "code":
        return {"type": "string", "minLength": 1, "x-ena-vocabulary": list(spec.schemes)}
    if kind == "date":
        return {"type": "string", "pattern": DATE_PATTERN}
    if kind == "decimal":
        return {"type": ["number", "string"], "pattern": r"^[+-]?(\d+\.?\d*|\.\d+)$"}
    if kind == "integer":
        return {"type": ["integer", "string"], "minimum": 0, "pattern": r"^\d+$"}
    if kind == "orgnr":  # "202100-5489", or the ten digits, quoted or not
        return {"type": ["string", "integer"], "pattern": r"^\d{6}-?\d{4}$", "minimum": 1000000000,
                "maximum": 9999999999}
    if kind == "object":
        target = KINDS[spec.target]
        options = [{"$ref": f"#/$defs/{target.name}"}, {"type": "string", "minLength": 1}]
        return {"anyOf": options}
    raise ValueError(kind)


def field_schema(spec) -> dict:
    item = scalar_schema(spec)
    if spec.many:
        schema = {"anyOf": [item, {"type": "array", "items": item}]}
    elif spec.default is not None:
        schema = {"anyOf": [item, {"type": "null"}]}
    else:
        schema = item
    level = LEVELS.get(spec.level, ("", ""))
    label = spec.key.replace("_", " ").capitalize()
    rdf = curie(spec.predicate)
    return {**helptext(label, TITLES_SV.get(spec.key, label), spec.en, spec.sv, f"{level[0]} RDF: {rdf}.", f"{level[1]} RDF: {rdf}."),
            **schema}


def kind_schema(kind) -> dict:
    properties = {"id": {**helptext("IRI", "IRI", "The IRI of this resource (or _:name for a blank node).",
                                    "Resursens IRI (eller _:namn för en blank nod)."),
                         "type": "string", "pattern": r"^(_:[A-Za-z0-9_]+|[A-Za-z][A-Za-z0-9+.-]*:\S*)$"},
                  "rdf_type": {**helptext("RDF types", "RDF-typer",
                                          "Replaces the rdf:type(s) written for this resource (prefixed names or "
                                          f"IRIs); default: {', '.join(t.n3() for t in kind.types)}.",
                                          "Ersätter rdf:type för resursen (prefixnamn eller IRI:er)."),
                               "type": "array", "items": {"type": "string"}}}
    for spec in kind.fields:
        properties[spec.key] = field_schema(spec)
    schema = {**helptext(kind.name, kind.name, kind.en, kind.sv), "type": "object", "properties": properties,
              "additionalProperties": False}
    return schema


def base_schema() -> dict:
    defs = {name: kind_schema(kind) for name, kind in KINDS.items()}
    defs["text"] = {
        **helptext("Text", "Text", "Text per language, e.g. {sv: Folkbokföring, en: Population register}; a list "
                   "for several values in one language. A plain string has no language tag.",
                   "Text per språk, t.ex. {sv: Folkbokföring, en: Population register}; en lista för flera värden "
                   "på ett språk. En ensam sträng får ingen språktagg."),
        "anyOf": [{"type": "string"},
                  {"type": "object", "propertyNames": {"pattern": LANGUAGE_TAG},
                   "additionalProperties": {"anyOf": [{"type": "string"},
                                                      {"type": "array", "items": {"type": "string"}}]}}]}
    properties = {
        "$schema": {**helptext("Schema", "Schema", "Address of this JSON Schema, for editors.",
                               "Adress till detta JSON Schema, för editorer."), "type": "string"},
        "base": {**helptext("Base IRI", "Bas-IRI", "Resources without `id` get base + section/key, e.g. "
                            "https://data.example.se/ + datasets/foretag.", "Resurser utan `id` får bas + "
                            "sektion/nyckel, t.ex. https://data.example.se/ + datasets/foretag."),
                 "type": "string", "pattern": IRI_PATTERN},
        "catalog": {"$ref": "#/$defs/Catalog", **helptext("Catalogue", "Katalog", CATALOG.en, CATALOG.sv)},
    }
    for section, kind in SECTIONS.items():
        properties[section] = {**helptext(section.capitalize(), section.capitalize(),
                                          f"{kind.en} One entry per key; other entries refer to it by its key.",
                                          f"{kind.sv} En post per nyckel; andra poster hänvisar till den med "
                                          "nyckeln."),
                               "type": "object", "additionalProperties": {"$ref": f"#/$defs/{kind.name}"}}
    properties["extra"] = {**helptext("Extra statements", "Extra satser",
                                      "RDF the format has no key for: a list of N-Triples lines (blank nodes "
                                      "_:x match `id: _:x`), or Turtle text (the project's prefixes are known).",
                                      "RDF som formatet saknar nyckel för: en lista med N-Triples-rader (blanka "
                                      "noder _:x motsvarar `id: _:x`), eller Turtle-text (projektets prefix är "
                                      "kända)."),
                           "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    assert set(properties) == set(TOP_LEVEL_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **helptext("ena-grunddata description", "ena-grunddata-beskrivning",
                   "A catalogue of DCAT-AP-SE metadata for national base data, in YAML or JSON. "
                   "`ena-grunddata describe` turns it into RDF.",
                   "En katalog med DCAT-AP-SE-metadata för nationella grunddata, i YAML eller JSON. "
                   "`ena-grunddata describe` gör RDF av den."),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "$defs": defs,
    }


def full_schema(vocab: Vocab) -> dict:
    """The schema with the friendly codes of the loaded vocabularies as enums (IRIs stay allowed)."""
    schema = copy.deepcopy(base_schema())
    for node in _walk(schema):
        schemes = node.get("x-ena-vocabulary")
        if schemes:
            codes = vocab.notations(schemes)
            node.pop("type", None)
            node.pop("minLength", None)
            node["anyOf"] = [{"type": "string", "enum": codes}, {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"}]
        suggest = node.get("x-ena-suggest")
        if suggest:
            node["examples"] = vocab.notations(suggest)
    return schema


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def shipped_schema() -> dict:
    return json.loads(resources.files("ena_grunddata.data").joinpath("description.schema.json").read_text("utf-8"))


def schema_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
