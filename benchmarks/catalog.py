"""Generate realistic DCAT-AP-SE catalogs with a known share of defects (benchmark and differential tests).

Each dataset looks like a real dataportal.se entry: sv/en title and description, publisher from a pool of Swedish
agencies (organisation-number IRIs), a vcard contact point (IRI or blank node), theme, keywords, dates, frequency,
access rights, two distributions (CSV download and API access), and every 10th dataset carries the grunddata marker
(dcterms:subject in the grunddata scheme). Every dataset with `i % defect_every == defect_every - 3` gets exactly one
defect, rotating through DEFECTS.
"""

from __future__ import annotations

import sys

PREFIXES = """@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix ex: <https://data.example.se/> .
"""
EU = "http://publications.europa.eu/resource/authority/"
# Real Swedish organisation numbers (Luhn-valid): Skatteverket, Bolagsverket, Lantmäteriet, SCB, Trafikverket.
AGENCIES = [("2021005448", "Skatteverket"), ("2021005489", "Bolagsverket"), ("2021001173", "Lantmäteriet"),
            ("2021000167", "Statistiska centralbyrån"), ("2021006545", "Trafikverket")]
THEMES = ["AGRI", "ECON", "EDUC", "ENVI", "GOVE", "REGI", "SOCI", "TECH", "TRAN"]
FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "ANNUAL", "IRREG"]
DEFECTS = ("no-description", "bad-bytesize", "literal-accessurl", "two-licences", "theme-unknown",
           "bad-date", "title-no-lang", "odd-datetime", "contact-no-email", "publisher-unnamed")


def agency_turtle() -> str:
    parts = []
    for number, name in AGENCIES:
        parts.append(f"""<http://dataportal.se/organisation/SE{number}> a foaf:Organization ;
    foaf:name "{name}"@sv ;
    dcterms:type <http://purl.org/adms/publishertype/NationalAuthority> ;
    dcterms:identifier "{number}" .
""")
    return "\n".join(parts)


def dataset_turtle(i: int, defect: str | None, marked: bool | None = None) -> str:
    number, name = AGENCIES[i % len(AGENCIES)]
    publisher = f"<http://dataportal.se/organisation/SE{number}>"
    if defect == "publisher-unnamed":
        publisher = f'[ a foaf:Organization ; dcterms:type <http://purl.org/adms/publishertype/NationalAuthority> ]'
    marked = (i % 10 == 0) if marked is None else marked
    ds = f"ex:dataset-{i}"
    description = "" if defect == "no-description" else (
        f'    dcterms:description "Beskrivning av datamängd {i} från {name}."@sv, '
        f'"Description of dataset {i} from {name}."@en ;\n')
    title = f'"Datamängd {i}"' if defect == "title-no-lang" else f'"Datamängd {i}"@sv, "Dataset {i}"@en'
    theme = f"<{EU}data-theme/NOPE>" if defect == "theme-unknown" else f"<{EU}data-theme/{THEMES[i % len(THEMES)]}>"
    issued = '"2020-13-45"^^xsd:date' if defect == "bad-date" else f'"20{10 + i % 14}-0{1 + i % 9}-15"^^xsd:date'
    email = "" if defect == "contact-no-email" else f"vcard:hasEmail <mailto:info{i}@example.se> "
    contact = (f"ex:contact-{i % 50}" if i % 2 and defect != "contact-no-email" else
               f'[ a vcard:Organization ; vcard:fn "Kundtjänst {name}" ; {email}]')
    marker = (f"    dcterms:subject <https://www.dataportal.se/terminology/grunddata/person> ;\n"
              if marked else "")
    modified = '"2024-01-01T10:00:00.000+00:00"' if defect == "odd-datetime" else \
        f'"2024-0{1 + i % 9}-0{1 + i % 9}T10:00:00+01:00"'
    byte_size = '"12 MB"^^xsd:nonNegativeInteger' if defect == "bad-bytesize" else \
        f'"{1000 + i}"^^xsd:nonNegativeInteger'
    access_url = f'"https://data.example.se/files/{i}"' if defect == "literal-accessurl" else \
        f"<https://data.example.se/files/{i}>"
    licence = "<http://creativecommons.org/publicdomain/zero/1.0/>"
    licences = licence + (", <http://creativecommons.org/licenses/by/4.0/>" if defect == "two-licences" else "")
    return f"""{ds} a dcat:Dataset ;
    dcterms:title {title} ;
{description}    dcterms:identifier "{ds[3:]}" ;
    dcterms:publisher {publisher} ;
    dcat:contactPoint {contact} ;
    dcat:theme {theme} ;
{marker}    dcat:keyword "nyckelord {i % 97}"@sv, "keyword {i % 97}"@en ;
    dcterms:issued {issued} ;
    dcterms:modified {modified}^^xsd:dateTime ;
    dcterms:accrualPeriodicity <{EU}frequency/{FREQUENCIES[i % len(FREQUENCIES)]}> ;
    dcterms:accessRights <{EU}access-right/PUBLIC> ;
    dcterms:language <{EU}language/SWE> ;
    dcterms:spatial <{EU}country/SWE> ;
    dcat:landingPage <https://data.example.se/page/{i}> ;
    dcat:distribution ex:distribution-{i}-csv, ex:distribution-{i}-api .

ex:distribution-{i}-csv a dcat:Distribution ;
    dcterms:title "CSV-fil {i}"@sv, "CSV file {i}"@en ;
    dcat:accessURL {access_url} ;
    dcat:downloadURL <https://data.example.se/files/{i}.csv> ;
    dcterms:format "text/csv" ;
    dcat:mediaType <http://www.iana.org/assignments/media-types/text/csv> ;
    dcterms:license {licences} ;
    dcat:byteSize {byte_size} .

ex:distribution-{i}-api a dcat:Distribution ;
    dcat:accessURL <https://api.example.se/{i}> ;
    dcat:accessService ex:service-{i // 10} ;
    dcterms:format "application/json" ;
    dcterms:license {licence} .
"""


def service_turtle(k: int, datasets: range) -> str:
    number, name = AGENCIES[k % len(AGENCIES)]
    served = ", ".join(f"ex:dataset-{i}" for i in datasets)
    return f"""ex:service-{k} a dcat:DataService ;
    dcterms:title "API {k}"@sv, "API {k}"@en ;
    dcterms:publisher <http://dataportal.se/organisation/SE{number}> ;
    dcat:endpointURL <https://api.example.se/{k}> ;
    dcat:endpointDescription <https://api.example.se/{k}/openapi.json> ;
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> ;
    dcat:servesDataset {served} .
"""


def contact_turtle(k: int) -> str:
    return (f'ex:contact-{k} a vcard:Organization ; vcard:fn "Kontakt {k}" ; '
            f'vcard:hasEmail <mailto:kontakt{k}@example.se> .\n')


def defect_of(i: int, defect_every: int) -> str | None:
    if defect_every <= 0 or i % defect_every != defect_every - 3:
        return None
    return DEFECTS[(i // defect_every) % len(DEFECTS)]


def generate(n: int, defect_every: int = 10) -> str:
    """A Turtle catalog of `n` datasets; one dataset in `defect_every` has one defect."""
    datasets = ", ".join(f"ex:dataset-{i}" for i in range(n))
    services = ", ".join(f"ex:service-{k}" for k in range((n + 9) // 10))
    out = [PREFIXES, f"""ex:catalog a dcat:Catalog ;
    dcterms:title "Exempelkatalog"@sv, "Example catalog"@en ;
    dcterms:description "En genererad katalog."@sv, "A generated catalog."@en ;
    dcterms:publisher <http://dataportal.se/organisation/SE{AGENCIES[0][0]}> ;
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> ;
    dcat:dataset {datasets} ;
    dcat:service {services} .
""", agency_turtle()]
    out.extend(contact_turtle(k) for k in range(min(50, n)))
    for i in range(n):
        out.append(dataset_turtle(i, defect_of(i, defect_every)))
    for k in range((n + 9) // 10):
        out.append(service_turtle(k, range(k * 10, min(n, k * 10 + 10))))
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
