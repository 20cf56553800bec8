"""The description format as data: one table maps every YAML/JSON key to its RDF property and value kind.

build.py (dict -> RDF), parse.py (RDF -> dict) and schema.py (the JSON Schema) all read this table, so a property is
added in one place. Each entry has a title and a help text in English and Swedish (shown by editors on hover).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, RDFS

from ..namespaces import (ADMS, DCAT, DCATAP, DCTERMS, DQV, FOAF, GRUNDDATA_SCHEME, LOCN, ODRS, PROV, SCHEMA, SPDX,
                          VCARD)

ORG = Namespace("https://www.w3.org/ns/org#")  # as in the DCAT-AP-SE 3.0.1 template bundle
OA = Namespace("http://www.w3.org/ns/oa#")
ORGANISATION_BASE = "http://dataportal.se/organisation/SE"
PARENT = "@parent"  # a default meaning "the resource this object belongs to"

# SKOS schemes in vocabularies/*.ttl whose skos:notation gives the friendly value.
THEMES = ("http://publications.europa.eu/resource/authority/data-theme",)
ACCESS = ("http://publications.europa.eu/resource/authority/access-right",)
FREQUENCY = ("http://publications.europa.eu/resource/authority/frequency",
             "https://w3id.org/ena-grunddata/vocab/cld-frequency")
LICENCES = ("https://w3id.org/ena-grunddata/vocab/licence",)
LANGUAGES = ("http://publications.europa.eu/resource/authority/language",)
AVAILABILITY = ("http://publications.europa.eu/resource/authority/planned-availability",)
STATUS = ("http://publications.europa.eu/resource/authority/distribution-status",)
PUBLISHER_TYPES = ("http://purl.org/adms/publishertype/1.0",)
ORG_ASPECTS = ("https://w3id.org/ena-grunddata/vocab/org-aspect",)
HVD_CATEGORIES = ("https://w3id.org/ena-grunddata/vocab/hvd-category",)
LEGISLATION = ("https://w3id.org/ena-grunddata/vocab/hvd-legislation",)
ARCHITECTURE = ("https://w3id.org/ena-grunddata/vocab/architecture-style",)
ATTRIBUTION_ROLES = ("http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole",)
DOMAINS = (GRUNDDATA_SCHEME,)
MEDIA_TYPES = ("https://w3id.org/ena-grunddata/vocab/media-type/common",
               "https://w3id.org/ena-grunddata/vocab/media-type/geo")

# Value kinds. Scalars: text (multilingual), literal, iri, email, tel, code, date, decimal, integer, duration, wkt.
# Structured: ref (a key of another section, or an IRI), object (an inline object, or a reference/IRI).


@dataclass(frozen=True)
class Field:
    key: str
    predicate: URIRef
    kind: str
    en: str
    sv: str
    many: bool = False
    schemes: tuple = ()  # code: the SKOS schemes of friendly values; literal: schemes that only suggest values
    target: str = ""  # ref/object: the entity kind
    strict: bool = False  # code: when reading RDF, take only values of the schemes (others go to the next field)
    default: object = None  # YAML value used when the key is absent (write [] / null to have none)
    level: str = ""  # M(andatory) / R(ecommended) / O(ptional) in DCAT-AP-SE 3.0.1, shown in help
    pattern: str = ""  # literal: the form values must have (checked by the schema, and when reading RDF)


@dataclass(frozen=True)
class Kind:
    name: str
    types: tuple  # rdf:type values written unless `rdf_type` says otherwise
    en: str
    sv: str
    fields: tuple
    section: str = ""  # top-level section that holds entities of this kind (empty: only inline)
    shorthand: str = ""  # an inline object may be written as just this field's value
    fields_by_key: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.fields_by_key.update({f.key: f for f in self.fields})


def F(key, predicate, kind, en, sv, **options):
    return Field(key, predicate, kind, en, sv, **options)


# --- fields several classes share -------------------------------------------------------------------------------

def title(level="M"):
    return F("title", DCTERMS.title, "text", "Title, per language: {sv: …, en: …}.",
             "Titel, per språk: {sv: …, en: …}.", level=level)


def description(level="M"):
    return F("description", DCTERMS.description, "text", "Description, per language: {sv: …, en: …}.",
             "Beskrivning, per språk: {sv: …, en: …}.", level=level)


def publisher(level="M"):
    return F("publisher", DCTERMS.publisher, "ref", "The publisher: a key under `agents`, or an IRI.",
             "Utgivaren: en nyckel under `agents`, eller en IRI.", target="Agent", level=level)


def issued():
    return F("issued", DCTERMS.issued, "date", "Date of publication (YYYY-MM-DD, a date-time or a year).",
             "Utgivningsdatum (ÅÅÅÅ-MM-DD, datum och tid, eller ett år).", level="R")


def modified():
    return F("modified", DCTERMS.modified, "date", "Date of the latest change (YYYY-MM-DD, a date-time or a year).",
             "Datum för senaste ändring (ÅÅÅÅ-MM-DD, datum och tid, eller ett år).", level="O")


def identifier():
    return F("identifier", DCTERMS.identifier, "literal",
             "Stable identifier (dcterms:identifier). `describe` mints a UUID once and writes it back into the "
             "file; write [] to have none.",
             "Stabil identifierare (dcterms:identifier). `describe` skapar en UUID en gång och skriver in den i "
             "filen; skriv [] för ingen.", many=True, level="O")


def language():
    return F("language", DCTERMS.language, "code", "Language(s), EU code such as SWE or ENG.",
             "Språk, EU-kod som SWE eller ENG.", many=True, schemes=LANGUAGES, level="O")


def contact_point():
    return F("contact_point", DCAT.contactPoint, "ref", "Contact point(s): keys under `contacts`, or IRIs.",
             "Kontaktpunkt(er): nycklar under `contacts`, eller IRI:er.", many=True, target="Contact", level="R")


def keyword():
    return F("keyword", DCAT.keyword, "text", "Keywords per language: {sv: [ord, …], en: [word, …]}.",
             "Nyckelord per språk: {sv: [ord, …], en: [word, …]}.", level="R")


def theme(level="R"):
    return F("theme", DCAT.theme, "code", "EU data theme(s), e.g. TRAN, ECON, SOCI.",
             "EU-datatema, t.ex. TRAN, ECON, SOCI.", many=True, schemes=THEMES, level=level)


def conforms_to(level="R"):
    return F("conforms_to", DCTERMS.conformsTo, "ref",
             "Specifications the resource conforms to: keys under `specifications`, or IRIs.",
             "Specifikationer som resursen följer: nycklar under `specifications`, eller IRI:er.", many=True,
             target="Specification", level=level)


def domain():
    return F("domain", DCTERMS.subject, "code",
             "National base-data domain (grunddatadomän), e.g. person or foretag: marks the resource as "
             "nationella grunddata.",
             "Grunddatadomän, t.ex. person eller foretag: markerar resursen som nationella grunddata.",
             many=True, schemes=DOMAINS, strict=True, level="O")


def subject():
    return F("subject", DCTERMS.subject, "iri", "Other subjects (dcterms:subject) as IRIs.",
             "Andra ämnen (dcterms:subject) som IRI:er.", many=True, level="O")


def hvd_category():
    return F("hvd_category", DCATAP.hvdCategory, "code",
             "High-value dataset categories (c_… codes); required when `legislation: hvd`.",
             "Kategorier för värdefulla datamängder (c_…-koder); krävs när `legislation: hvd`.",
             many=True, schemes=HVD_CATEGORIES, level="O")


def legislation():
    return F("legislation", DCATAP.applicableLegislation, "code",
             "Applicable legislation; `hvd` = the high-value datasets regulation (EU) 2023/138.",
             "Tillämplig lagstiftning; `hvd` = förordningen om värdefulla datamängder (EU) 2023/138.",
             many=True, schemes=LEGISLATION, level="O")


def spatial():
    return F("spatial", DCTERMS.spatial, "object",
             "Spatial coverage: place IRIs (e.g. http://sws.geonames.org/2661886) or {centroid, bbox, geometry}.",
             "Geografisk täckning: IRI:er för platser (t.ex. http://sws.geonames.org/2661886) eller "
             "{centroid, bbox, geometry}.", many=True, target="Location", level="R")


def temporal():
    return F("temporal", DCTERMS.temporal, "object", "Time period(s) covered: {start: YYYY-MM-DD, end: …}.",
             "Tidsperiod(er) som omfattas: {start: ÅÅÅÅ-MM-DD, end: …}.", many=True, target="Period", level="R")


def iris(key, predicate, en, sv, level="O", many=True, **options):
    return F(key, predicate, "iri", en, sv, many=many, level=level, **options)


def landing_page():
    return iris("landing_page", DCAT.landingPage, "Web page(s) about the resource.", "Webbsida(or) om resursen.")


def page():
    return F("page", FOAF.page, "ref", "Documentation pages (foaf:page): keys under `documents` (which give the page "
             "its title), or IRIs.", "Dokumentationssidor (foaf:page): nycklar under `documents` (som ger sidan "
             "dess titel), eller IRI:er.", many=True, target="Document", level="O")


def relation():
    return iris("relation", DCTERMS.relation, "Related resources (IRIs).", "Relaterade resurser (IRI:er).")


def qualified_relation():
    return F("qualified_relation", DCAT.qualifiedRelation, "object", "Relations with a role: {role, relation}.",
             "Relationer med roll: {role, relation}.", many=True, target="Relationship")


def access():
    return F("access", DCTERMS.accessRights, "code", "Access rights: public, restricted or non-public.",
             "Åtkomsträttigheter: public (öppen), restricted (begränsad) eller non-public (ej offentlig).",
             schemes=ACCESS, level="R")


def frequency():
    return F("frequency", DCTERMS.accrualPeriodicity, "code", "Update frequency, e.g. daily, weekly, annual.",
             "Uppdateringsfrekvens, t.ex. daily, weekly, annual.", schemes=FREQUENCY, level="O")


def license_(level="R", many=False):
    return F("license", DCTERMS.license, "code", "Licence: CC-BY-4.0, CC0-1.0 … or the IRI of a licence document.",
             "Licens: CC-BY-4.0, CC0-1.0 … eller IRI:n till ett licensdokument.", schemes=LICENCES, level=level,
             many=many)


def rights():
    return F("rights", DCTERMS.rights, "object", "Rights statement: {description, attribution_text, …}.",
             "Rättighetsangivelse: {description, attribution_text, …}.", target="Rights", level="O")


# DCAT-AP-SE 3.0.1's pattern for a media type outside its lists (the bundle's dcterms:format template).
MEDIA_TYPE_PATTERN = r"^\w+/[-.\w]+(?:\+[-.\w]+)?(\s*;\s*\w+=\w+)?$"


def media_format():
    return F("format", DCTERMS["format"], "literal", "Media type, e.g. text/csv, application/json.",
             "Medietyp, t.ex. text/csv, application/json.", schemes=MEDIA_TYPES, level="R",
             pattern=MEDIA_TYPE_PATTERN)


def temporal_resolution():
    return F("temporal_resolution", DCAT.temporalResolution, "duration", "Smallest time difference (xsd:duration, "
             "e.g. P1D).", "Minsta tidsskillnad (xsd:duration, t.ex. P1D).")


def spatial_resolution():
    return F("spatial_resolution", DCAT.spatialResolutionInMeters, "decimal", "Spatial resolution in metres.",
             "Rumslig upplösning i meter.")


# --- the kinds --------------------------------------------------------------------------------------------------

CATALOG = Kind("Catalog", (DCAT.Catalog,), "The catalogue (dcat:Catalog).", "Katalogen (dcat:Catalog).", (
    title(), description(), publisher(),
    F("license", DCTERMS.license, "code", "Licence of the catalogue metadata; DCAT-AP-SE requires CC0-1.0.",
      "Licens för katalogens metadata; DCAT-AP-SE kräver CC0-1.0.", schemes=LICENCES, level="M"),
    F("datasets", DCAT.dataset, "ref",
      "Datasets and series in the catalogue (keys or IRIs). Default: every dataset and series in the file.",
      "Datamängder och serier i katalogen (nycklar eller IRI:er). Standard: alla datamängder och serier i filen.",
      many=True,
      target="Dataset", level="M"),
    F("services", DCAT.service, "ref", "Data services in the catalogue (keys or IRIs). Default: every service in "
      "the file.", "Datatjänster i katalogen (nycklar eller IRI:er). Standard: alla datatjänster i filen.",
      many=True, target="DataService"),
    issued(), modified(), language(),
    iris("homepage", FOAF.homepage, "Home page of the catalogue.", "Katalogens webbplats.", level="R"),
    spatial(),
    iris("theme_taxonomy", DCAT.themeTaxonomy, "Theme taxonomies used (the EU data themes: "
         "http://publications.europa.eu/resource/authority/data-theme).",
         "Temataxonomier som används (EU:s datateman: http://publications.europa.eu/resource/authority/data-theme).",
         level="R"),
    rights(),
    iris("has_part", DCTERMS.hasPart, "Sub-catalogues (IRIs).", "Underkataloger (IRI:er)."),
    iris("is_part_of", DCTERMS.isPartOf, "The catalogue this one is part of.", "Katalogen som denna ingår i.",
         many=False),
    iris("catalog", DCAT.catalog, "Catalogues listed in this one (dcat:catalog).",
         "Kataloger som listas i denna (dcat:catalog)."),
    F("creator", DCTERMS.creator, "ref", "Creator: a key under `agents`, or an IRI.",
      "Skapare: en nyckel under `agents`, eller en IRI.", target="Agent"),
))

PERIOD = Kind("Period", (DCTERMS.PeriodOfTime,), "A period of time.", "En tidsperiod.", (
    F("start", DCAT.startDate, "date", "First day (YYYY-MM-DD).", "Första dag (ÅÅÅÅ-MM-DD).", level="R"),
    F("end", DCAT.endDate, "date", "Last day (YYYY-MM-DD).", "Sista dag (ÅÅÅÅ-MM-DD).", level="R"),
))

LOCATION = Kind("Location", (DCTERMS.Location,), "A place, by IRI or by geometry.",
                "En plats, som IRI eller som geometri.", (
    F("centroid", DCAT.centroid, "wkt", "Centre point (WKT), e.g. POINT(18.07 59.33).",
      "Mittpunkt (WKT), t.ex. POINT(18.07 59.33).", level="R"),
    F("bbox", DCAT.bbox, "wkt", "Bounding box (WKT polygon).", "Omslutande rektangel (WKT-polygon).", level="R"),
    F("geometry", LOCN.geometry, "wkt", "Geometry (WKT).", "Geometri (WKT)."),
    F("label", RDFS.label, "text", "Name of the place, per language.", "Platsens namn, per språk."),
))

TELEPHONE = Kind("Telephone", (VCARD.Voice,), "A telephone number.", "Ett telefonnummer.", (
    F("value", VCARD.hasValue, "tel", "The number, e.g. +46 8 123 456 00 (becomes a tel: IRI).",
      "Numret, t.ex. +46 8 123 456 00 (blir en tel:-IRI).", level="M"),
), shorthand="value")

ADDRESS = Kind("Address", (VCARD.Address,), "A postal address.", "En postadress.", (
    F("street", VCARD["street-address"], "text", "Street address.", "Gatuadress.", level="R"),
    F("postal_code", VCARD["postal-code"], "text", "Postal code.", "Postnummer.", level="R"),
    F("locality", VCARD.locality, "text", "Town or city.", "Ort.", level="R"),
    F("country", VCARD["country-name"], "text", "Country.", "Land.", level="R"),
))

CONTACT = Kind("Contact", (VCARD.Organization,), "A contact point (vCard); never the publisher's IRI.",
               "En kontaktpunkt (vCard); aldrig samma IRI som utgivaren.", (
    F("name", VCARD.fn, "text", "Name of the contact (a function, not a person, is best).",
      "Kontaktens namn (en funktion snarare än en person).", level="M"),
    F("email", VCARD.hasEmail, "email", "E-mail address(es), e.g. info@example.se.",
      "E-postadress(er), t.ex. info@example.se.", many=True, level="M"),
    F("phone", VCARD.hasTelephone, "object", "Telephone number(s).", "Telefonnummer.", many=True,
      target="Telephone", level="R"),
    F("address", VCARD.hasAddress, "object", "Postal address(es).", "Postadress(er).", many=True, target="Address",
      level="R"),
    iris("url", VCARD.hasURL, "Web page(s) of the contact.", "Kontaktens webbsida(or)."),
), section="contacts")

AGENT = Kind("Agent", (FOAF.Organization,), "An organisation (publisher, creator, …).",
             "En organisation (utgivare, skapare, …).", (
    F("orgnr", DCTERMS.identifier, "orgnr",
      "Swedish organisation number (10 digits, e.g. 202100-5489): the IRI becomes "
      "http://dataportal.se/organisation/SE<orgnr> and the number is written as dcterms:identifier.",
      "Organisationsnummer (10 siffror, t.ex. 202100-5489): IRI:n blir "
      "http://dataportal.se/organisation/SE<orgnr> och numret skrivs som dcterms:identifier."),
    F("name", FOAF.name, "text", "Name, per language.", "Namn, per språk.", level="M"),
    F("type", DCTERMS.type, "code", "Kind of publisher, e.g. national-authority, local-authority, company.",
      "Typ av utgivare, t.ex. national-authority (statlig myndighet), local-authority (kommun), company (företag).",
      schemes=PUBLISHER_TYPES, level="M"),
    description("R"),
    F("classification", ORG.classification, "code", "fee-financed: the organisation is regulated to charge fees.",
      "fee-financed: organisationen är reglerad att ta ut avgifter.", schemes=ORG_ASPECTS, level="R"),
    F("identifier", DCTERMS.identifier, "literal", "Identifier(s), e.g. the organisation number.",
      "Identifierare, t.ex. organisationsnumret.", many=True, level="R"),
    iris("homepage", FOAF.homepage, "Home page(s).", "Webbplats(er)."),
    F("email", FOAF.mbox, "email", "E-mail address(es).", "E-postadress(er).", many=True),
    iris("same_as", OWL.sameAs, "Other IRIs of the same organisation.", "Andra IRI:er för samma organisation."),
), section="agents")

SPECIFICATION = Kind("Specification", (DCTERMS.Standard,), "A specification or standard (dcterms:Standard).",
                     "En specifikation eller standard (dcterms:Standard).", (
    title("R"), description("R"), publisher("O"),
    F("version", DCAT.version, "literal", "Version of the specification.", "Specifikationens version."),
    issued(), modified(), page(), landing_page(),
), section="specifications")

LICENSE_DOCUMENT = Kind("License", (DCTERMS.LicenseDocument,), "A licence document (for licences outside the "
                        "code list).", "Ett licensdokument (för licenser utanför kodlistan).", (
    title("R"), description("R"),
    F("type", DCTERMS.type, "iri", "Licence type (IRI).", "Licenstyp (IRI).", many=True),
), section="licenses")

DOCUMENT = Kind("Document", (FOAF.Document,), "A web document (e.g. a page that `page` links to), with a title.",
                "Ett webbdokument (t.ex. en sida som `page` länkar till), med titel.", (
    title("R"), description("R"),
), section="documents")

RIGHTS = Kind("Rights", (DCTERMS.RightsStatement,), "A rights statement.", "En rättighetsangivelse.", (
    description("O"),
    F("attribution_text", ODRS.attributionText, "text", "Text to use when attributing.",
      "Text att använda vid erkännande.", level="R"),
    iris("attribution_url", ODRS.attributionURL, "Link to use when attributing.", "Länk att använda vid erkännande.",
         level="R"),
    F("copyright_notice", ODRS.copyrightNotice, "text", "Copyright notice.", "Upphovsrättsmeddelande."),
    iris("copyright_statement", ODRS.copyrightStatement, "Copyright statement (IRI).",
         "Upphovsrättsangivelse (IRI).", level="R"),
    F("copyright_year", ODRS.copyrightYear, "literal", "Copyright year.", "Upphovsrättsår.", many=True),
    F("copyright_holder", ODRS.copyrightHolder, "ref", "Copyright holder(s): agent keys or IRIs.",
      "Upphovsrättsinnehavare: agentnycklar eller IRI:er.", many=True, target="Agent", level="R"),
    iris("jurisdiction", ODRS.jurisdiction, "Jurisdiction (IRI).", "Jurisdiktion (IRI).", level="R"),
    iris("reuser_guidelines", ODRS.reuserGuidelines, "Guidelines for re-users (IRI).",
         "Riktlinjer för vidareutnyttjare (IRI).", level="R"),
))

CHECKSUM = Kind("Checksum", (SPDX.Checksum,), "A checksum of the file.", "En kontrollsumma för filen.", (
    F("value", SPDX.checksumValue, "literal", "The checksum value (hex).", "Kontrollsummans värde (hex).",
      level="M"),
    F("algorithm", SPDX.algorithm, "iri", "Algorithm IRI (http://spdx.org/rdf/terms#checksumAlgorithm_sha1).",
      "Algoritmens IRI (http://spdx.org/rdf/terms#checksumAlgorithm_sha1).", many=False, level="M",
      default="http://spdx.org/rdf/terms#checksumAlgorithm_sha1"),
))

RELATIONSHIP = Kind("Relationship", (DCAT.Relationship,), "A relation with a role.", "En relation med en roll.", (
    iris("role", DCAT.hadRole, "Role (IRI, https://www.dataportal.se/terminology/resource-role/…).",
         "Roll (IRI, https://www.dataportal.se/terminology/resource-role/…).", level="M", many=False),
    iris("relation", DCTERMS.relation, "The related resource (IRI).", "Den relaterade resursen (IRI).", level="M",
         many=False),
))

ATTRIBUTION = Kind("Attribution", (PROV.Attribution,), "An agent with a role.", "En aktör med en roll.", (
    F("role", DCAT.hadRole, "code", "Role, e.g. custodian, owner, distributor.",
      "Roll, t.ex. custodian (förvaltare), owner (ägare), distributor.", schemes=ATTRIBUTION_ROLES, level="M"),
    F("agent", PROV.agent, "ref", "The agent: a key under `agents`, or an IRI.",
      "Aktören: en nyckel under `agents`, eller en IRI.", target="Agent", level="M"),
))

OFFER = Kind("Offer", (SCHEMA.Offer,), "An offer (e.g. a fee).", "Ett erbjudande (t.ex. en avgift).", (
    F("description", SCHEMA.description, "text", "What is offered and on which terms.",
      "Vad som erbjuds och på vilka villkor.", level="M"),
    iris("page", SCHEMA.mainEntityOfPage, "Page with details.", "Sida med detaljer.", level="R", many=False),
))

PROVENANCE = Kind("Provenance", (DCTERMS.ProvenanceStatement,), "How the data came about.",
                  "Hur uppgifterna har tillkommit.", (description("M"),))

QUALITY = Kind("Quality", (DQV.QualityAnnotation,), "A quality annotation pointing at a quality declaration.",
               "En kvalitetsanteckning som pekar på en kvalitetsdeklaration.", (
    iris("body", OA.hasBody, "The quality document (IRI).", "Kvalitetsdokumentet (IRI).", level="M", many=False),
    iris("motivation", OA.motivatedBy, "Why (default: dqv:qualityAssessment).",
         "Varför (standard: dqv:qualityAssessment).", many=False, default=str(DQV.qualityAssessment)),
    iris("target", OA.hasTarget, "What is annotated (default: the dataset itself).",
         "Vad som kommenteras (standard: datamängden själv).", many=False, default=PARENT),
), shorthand="body")

DISTRIBUTION = Kind("Distribution", (DCAT.Distribution,), "A distribution: a file or an API access.",
                    "En distribution: en fil eller en API-åtkomst.", (
    F("access_url", DCAT.accessURL, "iri", "Where to get access (page, file or API).",
      "Var åtkomst ges (sida, fil eller API).", many=True, level="M"),
    title("O"), description("R"), media_format(),
    license_("R", many=True),
    F("availability", DCATAP.availability, "code", "Planned availability: temporary, experimental, available, "
      "stable.", "Planerad tillgänglighet: temporary, experimental, available, stable.", schemes=AVAILABILITY,
      level="R"),
    iris("download_url", DCAT.downloadURL, "Direct download link(s).", "Direktlänk(ar) för nedladdning."),
    F("access_service", DCAT.accessService, "ref", "Data service(s) giving access: keys under `services` or IRIs.",
      "Datatjänst(er) som ger åtkomst: nycklar under `services` eller IRI:er.", many=True, target="DataService"),
    F("status", ADMS.status, "code", "Status: completed, deprecated, under-development, withdrawn.",
      "Status: completed, deprecated, under-development, withdrawn.", schemes=STATUS),
    temporal_resolution(), spatial_resolution(),
    F("byte_size", DCAT.byteSize, "integer", "Size in bytes.", "Storlek i byte."),
    language(), issued(), modified(), legislation(), rights(),
    F("checksum", SPDX.checksum, "object", "Checksum {value, algorithm}.", "Kontrollsumma {value, algorithm}.",
      target="Checksum"),
    page(),
    F("conforms_to", DCTERMS.conformsTo, "ref", "Linked schemas (e.g. an OpenAPI file): specification keys or "
      "IRIs.", "Länkade scheman (t.ex. en OpenAPI-fil): specifikationsnycklar eller IRI:er.", many=True,
      target="Specification"),
    iris("media_type", DCAT.mediaType, "IANA media type IRI (dcat:mediaType).", "IANA-medietyp som IRI."),
), section="distributions")

DATASET = Kind("Dataset", (DCAT.Dataset,), "A dataset.", "En datamängd.", (
    identifier(), title(), description(), publisher(), domain(), subject(),
    legislation(), hvd_category(), contact_point(), keyword(), theme(), conforms_to(), access(), frequency(),
    spatial(), temporal(), issued(), modified(), language(), landing_page(), page(),
    F("distributions", DCAT.distribution, "object", "Distributions: inline objects, or keys under "
      "`distributions`, or IRIs.", "Distributioner: objekt direkt här, eller nycklar under `distributions`, "
      "eller IRI:er.", many=True, target="Distribution", level="O"),
    F("quality", DQV.hasQualityAnnotation, "object", "Quality documentation: the IRI of a quality declaration, or "
      "{body, motivation}.", "Kvalitetsdokumentation: IRI:n till en kvalitetsdeklaration, eller {body, motivation}.",
      many=True, target="Quality"),
    F("in_series", DCAT.inSeries, "ref", "Series the dataset belongs to: keys under `series`, or IRIs.",
      "Serie(r) som datamängden ingår i: nycklar under `series`, eller IRI:er.", many=True, target="Series"),
    F("other_identifier", ADMS.identifier, "literal", "Other identifiers (adms:identifier).",
      "Andra identifierare (adms:identifier).", many=True),
    F("creator", DCTERMS.creator, "ref", "Creator: a key under `agents`, or an IRI.",
      "Skapare: en nyckel under `agents`, eller en IRI.", target="Agent"),
    F("attribution", PROV.qualifiedAttribution, "object", "Other agents and their roles: {role, agent}.",
      "Andra aktörer och deras roller: {role, agent}.", many=True, target="Attribution"),
    temporal_resolution(), spatial_resolution(),
    F("version", DCAT.version, "literal", "Version.", "Version."),
    F("version_notes", ADMS.versionNotes, "text", "What changed in this version.", "Vad som ändrats i versionen."),
    F("source", DCTERMS.source, "ref", "Datasets this one is derived from (keys or IRIs).",
      "Datamängder som denna härrör från (nycklar eller IRI:er).", many=True, target="Dataset"),
    F("has_version", DCAT.hasVersion, "ref", "Other versions (keys or IRIs).", "Andra versioner (nycklar eller "
      "IRI:er).", many=True, target="Dataset"),
    iris("is_referenced_by", DCTERMS.isReferencedBy, "Resources that cite this dataset.",
         "Resurser som hänvisar till datamängden."),
    relation(), qualified_relation(),
    F("offers", SCHEMA.offers, "object", "Offers (e.g. fees): {description, page}.",
      "Erbjudanden (t.ex. avgifter): {description, page}.", many=True, target="Offer"),
    F("provenance", DCTERMS.provenance, "object", "Provenance statements: {description}.",
      "Proveniens: {description}.", many=True, target="Provenance"),
), section="datasets")

DATA_SERVICE = Kind("DataService", (DCAT.DataService,), "A data service (an API).", "En datatjänst (ett API).", (
    identifier(), title(), description("O"), publisher("O"), domain(), subject(),
    F("endpoint_url", DCAT.endpointURL, "iri", "Root address of the API.", "API:ets rotadress.", many=True,
      level="M"),
    iris("endpoint_description", DCAT.endpointDescription, "Machine-readable API description (OpenAPI …).",
         "Maskinläsbar API-beskrivning (OpenAPI …).", level="R"),
    legislation(), hvd_category(), contact_point(), keyword(), media_format(), license_("R", many=True), access(),
    F("style", DCTERMS.type, "code", "Architecture style: REST or RPC.", "Arkitekturstil: REST eller RPC.",
      many=True, schemes=ARCHITECTURE),
    theme("O"), conforms_to("O"),
    F("serves_dataset", DCAT.servesDataset, "ref", "Datasets the service gives access to: keys or IRIs.",
      "Datamängder som tjänsten ger åtkomst till: nycklar eller IRI:er.", many=True, target="Dataset"),
    landing_page(), page(), issued(), modified(), language(),
), section="services")

SERIES = Kind("Series", (DCAT.DatasetSeries,), "A dataset series.", "En dataserie.", (
    identifier(), title(), description(), publisher(), domain(), subject(), legislation(), hvd_category(),
    contact_point(), keyword(), theme(), conforms_to(), issued(), modified(), spatial(), temporal(), frequency(),
    landing_page(), relation(), qualified_relation(), page(),
), section="series")

KINDS = {k.name: k for k in (CATALOG, PERIOD, LOCATION, TELEPHONE, ADDRESS, CONTACT, AGENT, SPECIFICATION,
                             LICENSE_DOCUMENT, DOCUMENT, RIGHTS, CHECKSUM, RELATIONSHIP, ATTRIBUTION, OFFER, PROVENANCE, QUALITY,
                             DISTRIBUTION, DATASET, DATA_SERVICE, SERIES)}

# Top-level sections holding named entities, in the order files are written. Datasets and services may be
# referenced from sections written before them, so references are resolved after every section is named.
SECTIONS = {k.section: k for k in (AGENT, CONTACT, SPECIFICATION, LICENSE_DOCUMENT, DOCUMENT, DATASET, DATA_SERVICE,
                                   SERIES, DISTRIBUTION)}
SECTION_ORDER = ("agents", "contacts", "specifications", "licenses", "documents", "datasets", "services", "series",
                 "distributions")
# Sections a reference of each target kind may name (a dataset reference may also name a series).
REFERENCE_SECTIONS = {"Agent": ("agents",), "Contact": ("contacts",), "Specification": ("specifications",),
                      "Dataset": ("datasets", "series"), "DataService": ("services",), "Series": ("series",),
                      "Distribution": ("distributions",), "License": ("licenses",), "Document": ("documents",)}
# Entities that get a stable dcterms:identifier (minted once, written back into the file).
MINTED_SECTIONS = ("datasets", "services", "series")
TOP_LEVEL_KEYS = ("$schema", "base", "catalog", *SECTION_ORDER, "extra")
