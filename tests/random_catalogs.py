"""Random DCAT-AP-SE catalogs with seeded defects, for the differential tests (tests/test_engine_differential.py).

`generate(seed)` builds one catalog of 1 to 20 datasets (with distributions, data services, contact points,
publishers, sometimes a dataset series, time periods, specifications, the grunddata marker and the HVD legislation),
then breaks it: each defect changes one resource, from the families below, so that every rule family meets wrong
data. The same seed gives the same catalog, byte for byte, in the same syntax (Turtle, N-Triples or RDF/XML).

Catalogs are independent by construction, so that several can be validated in one run and each still be judged on
its own: every IRI a catalog mints is its own (`owner_of`: it names the host c<seed>.example.se, or it is a
publisher IRI ending in -c<seed>), and what catalogs share (the registry's agencies in `shared_document`, vocabulary
terms) appears only as a value of the one property it is meant for, never described or re-typed by a catalog.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from itertools import count
from xml.sax.saxutils import escape, quoteattr

from ena_grunddata.load import Document

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
DCATAP = "http://data.europa.eu/r5r/"
ADMS = "http://www.w3.org/ns/adms#"
OWL = "http://www.w3.org/2002/07/owl#"
ENA = "https://w3id.org/ena-grunddata/ns#"
EU = "http://publications.europa.eu/resource/authority/"
ORG = "http://dataportal.se/organisation/SE"
GRUNDDATA = "https://www.dataportal.se/terminology/grunddata/"
HVD_LAW = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
NATIONAL = "http://purl.org/adms/publishertype/NationalAuthority"
LOCAL = "http://purl.org/adms/publishertype/LocalAuthority"

# The registry (vocabularies/grunddata.ttl): domain -> (responsible agency, registered producers).
DOMAINS = {
    "person": ("2021005448", ()),
    "foretag": ("2021005489", ("2021000837",)),
    "fastighets-och-geografisk-information": ("2021004888", ()),
    "halsa-vard-och-omsorg": ("2021006552", ()),
    "transportsystem": ("2021006297", ("2021006099",)),
}
AGENCIES = {"2021005448": "Skatteverket", "2021005489": "Bolagsverket", "2021004888": "Lantmäteriet",
            "2021006552": "E-hälsomyndigheten", "2021006297": "Trafikverket",
            "2021000837": "Statistiska centralbyrån", "2021006099": "Transportstyrelsen"}
THEMES = ["AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN"]
FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG", "CONT", "UPDATE_CONT"]
MEDIA = ["text/csv", "application/json", "application/xml", "application/geo+json", "application/vnd.ms-excel"]
HVD_CATEGORIES = ["c_ac64a52d", "c_a9135398", "c_b79e35eb", "c_dd313021", "c_164e0bf5", "c_e1da4e07"]


def iri(text: str) -> str:
    return f"<{text}>"


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{escaped}"@{lang}'
    return f'"{escaped}"^^<{datatype}>' if datatype else f'"{escaped}"'


def typed(text: str, name: str) -> str:
    return literal(text, datatype=XSD + name)


A = iri(RDF + "type")
OWNED = re.compile(r"//c([0-9]+)[.]example[.]se[/:]|@c([0-9]+)[.]example[.]se$|-c([0-9]+)$")


def owner_of(iri_text: str) -> int | None:
    """The seed of the catalog that made this IRI, if one did."""
    found = OWNED.search(iri_text)
    return int(next(group for group in found.groups() if group)) if found else None


def shared_document() -> Document:
    """The registry's agencies, described once for every run (catalogs only name them as publishers)."""
    lines = []
    for number, name in AGENCIES.items():
        subject = iri(ORG + number)
        lines += [f"{subject} {A} {iri(FOAF + 'Organization')} .",
                  f"{subject} {iri(FOAF + 'name')} {literal(name, 'sv')} .",
                  f"{subject} {iri(DCT + 'type')} {iri(NATIONAL)} .",
                  f"{subject} {iri(DCT + 'identifier')} {literal(number[:6] + '-' + number[6:])} ."]
    return Document(name="agencies.nt", data="\n".join(lines).encode(), format="ntriples",
                    base="https://relative.invalid/agencies.nt")


@dataclass
class Defect:
    family: str
    name: str
    focus: str | None  # the term (N-Triples syntax) the finding is about, when it is an IRI
    code: str | None  # the finding the rules must give (None: no rule checks this, the engines must still agree)


@dataclass
class Catalog:
    seed: int
    size: int
    syntax: str
    statements: dict  # subject -> list of [predicate, object], all N-Triples terms
    defects: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"catalog-{self.seed}.{ {'turtle': 'ttl', 'ntriples': 'nt', 'rdfxml': 'rdf'}[self.syntax]}"

    def document(self) -> Document:
        text = {"turtle": self.turtle, "ntriples": self.ntriples, "rdfxml": self.rdfxml}[self.syntax]()
        return Document(name=self.name, data=text.encode(), format=self.syntax,
                        base=f"https://relative.invalid/{self.name}")

    def triples(self):
        for subject, pairs in self.statements.items():
            for predicate, obj in pairs:
                yield subject, predicate, obj

    def ntriples(self) -> str:
        return "".join(f"{s} {p} {o} .\n" for s, p, o in self.triples())

    def turtle(self) -> str:
        blocks = []
        for subject, pairs in self.statements.items():
            if pairs:
                blocks.append(f"{subject}\n    " + " ;\n    ".join(f"{p} {o}" for p, o in pairs) + " .\n")
        return "\n".join(blocks)

    def rdfxml(self) -> str:
        prefixes: dict = {}

        def qname(predicate: str) -> str:
            text = predicate[1:-1]
            cut = max(text.rfind("#"), text.rfind("/")) + 1
            prefix = prefixes.setdefault(text[:cut], f"n{len(prefixes)}")
            return f"{prefix}:{text[cut:]}"

        def node(term: str) -> str:
            if term.startswith("_:"):
                return f"rdf:nodeID={quoteattr(term[2:])}"
            return f"rdf:about={quoteattr(term[1:-1])}"

        body = []
        for subject, pairs in self.statements.items():
            body.append(f"  <rdf:Description {node(subject)}>")
            for predicate, obj in pairs:
                name = qname(predicate)
                if obj.startswith("<"):
                    body.append(f"    <{name} rdf:resource={quoteattr(obj[1:-1])}/>")
                elif obj.startswith("_:"):
                    body.append(f"    <{name} rdf:nodeID={quoteattr(obj[2:])}/>")
                else:
                    text, lang, datatype = parse_literal(obj)
                    extra = f" xml:lang={quoteattr(lang)}" if lang else (
                        f" rdf:datatype={quoteattr(datatype)}" if datatype else "")
                    body.append(f"    <{name}{extra}>{escape(text)}</{name}>")
            body.append("  </rdf:Description>")
        spaces = "".join(f"\n    xmlns:{p}={quoteattr(ns)}" for ns, p in prefixes.items())
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="{RDF}"{spaces}>\n'
                + "\n".join(body) + "\n</rdf:RDF>\n")


def parse_literal(term: str) -> tuple[str, str | None, str | None]:
    """(text, language, datatype) of a literal written by `literal`."""
    end = term.rindex('"')
    text = term[1:end].replace("\\n", "\n").replace("\\r", "\r").replace('\\"', '"').replace("\\\\", "\\")
    rest = term[end + 1:]
    if rest.startswith("@"):
        return text, rest[1:], None
    return text, None, rest[3:-1] if rest.startswith("^^") else None


# ------------------------------------------------------------------------------------------------ the sound catalog


class Builder:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.syntax = self.rng.choices(["turtle", "ntriples", "rdfxml"], weights=[3, 1, 1])[0]
        self.base = f"https://c{seed}.example.se/"
        self.statements: dict = {}
        self.blank = count()
        self.datasets, self.distributions, self.services, self.contacts = [], [], [], []
        self.publishers, self.periods, self.specifications, self.series = [], [], [], []
        self.catalog = ""
        self.marked: dict = {}  # dataset -> domain slug
        self.touched: set = set()  # resources that have a defect already (one defect per resource)

    # terms
    def mint(self, path: str) -> str:
        return iri(self.base + path)

    def bnode(self) -> str:
        return f"_:b{next(self.blank)}"

    def local_agency(self, number: str) -> str:
        return iri(f"{ORG}{number}-c{self.seed}")

    # statements
    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.statements.setdefault(subject, []).append([predicate, obj])

    def drop(self, subject: str, predicate: str) -> list:
        pairs = self.statements.get(subject, [])
        gone = [o for p, o in pairs if p == predicate]
        self.statements[subject] = [pair for pair in pairs if pair[0] != predicate]
        return gone

    def set(self, subject: str, predicate: str, *objects: str) -> None:
        self.drop(subject, predicate)
        for obj in objects:
            self.add(subject, predicate, obj)

    def values(self, subject: str, predicate: str) -> list:
        return [o for p, o in self.statements.get(subject, []) if p == predicate]

    def rename(self, old: str, new: str) -> None:
        """Every mention of `old` (as subject or object) becomes `new`."""
        statements = {}
        for subject, pairs in self.statements.items():
            statements[new if subject == old else subject] = [[p, new if o == old else o] for p, o in pairs]
        self.statements = statements

    def pick(self, pool: list) -> str | None:
        free = [term for term in pool if term not in self.touched]
        if not free:
            return None
        term = self.rng.choice(free)
        self.touched.add(term)
        return term

    # resources
    def texts(self, subject: str, predicate: str, sv: str, en: str) -> None:
        self.add(subject, predicate, literal(sv, "sv"))
        self.add(subject, predicate, literal(en, "en"))

    def date(self) -> str:
        rng = self.rng
        return typed(f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date")

    def publisher(self) -> str:
        """A publisher: a registry agency (shared), one of its units (ours), or a municipality (ours)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            return iri(ORG + rng.choice(list(AGENCIES)))
        if roll < 0.8:
            return self.described(rng.choice(list(AGENCIES)))
        number = f"212000{rng.randint(1000, 9999)}"
        term = self.mint(f"organisation/{number}")
        if term not in self.statements:
            self.add(term, A, iri(FOAF + "Organization"))
            self.add(term, iri(FOAF + "name"), literal(f"Kommun {self.seed}", "sv"))
            self.add(term, iri(DCT + "type"), iri(LOCAL))
            self.add(term, iri(DCT + "identifier"), literal(number))
            self.publishers.append(term)
        return term

    def authorised(self, slug: str) -> str:
        agency, producers = DOMAINS[slug]
        number = self.rng.choice((agency,) + producers)
        return iri(ORG + number) if self.rng.random() < 0.6 else self.described(number)

    def described(self, number: str, name: str | None = None) -> str:
        """A unit of the organisation `number`, ours (…/SE<number>-c<seed>), described in this catalog."""
        term = self.local_agency(number)
        if term not in self.statements:
            self.add(term, A, iri(FOAF + "Organization"))
            self.add(term, iri(FOAF + "name"), literal(name or f"{AGENCIES[number]}, enhet {self.seed}", "sv"))
            self.add(term, iri(DCT + "type"), iri(NATIONAL))
            self.add(term, iri(DCT + "identifier"), literal(number))
            self.publishers.append(term)
        return term

    def contact(self) -> str:
        rng = self.rng
        term = self.mint(f"kontakt/{len(self.contacts)}") if rng.random() < 0.7 else self.bnode()
        self.add(term, A, iri(VCARD + rng.choice(["Organization", "Individual"])))
        self.add(term, iri(VCARD + "fn"), literal(f"Kundtjänst {self.seed}-{len(self.contacts)}"))
        self.add(term, iri(VCARD + "hasEmail"), iri(f"mailto:info{len(self.contacts)}@c{self.seed}.example.se"))
        self.contacts.append(term)
        return term

    def distribution(self, dataset: str, k: int, hvd: bool) -> str:
        rng = self.rng
        term = self.mint(f"{dataset[len(self.base) + 1:-1]}/distribution/{k}")
        media = rng.choice(MEDIA)
        self.add(term, A, iri(DCAT + "Distribution"))
        self.texts(term, iri(DCT + "title"), f"Fil {k}", f"File {k}")
        self.add(term, iri(DCAT + "accessURL"), self.mint(f"data/{len(self.distributions)}"))
        if rng.random() < 0.7:
            self.add(term, iri(DCAT + "downloadURL"), self.mint(f"data/{len(self.distributions)}.bin"))
        self.add(term, iri(DCT + "format"), literal(media))
        self.add(term, iri(DCAT + "mediaType"), iri(f"http://www.iana.org/assignments/media-types/{media}"))
        self.add(term, iri(DCT + "license"), iri(rng.choice([CC0, CC_BY])))
        if rng.random() < 0.5:
            self.add(term, iri(DCAT + "byteSize"), typed(str(rng.randint(0, 10**9)), "nonNegativeInteger"))
        if rng.random() < 0.3:
            self.add(term, iri(DCATAP + "availability"), iri(EU + "planned-availability/STABLE"))
        if hvd:
            self.add(term, iri(DCATAP + "applicableLegislation"), iri(HVD_LAW))
        if self.services and rng.random() < 0.3:
            self.add(term, iri(DCAT + "accessService"), rng.choice(self.services))
        self.distributions.append(term)
        return term

    def specification(self) -> str:
        if self.specifications and self.rng.random() < 0.5:
            return self.rng.choice(self.specifications)
        term = self.mint(f"specifikation/{len(self.specifications)}")
        self.add(term, A, iri(DCT + "Standard"))
        self.texts(term, iri(DCT + "title"), "Specifikation", "Specification")
        self.add(term, iri(DCT + "publisher"), self.publisher())
        self.add(term, iri(OWL + "versionInfo"), literal("1.0"))
        self.specifications.append(term)
        return term

    def dataset(self, k: int) -> str:
        rng = self.rng
        term = self.mint(f"dataset/{k}")
        self.add(term, A, iri(DCAT + "Dataset"))
        self.texts(term, iri(DCT + "title"), f"Datamängd {k}", f"Dataset {k}")
        self.texts(term, iri(DCT + "description"), f"Beskrivning {k} av katalog {self.seed}.",
                   f"Description {k} of catalog {self.seed}.")
        self.add(term, iri(DCT + "identifier"), literal(f"c{self.seed}-{k}"))
        slug = rng.choice(list(DOMAINS)) if rng.random() < 0.3 else None
        self.add(term, iri(DCT + "publisher"), self.authorised(slug) if slug else self.publisher())
        if slug:
            self.add(term, iri(DCT + "subject"), iri(GRUNDDATA + slug))
            self.marked[term] = slug
        self.add(term, iri(DCAT + "contactPoint"),
                 rng.choice(self.contacts) if self.contacts and rng.random() < 0.5 else self.contact())
        self.add(term, iri(DCAT + "theme"), iri(EU + "data-theme/" + rng.choice(THEMES)))
        self.texts(term, iri(DCAT + "keyword"), f"nyckelord {k}", f"keyword {k}")
        self.add(term, iri(DCT + "issued"), self.date())
        self.add(term, iri(DCT + "modified"),
                 typed(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00+01:00", "dateTime"))
        self.add(term, iri(DCT + "accrualPeriodicity"), iri(EU + "frequency/" + rng.choice(FREQUENCIES)))
        self.add(term, iri(DCT + "accessRights"), iri(EU + "access-right/PUBLIC"))
        self.add(term, iri(DCT + "language"), iri(EU + "language/SWE"))
        self.add(term, iri(DCT + "spatial"), iri(EU + "country/SWE"))
        self.add(term, iri(DCAT + "landingPage"), self.mint(f"sida/{k}"))
        if rng.random() < 0.5:
            period = self.bnode()
            self.add(term, iri(DCT + "temporal"), period)
            self.add(period, A, iri(DCT + "PeriodOfTime"))
            start = rng.randint(1990, 2020)
            self.add(period, iri(DCAT + "startDate"), typed(f"{start}-01-01", "date"))
            if rng.random() < 0.7:
                self.add(period, iri(DCAT + "endDate"), typed(f"{start + rng.randint(0, 5)}-12-31", "date"))
            self.periods.append(period)
        if slug or rng.random() < 0.2:
            self.add(term, iri(DCT + "conformsTo"), self.specification())
        hvd = rng.random() < 0.15
        if hvd:
            self.add(term, iri(DCATAP + "applicableLegislation"), iri(HVD_LAW))
            self.add(term, iri(DCATAP + "hvdCategory"), iri("http://data.europa.eu/bna/" + rng.choice(HVD_CATEGORIES)))
        for d in range(rng.randint(1, 3)):
            self.add(term, iri(DCAT + "distribution"), self.distribution(term, d, hvd and d == 0))
        self.datasets.append(term)
        return term

    def service(self, k: int) -> str:
        term = self.mint(f"tjanst/{k}")
        self.add(term, A, iri(DCAT + "DataService"))
        self.texts(term, iri(DCT + "title"), f"API {k}", f"API {k}")
        self.add(term, iri(DCAT + "endpointURL"), self.mint(f"api/{k}"))
        self.add(term, iri(DCAT + "endpointDescription"), self.mint(f"api/{k}/openapi.json"))
        self.add(term, iri(DCT + "publisher"), self.publisher())
        self.add(term, iri(DCT + "license"), iri(CC0))
        self.add(term, iri(DCT + "accessRights"), iri(EU + "access-right/PUBLIC"))
        self.services.append(term)
        return term

    def build(self, size: int) -> None:
        rng = self.rng
        self.catalog = catalog = self.mint("katalog")
        self.add(catalog, A, iri(DCAT + "Catalog"))
        self.texts(catalog, iri(DCT + "title"), f"Katalog {self.seed}", f"Catalog {self.seed}")
        self.texts(catalog, iri(DCT + "description"), "En genererad katalog.", "A generated catalog.")
        self.add(catalog, iri(DCT + "publisher"), self.publisher())
        self.add(catalog, iri(DCT + "license"), iri(CC0))
        self.add(catalog, iri(DCT + "language"), iri(EU + "language/SWE"))
        self.add(catalog, iri(DCAT + "themeTaxonomy"), iri(EU + "data-theme"))
        self.add(catalog, iri(FOAF + "homepage"), self.mint(""))
        for k in range(rng.randint(0, 2)):
            self.add(catalog, iri(DCAT + "service"), self.service(k))
        if rng.random() < 0.2:
            series = self.mint("serie")
            self.add(series, A, iri(DCAT + "DatasetSeries"))
            self.texts(series, iri(DCT + "title"), "Serie", "Series")
            self.texts(series, iri(DCT + "description"), "En serie.", "A series.")
            self.add(series, iri(DCT + "publisher"), self.publisher())
            self.series.append(series)
        for k in range(size):
            dataset = self.dataset(k)
            self.add(catalog, iri(DCAT + "dataset"), dataset)
            if self.series and rng.random() < 0.5:
                self.add(dataset, iri(DCAT + "inSeries"), self.series[0])
        for service in self.services:
            for dataset in rng.sample(self.datasets, min(len(self.datasets), rng.randint(1, 3))):
                self.add(service, iri(DCAT + "servesDataset"), dataset)
            if any(d in self.marked for d in self.values(service, iri(DCAT + "servesDataset"))) and rng.random() < .5:
                self.add(service, iri(DCT + "subject"), iri(GRUNDDATA + rng.choice(list(DOMAINS))))


# ------------------------------------------------------------------------------------------------ defects
# Each defect breaks one resource it picks (none touched before) and names the finding it must cause, from the
# shapes' own definitions (shapes/*.ttl), or None where no rule looks: the engines must agree on silence too.

# (lexical form, datatype or None, must the rule report it?) by the rule's datatypes (SE-…-DATE allows xsd:date,
# xsd:dateTime and xsd:gYear; SE-DISTRIBUTION-BYTESIZE-DATATYPE xsd:nonNegativeInteger) and the XSD 1.1 lexical
# spaces, which RDF 1.1 uses as they are (no whitespace); None: XSD 1.0 and 1.1 differ. Both engines judge lexical
# forms as rdflib does (fast_data.py): where rdflib and XSD part (RDFLIB_LENIENT, RDFLIB_STRICT) the forms stay in
# the data (the engines must still agree) and are pinned in
# test_engine_differential.py::test_datatype_rules_follow_the_xsd_lexical_space (expected to fail).
DATE_FORMS = [
    ("2020-13-45", "date", True), ("15/01/2020", None, True), ("2020-01-01", "string", True), ("2020", "gYear", False),
    ("2020-01", "gYearMonth", True), ("2020-01-01T10:00:00", "date", True), ("2020-01-01Z", "date", False),
    ("2020-02-30", "date", True), ("2024-01-01T24:00:00", "dateTime", False), ("0000-01-01", "date", None),
    ("-0044-03-15", "date", False), ("2020-1-1", "date", True), (" 2020-01-01 ", "date", True),
    ("2024-01-01T10:00:00.000+00:00", "dateTime", False), ("2024-01-01T10:00:00+0100", "dateTime", True),
    ("2024-01-01 10:00:00", "dateTime", True), ("2024-01-01T10:00", "dateTime", True), ("20x4", "gYear", True),
    ("2020-01-01", "dateTimeStamp", True), ("2020-01-01+14:00", "date", False), ("2020-01-01+15:00", "date", True),
    ("99999-01-01", "date", False),
]
SIZE_FORMS = [
    ("12 MB", "nonNegativeInteger", True), ("-5", "nonNegativeInteger", True), ("1.5", "nonNegativeInteger", True),
    ("1000", "integer", True), ("1000", None, True), ("0012", "nonNegativeInteger", False),
    ("+12", "nonNegativeInteger", False), (" 12", "nonNegativeInteger", True), ("1e3", "double", True),
    ("-0", "nonNegativeInteger", False), ("12", "positiveInteger", True), ("٣", "nonNegativeInteger", True),
    ("99999999999999999999999", "nonNegativeInteger", False), ("", "nonNegativeInteger", True),
]
RDFLIB_LENIENT = {("2020-01-01T10:00:00", "date"), ("2024-01-01T10:00:00+0100", "dateTime"),
                  ("2024-01-01 10:00:00", "dateTime"), ("2024-01-01T10:00", "dateTime"), ("20x4", "gYear"),
                  ("2020-01-01+15:00", "date"), ("٣", "nonNegativeInteger"), (" 12", "nonNegativeInteger")}
RDFLIB_STRICT = {("2024-01-01T24:00:00", "dateTime"), ("-0044-03-15", "date"), ("99999-01-01", "date")}
LANGUAGE_TAGS = ["se", "sv-SE", "SV", "EN", "en-GB", "sv-x-lokal", "i-klingon", "sv-Latn-SE"]
NEAR_MISSES = [  # spellings pipeline.prepare reads as the claim they are
    "http://www.dataportal.se/terminology/grunddata/{}", "https://dataportal.se/terminology/grunddata/{}",
    "https://WWW.dataportal.se/terminology/grunddata/{}", "https://www.dataportal.se:443/terminology/grunddata/{}",
    "https://www.dataportal.se//terminology/grunddata/{}", "https://www.dataportal.se/terminology/grunddata/{}/",
    "https://www.dataportal.se/concepts/grunddata/{}", "https://www.dataportal.se/terminology/grunddata//{}",
    "HTTPS://www.dataportal.se/terminology/Grunddata/{}",
]
FAR_MISSES = [  # spellings that are no claim at all
    "https://www.dataportal.se/terminology/grunddat/{}", "https://www.dataportal.se/terminology/grunddata",
    "https://www.dataportal.org/terminology/grunddata/{}", "urn:grunddata:{}",
]


def _datatype(term: str | None) -> str | None:
    return None if term is None else XSD + term


def short(predicate: str) -> str:
    return predicate.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def focus(subject: str) -> str | None:
    """The focus a defect's finding names: the IRI, or None for a blank node (matched by code in its catalog)."""
    return None if subject.startswith("_:") else subject


def missing(b: Builder):
    choices = [("dataset", b.datasets, DCT + "title", "SE-DATASET-TITLE-MISSING"),
               ("dataset", b.datasets, DCT + "description", "SE-DATASET-DESCRIPTION-MISSING"),
               ("dataset", b.datasets, DCT + "publisher", "SE-DATASET-PUBLISHER-MISSING"),
               ("distribution", b.distributions, DCAT + "accessURL", "SE-DISTRIBUTION-ACCESSURL-MISSING"),
               ("catalog", [b.catalog], DCT + "license", "SE-CATALOG-LICENSE-MISSING"),
               ("catalog", [b.catalog], DCT + "title", "SE-CATALOG-TITLE-MISSING"),
               ("catalog", [b.catalog], DCT + "publisher", "SE-CATALOG-PUBLISHER-MISSING"),
               ("service", b.services, DCAT + "endpointURL", "SE-SERVICE-ENDPOINTURL-MISSING"),
               ("service", b.services, DCT + "title", "SE-SERVICE-TITLE-MISSING"),
               ("agent", b.publishers, FOAF + "name", "SE-AGENT-NAME-MISSING"),
               ("agent", b.publishers, DCT + "type", "SE-AGENT-AGENTTYPE-MISSING"),
               ("contact", b.contacts, VCARD + "hasEmail", "SE-CONTACT-HASEMAIL-MISSING"),
               ("contact", b.contacts, VCARD + "fn", "SE-CONTACT-FN-MISSING"),
               ("dataset", b.datasets, DCT + "identifier", None)]
    kind, pool, predicate, code = b.rng.choice(choices)
    subject = b.pick(pool)
    if subject is None:
        return None
    b.drop(subject, iri(predicate))
    return Defect("missing", f"{kind} without {short(predicate)}", focus(subject), code)


def lexical(b: Builder):
    rng = b.rng
    if rng.random() < 0.6:
        kind, pool, predicate, code = rng.choice([
            ("dataset", b.datasets, DCT + "issued", "SE-DATASET-ISSUED-DATE"),
            ("dataset", b.datasets, DCT + "modified", "SE-DATASET-MODIFIED-DATE"),
            ("period", b.periods, DCAT + "startDate", "SE-PERIOD-STARTDATE-DATE"),
            ("distribution", b.distributions, DCT + "issued", "SE-DISTRIBUTION-ISSUED-DATE")])
        text, datatype, reported = rng.choice(DATE_FORMS)
    else:
        kind, pool, predicate, code = "distribution", b.distributions, DCAT + "byteSize", \
            "SE-DISTRIBUTION-BYTESIZE-DATATYPE"
        text, datatype, reported = rng.choice(SIZE_FORMS)
    subject = b.pick(pool)
    if subject is None:
        return None
    b.set(subject, iri(predicate), literal(text, datatype=_datatype(datatype)))
    if not reported or (text, datatype) in RDFLIB_LENIENT:
        code = None
    return Defect("lexical", f"{kind} {short(predicate)} {text!r}^^{datatype}",
                  focus(subject), code)


def language(b: Builder):
    rng = b.rng
    roll = rng.random()
    subject = b.pick(b.datasets if roll < 0.8 else b.publishers)
    if subject is None:
        return None
    if roll >= 0.8:
        b.set(subject, iri(FOAF + "name"), literal("Utgivare utan språk"))
        return Defect("language", "agent name without a tag", subject, "SE-AGENT-NAME-LANG")
    what = rng.choice(["untagged title", "tag", "untagged keyword", "title as IRI", "typed title", "only english",
                       "two swedish titles", "empty title"])
    if what == "untagged title":
        b.set(subject, iri(DCT + "title"), literal("Titel utan språk"))
        return Defect("language", what, subject, "SE-DATASET-TITLE-LANG")
    if what == "tag":
        tag = rng.choice(LANGUAGE_TAGS)
        b.set(subject, iri(DCT + "title"), literal("Titel", tag), literal("Title", "en"))
        return Defect("language", f"title @{tag}", subject, None)
    if what == "untagged keyword":
        b.add(subject, iri(DCAT + "keyword"), literal("otaggat"))
        return Defect("language", what, subject, "SE-DATASET-KEYWORD-LANG")
    if what == "title as IRI":
        b.set(subject, iri(DCT + "title"), b.mint("titel"))
        return Defect("language", what, subject, "SE-DATASET-TITLE-TEXT")
    if what == "typed title":
        b.set(subject, iri(DCT + "title"), typed("42", "integer"))
        return Defect("language", what, subject, "SE-DATASET-TITLE-TEXT")
    if what == "only english":
        b.set(subject, iri(DCT + "title"), literal("Only English", "en"))
        b.set(subject, iri(DCT + "description"), literal("English only.", "en"))
        return Defect("language", what, subject, "GD-TITLE-SV" if subject in b.marked else None)
    if what == "two swedish titles":
        b.add(subject, iri(DCT + "title"), literal("En till titel", "sv"))
        return Defect("language", what, subject, None)
    b.set(subject, iri(DCT + "title"), literal("", "sv"), literal("", "en"))
    return Defect("language", what, subject, None)


def bad_iri(b: Builder):
    rng = b.rng
    choices = [("dataset", b.datasets, DCAT + "landingPage", "literal", "SE-DATASET-LANDINGPAGE-IRI"),
               ("dataset", b.datasets, DCAT + "landingPage", "ftp", "SE-DATASET-LANDINGPAGE-PATTERN"),
               ("distribution", b.distributions, DCAT + "accessURL", "literal", "SE-DISTRIBUTION-ACCESSURL-IRI"),
               ("distribution", b.distributions, DCAT + "accessURL", "urn", "SE-DISTRIBUTION-ACCESSURL-PATTERN"),
               ("distribution", b.distributions, DCAT + "downloadURL", "literal", "SE-DISTRIBUTION-DOWNLOADURL-IRI"),
               ("distribution", b.distributions, DCT + "license", "literal", "SE-DISTRIBUTION-LICENSE-IRI"),
               ("contact", b.contacts, VCARD + "hasEmail", "literal", "SE-CONTACT-HASEMAIL-IRI"),
               ("contact", b.contacts, VCARD + "hasEmail", "https", "SE-CONTACT-HASEMAIL-PATTERN"),
               ("dataset", b.datasets, DCT + "publisher", "literal", "SE-DATASET-PUBLISHER-IRI"),
               ("service", b.services, DCAT + "endpointURL", "literal", "SE-SERVICE-ENDPOINTURL-IRI"),
               ("dataset", b.datasets, DCAT + "landingPage", "unicode", None),
               ("dataset", b.datasets, DCAT + "landingPage", "upper", None)]
    kind, pool, predicate, how, code = rng.choice(choices)
    if how == "upper" and b.syntax == "rdfxml":  # rdflib's RDF/XML parser lower-cases "HTTPS:" (an expected failure)
        how = "unicode"
    subject = b.pick(pool)
    if subject is None:
        return None
    value = {"literal": literal(f"https://c{b.seed}.example.se/som-text"), "ftp": iri(f"ftp://c{b.seed}.example.se/"),
             "urn": iri(f"urn:c{b.seed}:data"), "https": iri(f"https://c{b.seed}.example.se/kontakt"),
             "unicode": iri(f"https://c{b.seed}.example.se/sida/åäö(1)"),
             "upper": iri(f"HTTPS://C{b.seed}.example.se/Sida")}[how]
    b.set(subject, iri(predicate), value)
    return Defect("iri", f"{kind} {short(predicate)} {how}",
                  focus(subject), code)


def wrong_class(b: Builder):
    rng = b.rng
    what = rng.choice(["contact as foaf", "contact two kinds", "distribution as dataset", "dataset as series",
                       "publisher as vcard", "untyped distribution", "dataset also catalog"])
    if what.startswith("contact"):
        subject = b.pick(b.contacts)
        if subject is None:
            return None
        if what == "contact as foaf":
            b.set(subject, A, iri(FOAF + "Organization"))
            return Defect("class", what, focus(subject), "SE-CONTACT-KIND-MISSING")
        b.set(subject, A, iri(VCARD + "Organization"), iri(VCARD + "Individual"))
        return Defect("class", what, focus(subject), "SE-CONTACT-KIND-MAX")
    if what in ("distribution as dataset", "untyped distribution"):
        subject = b.pick(b.distributions)
        if subject is None:
            return None
        b.set(subject, A, *([iri(DCAT + "Dataset")] if what == "distribution as dataset" else []))
        return Defect("class", what, subject, "SE-DATASET-DESCRIPTION-MISSING" if what == "distribution as dataset"
                      else None)
    if what == "publisher as vcard":
        subject = b.pick(b.publishers)
        if subject is None:
            return None
        b.set(subject, A, iri(VCARD + "Organization"))
        return Defect("class", what, subject, None)
    subject = b.pick(b.datasets)
    if subject is None:
        return None
    b.add(subject, A, iri(DCAT + ("DatasetSeries" if what == "dataset as series" else "Catalog")))
    return Defect("class", what, subject, "SE-CATALOG-LICENSE-MISSING" if what == "dataset also catalog" else None)


def vocabulary(b: Builder):
    rng = b.rng
    choices = [("dataset", b.datasets, DCAT + "theme", iri(EU + "data-theme/NOPE"), "SE-DATASET-THEME-VALUE"),
               ("dataset", b.datasets, DCAT + "theme", iri("http://eurovoc.europa.eu/100141"),
                "SE-DATASET-THEME-VALUE"),
               ("dataset", b.datasets, DCT + "accrualPeriodicity", iri("http://purl.org/cld/freq/daily"),
                "SE-DATASET-FREQUENCY-DEPRECATED"),
               ("dataset", b.datasets, DCT + "accrualPeriodicity", iri(EU + "frequency/daily"),
                "SE-DATASET-FREQUENCY-VALUE"),
               ("dataset", b.datasets, DCT + "accessRights", iri(EU + "access-right/OPEN"),
                "SE-DATASET-ACCESSRIGHTS-VALUE"),
               ("dataset", b.datasets, DCT + "language", iri("http://id.loc.gov/vocabulary/iso639-1/sv"),
                "SE-DATASET-LANGUAGE-VALUE"),
               ("dataset", b.datasets, DCT + "accessRights", literal("PUBLIC"), "SE-DATASET-ACCESSRIGHTS-VALUE"),
               ("distribution", b.distributions, DCT + "license", iri(CC_BY + "deed.sv"),
                "SE-DISTRIBUTION-LICENSE-CC-CANONICAL"),
               ("distribution", b.distributions, DCATAP + "availability",
                iri("http://data.europa.eu/r5r/availability/experimental"), "SE-DISTRIBUTION-AVAILABILITY-VALUE"),
               ("distribution", b.distributions, ADMS + "status", iri("http://purl.org/adms/status/Completed"),
                "SE-DISTRIBUTION-STATUS-VALUE"),
               ("distribution", b.distributions, DCT + "format", literal("ZIP"), "SE-DISTRIBUTION-FORMAT-PATTERN"),
               ("distribution", b.distributions, DCT + "format", literal("application/x-unlisted"),
                "SE-DISTRIBUTION-FORMAT-LISTED"),
               ("distribution", b.distributions, DCT + "format", literal("text/csv", datatype=XSD + "string"), None),
               ("distribution", b.distributions, DCT + "format", literal("TEXT/CSV"), None),
               ("catalog", [b.catalog], DCT + "license", iri("https://creativecommons.org/publicdomain/zero/1.0/"),
                "SE-CATALOG-LICENSE-CC0-HTTPS"),
               ("catalog", [b.catalog], DCAT + "themeTaxonomy", iri(EU + "data-theme/"),
                "SE-CATALOG-THEMETAXONOMY-VALUE"),
               ("agent", b.publishers, DCT + "type", iri("http://purl.org/adms/publishertype/Ministry"),
                "SE-AGENT-AGENTTYPE-VALUE")]
    kind, pool, predicate, value, code = rng.choice(choices)
    subject = b.pick(pool)
    if subject is None:
        return None
    b.set(subject, iri(predicate), value)
    return Defect("vocabulary", f"{kind} {short(predicate)} {value}", focus(subject), code)


def blank(b: Builder):
    rng = b.rng
    kind = rng.choice(["dataset", "distribution", "catalog", "publisher", "contact", "service"])
    if kind in ("publisher", "contact"):  # a dataset's publisher or contact point given as a blank node
        subject = b.pick(b.datasets)
        if subject is None:
            return None
        node = b.bnode()
        if kind == "publisher":
            b.add(node, A, iri(FOAF + "Organization"))
            b.add(node, iri(FOAF + "name"), literal(f"Anonym utgivare {b.seed}", "sv"))
            b.add(node, iri(DCT + "type"), iri(NATIONAL))
            b.set(subject, iri(DCT + "publisher"), node)
            return Defect("blank", "publisher as blank node", subject, "SE-DATASET-PUBLISHER-IRI")
        b.add(node, A, iri(VCARD + "Organization"))
        b.add(node, iri(VCARD + "fn"), literal("Anonym kontakt"))
        b.add(node, iri(VCARD + "hasEmail"), iri(f"mailto:anonym@c{b.seed}.example.se"))
        b.set(subject, iri(DCAT + "contactPoint"), node)
        return Defect("blank", "contact point as blank node", subject, "SE-DATASET-CONTACTPOINT-IRI")
    pool = {"dataset": b.datasets, "distribution": b.distributions, "catalog": [b.catalog],
            "service": b.services}[kind]
    subject = b.pick(pool)
    if subject is None:
        return None
    node = b.bnode()
    b.rename(subject, node)
    for group in (b.datasets, b.distributions, b.services):
        group[:] = [node if term == subject else term for term in group]
    if subject == b.catalog:
        b.catalog = node
    b.touched.add(node)
    code = {"dataset": "SE-DATASET-IRI", "distribution": "SE-DISTRIBUTION-IRI", "catalog": "SE-CATALOG-IRI"}.get(kind)
    return Defect("blank", f"{kind} as blank node", None, code)  # DCAT-AP-SE has no IRI rule for services


def grunddata(b: Builder):
    rng = b.rng
    what = rng.choice(["wrong publisher", "unknown domain", "legacy form", "near miss", "far miss", "luhn",
                       "group", "service unmarked", "restricted", "unresolved spec", "api spec", "no contact",
                       "registry statement", "no identifier"])
    subject = b.pick(b.datasets)
    if subject is None:
        return None
    slug = b.marked.get(subject) or rng.choice(list(DOMAINS))
    marker = iri(GRUNDDATA + slug)
    if what in ("wrong publisher", "luhn", "group", "unknown domain", "legacy form", "near miss", "far miss"):
        b.drop(subject, iri(DCT + "subject"))
        b.marked.pop(subject, None)
    if what == "wrong publisher":
        agency, producers = DOMAINS[slug]
        other = rng.choice([n for n in AGENCIES if n != agency and n not in producers])
        b.set(subject, iri(DCT + "subject"), marker)
        b.set(subject, iri(DCT + "publisher"), iri(ORG + other) if rng.random() < 0.5 else b.described(other))
        return Defect("grunddata", f"{slug} published by {AGENCIES[other]}", subject, "GD-PUBLISHER-AUTHORISED")
    if what == "unknown domain":
        b.set(subject, iri(DCT + "subject"), iri(GRUNDDATA + "fordon"))
        return Defect("grunddata", what, subject, "GD-DOMAIN-KNOWN")
    if what == "legacy form":
        b.set(subject, iri(DCT + "subject"), iri("https://dataportal.se/concepts/grunddata/" + slug))
        return Defect("grunddata", what, subject, "GD-SUBJECT-ALIAS")
    if what in ("near miss", "far miss"):
        spellings = NEAR_MISSES if what == "near miss" else FAR_MISSES
        if b.syntax == "rdfxml":  # rdflib's RDF/XML parser lower-cases "HTTPS:" (pinned as an expected failure)
            spellings = [spelling for spelling in spellings if not spelling.startswith("HTTPS")]
        spelling = rng.choice(spellings).format(slug)
        b.set(subject, iri(DCT + "subject"), iri(spelling))
        if spelling.startswith(GRUNDDATA):  # …/grunddata//slug, …/slug/: in the scheme's namespace, no concept
            return Defect("grunddata", f"{what} {spelling}", subject, "GD-DOMAIN-KNOWN")
        agency, producers = DOMAINS[slug]
        if what == "near miss" and rng.random() < 0.5:  # the claim is read, so the registry applies
            other = rng.choice([n for n in AGENCIES if n not in (agency,) + producers])
            b.set(subject, iri(DCT + "publisher"), iri(ORG + other))
            return Defect("grunddata", f"near miss {spelling} by {AGENCIES[other]}", subject,
                          "GD-PUBLISHER-AUTHORISED")
        return Defect("grunddata", f"{what} {spelling}", subject, "GD-SUBJECT-OTHER")
    if what in ("luhn", "group"):
        number = f"2021{b.seed % 100000:05d}" if what == "luhn" else f"5560{b.seed % 100000:05d}"
        number = number + str((luhn_check_digit(number) + (1 if what == "luhn" else 0)) % 10)
        b.set(subject, iri(DCT + "subject"), marker)
        b.set(subject, iri(DCT + "publisher"), b.described(number, f"Organisation {number}"))
        return Defect("grunddata", f"publisher {number} ({what})",
                      subject, "GD-PUBLISHER-LUHN" if what == "luhn" else "GD-PUBLISHER-GROUP")
    if what == "service unmarked":
        service = b.pick(b.services)
        if service is None:
            return None
        b.set(subject, iri(DCT + "subject"), marker)
        b.marked[subject] = slug
        b.set(subject, iri(DCT + "publisher"), iri(ORG + DOMAINS[slug][0]))
        b.add(service, iri(DCAT + "servesDataset"), subject)
        b.drop(service, iri(DCT + "subject"))
        return Defect("grunddata", what, service, "GD-SERVICE-UNMARKED")
    if subject not in b.marked:
        b.set(subject, iri(DCT + "subject"), marker)
        b.set(subject, iri(DCT + "publisher"), iri(ORG + DOMAINS[slug][0]))
        b.marked[subject] = slug
    if what == "restricted":
        b.set(subject, iri(DCT + "accessRights"), iri(EU + "access-right/RESTRICTED"))
        b.drop(subject, iri(DCAT + "landingPage"))
        for distribution in b.values(subject, iri(DCAT + "distribution")):
            b.drop(distribution, iri(DCT + "rights"))
        return Defect("grunddata", what, subject, "GD-ACCESS-CONDITIONS")
    if what == "unresolved spec":
        b.set(subject, iri(DCT + "conformsTo"), b.mint("okand-specifikation"))
        return Defect("grunddata", what, subject, "GD-SPEC-UNRESOLVED")
    if what == "api spec":
        b.set(subject, iri(DCT + "conformsTo"), b.mint("api/openapi.yaml"))
        return Defect("grunddata", what, subject, "GD-CONFORMS-TO-API")
    if what == "no contact":
        b.drop(subject, iri(DCAT + "contactPoint"))
        return Defect("grunddata", what, subject, "GD-CONTACT-POINT")
    if what == "no identifier":
        b.drop(subject, iri(DCT + "identifier"))
        return Defect("grunddata", what, subject, "GD-IDENTIFIER")
    # A catalog may not register its own publisher: the pipeline drops registry statements from the data.
    publisher = b.values(subject, iri(DCT + "publisher"))[0]
    b.add(b.mint("domän"), iri(ENA + "registeredProducer"), publisher)
    return Defect("grunddata", what, subject, None)


def luhn_check_digit(digits: str) -> int:
    total = 0
    for position, digit in enumerate(int(d) for d in digits):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return (10 - total % 10) % 10


def order(b: Builder):
    """Dates out of order: no rule compares them (yet); the engines must agree on that too."""
    rng = b.rng
    if b.periods and rng.random() < 0.5:
        period = b.pick(b.periods)
        if period is None:
            return None
        b.set(period, iri(DCAT + "startDate"), typed("2022-06-01", "date"))
        b.set(period, iri(DCAT + "endDate"), typed("2019-12-31", "date"))
        return Defect("order", "period ends before it starts", None, None)
    subject = b.pick(b.datasets)
    if subject is None:
        return None
    b.set(subject, iri(DCT + "issued"), typed("2024-05-01", "date"))
    b.set(subject, iri(DCT + "modified"), typed("2001-01-01T00:00:00Z", "dateTime"))
    return Defect("order", "modified before issued", subject, None)


def structure(b: Builder):
    """Rules that look across resources: within this catalog only."""
    rng = b.rng
    what = rng.choice(["duplicate identifier", "contact is publisher", "two licences", "hvd without category",
                       "category without hvd", "series in series", "catalog record", "two access urls",
                       "hvd without distribution"])
    if what == "duplicate identifier":
        if len(b.datasets) < 2:
            return None
        first, second = b.pick(b.datasets), b.pick(b.datasets)
        if first is None or second is None:
            return None
        b.set(first, iri(DCT + "identifier"), literal(f"c{b.seed}-samma"))
        b.set(second, iri(DCT + "identifier"), literal(f"c{b.seed}-samma"))
        return Defect("structure", what, second, "SE-DATASET-IDENTIFIER-DUPLICATE")
    if what == "contact is publisher":
        publishers = [p for p in b.publishers if not p.startswith("_:") and p not in b.touched]
        subject = b.pick(b.datasets)
        if not publishers or subject is None:
            return None
        publisher = rng.choice(publishers)
        b.touched.add(publisher)
        b.set(subject, iri(DCT + "publisher"), publisher)
        b.set(subject, iri(DCAT + "contactPoint"), publisher)
        return Defect("structure", what, publisher, "SE-CONTACT-SAME-IRI-AS-PUBLISHER")
    if what in ("two licences", "two access urls"):
        subject = b.pick(b.distributions)
        if subject is None:
            return None
        if what == "two licences":
            b.set(subject, iri(DCT + "license"), iri(CC0), iri(CC_BY))
            return Defect("structure", what, subject, "SE-DISTRIBUTION-LICENSE-MAX")
        b.add(subject, iri(DCAT + "accessURL"), b.mint("data/extra"))
        return Defect("structure", what, subject, "SE-DISTRIBUTION-ACCESSURL-MAX")
    if what == "catalog record":
        record = b.mint("post")
        b.add(record, A, iri(DCAT + "CatalogRecord"))
        b.add(b.catalog, iri(DCAT + "record"), record)
        return Defect("structure", what, record, "SE-CATALOGRECORD-NOT-ALLOWED")
    if what == "series in series":
        if not b.series:
            return None
        outer = b.mint("yttre-serie")
        b.add(outer, A, iri(DCAT + "DatasetSeries"))
        b.add(b.series[0], iri(DCAT + "inSeries"), outer)
        return Defect("structure", what, b.series[0], "SE-SERIES-IN-SERIES")
    subject = b.pick(b.datasets)
    if subject is None:
        return None
    if what == "hvd without category":
        b.set(subject, iri(DCATAP + "applicableLegislation"), iri(HVD_LAW))
        b.drop(subject, iri(DCATAP + "hvdCategory"))
        return Defect("structure", what, subject, "SE-DATASET-HVD-CATEGORY-MISSING")
    if what == "hvd without distribution":
        b.set(subject, iri(DCATAP + "applicableLegislation"), iri(HVD_LAW))
        b.set(subject, iri(DCATAP + "hvdCategory"), iri("http://data.europa.eu/bna/c_ac64a52d"))
        for distribution in b.values(subject, iri(DCAT + "distribution")):
            b.drop(distribution, iri(DCATAP + "applicableLegislation"))
        return Defect("structure", what, subject, "SE-DATASET-HVD-DISTRIBUTION-MISSING")
    b.drop(subject, iri(DCATAP + "applicableLegislation"))
    b.set(subject, iri(DCATAP + "hvdCategory"), iri("http://data.europa.eu/bna/c_ac64a52d"))
    return Defect("structure", what, subject, "SE-DATASET-HVD-CATEGORY-WITHOUT-LEGISLATION")


def tangle(b: Builder):
    """Cycles and puns: one resource in two roles, or pointing at itself."""
    rng = b.rng
    what = rng.choice(["catalog part of itself", "sub-catalog with parts", "dataset is its distribution",
                       "dataset and distribution", "series of itself", "type as text", "publisher is catalog"])
    if what in ("catalog part of itself", "sub-catalog with parts"):
        if b.catalog in b.touched:
            return None
        b.touched.add(b.catalog)
        if what == "catalog part of itself":
            b.add(b.catalog, iri(DCT + "hasPart"), b.catalog)
            return Defect("tangle", what, focus(b.catalog), "SE-CATALOG-HASPART-DEPTH")
        middle, leaf = b.mint("delkatalog"), b.mint("delkatalog/del")
        b.add(b.catalog, iri(DCT + "hasPart"), middle)
        b.add(middle, A, iri(DCAT + "Catalog"))
        b.add(middle, iri(DCT + "hasPart"), leaf)
        b.add(leaf, A, iri(DCAT + "Catalog"))
        return Defect("tangle", what, middle, "SE-CATALOG-HASPART-DEPTH")
    if what == "series of itself":
        series = b.pick(b.series)
        if series is None:
            return None
        b.add(series, iri(DCAT + "inSeries"), series)
        return Defect("tangle", what, series, "SE-SERIES-IN-SERIES")
    subject = b.pick(b.datasets)
    if subject is None:
        return None
    if what == "dataset is its distribution":
        b.add(subject, iri(DCAT + "distribution"), subject)
        return Defect("tangle", what, subject, "SE-DISTRIBUTION-ACCESSURL-MISSING")
    if what == "dataset and distribution":
        b.add(subject, A, iri(DCAT + "Distribution"))
        return Defect("tangle", what, subject, "SE-DISTRIBUTION-ACCESSURL-MISSING")
    if what == "type as text":
        b.set(subject, A, literal("dcat:Dataset"))
        return Defect("tangle", what, subject, None)  # still a dataset: the catalog lists it
    b.set(subject, iri(DCT + "publisher"), b.catalog)
    return Defect("tangle", what, subject, None)


ODD_TEXTS = ['Titel med "citat" och \\ snedstreck', "Två\nrader", "Tab\tseparerad", "   ", "emoji 🗺️ karta",
             "עברית och svenska", "x" * 3000, "Ä" * 2 + "\u0301 kombinerad", "{?value} och {$this}",
             "<b>HTML</b> & mer"]


def text(b: Builder):
    """Odd free texts: quotes, line breaks, emoji, right-to-left, long, templates; in titles, identifiers, keywords."""
    rng = b.rng
    subject = b.pick(b.datasets)
    if subject is None:
        return None
    odd = rng.choice(ODD_TEXTS)
    predicate = rng.choice([DCT + "title", DCT + "identifier", DCAT + "keyword", DCT + "description"])
    b.set(subject, iri(predicate), literal(odd, None if predicate == DCT + "identifier" else "sv"),
          *([literal("English", "en")] if predicate != DCT + "identifier" else []))
    return Defect("text", f"{short(predicate)} {odd[:20]!r}", subject, None)


FAMILIES = {"missing": missing, "lexical": lexical, "language": language, "iri": bad_iri, "class": wrong_class,
            "vocabulary": vocabulary, "blank": blank, "grunddata": grunddata, "order": order,
            "structure": structure, "tangle": tangle, "text": text}


def size_of(seed: int, rng: random.Random) -> int:
    """1 to 20 datasets: most catalogs small, one in seven from 8 up and every 50th the full 20 (the reference
    engine's time grows with the number of resources, not of catalogs)."""
    if seed % 50 == 49:
        return 20
    return rng.randint(8, 20) if rng.random() < 0.15 else rng.randint(1, 6)


def generate(seed: int) -> Catalog:
    b = Builder(seed)
    size = size_of(seed, b.rng)
    b.build(size)
    defects = []
    for _ in range(b.rng.randint(0, 2 + size // 2)):
        defect = FAMILIES[b.rng.choice(list(FAMILIES))](b)
        if defect is not None:
            defects.append(defect)
    return Catalog(seed=seed, size=size, syntax=b.syntax, statements=b.statements, defects=defects)
