"""A metadata quality score per dataset and per catalog, in the spirit of the data.europa.eu MQA.

Five dimensions (findability, accessibility, interoperability, reusability, contextuality), 405 points in all, with
MQA's rating bands. Computed from the metadata alone: no URL is fetched, so MQA's "URL answers" checks become "URL
is given". Distribution checks give their points in proportion to the share of the dataset's distributions that
pass. docs/quality-score.md has the point table; CHECKS below is that table.
"""

from __future__ import annotations

import functools
import json
import threading
import weakref
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ..messages import tr
from ..namespaces import DCAT, DCTERMS
from ..report import Report, Severity, node_of, term_text
from .engines.fast_data import in_background
from .view import descriptions, reader, referring
from ..text import pick

DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")
RATINGS = ((351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad"))  # MQA's bands over 405 points
# Conformance weighs in: a dataset that violates the profiles is at most "sufficient", whatever its points (the
# MQA treats DCAT-AP compliance the same way), so a report never calls a dataset with violations "good".
CAP_WITH_VIOLATIONS = "sufficient"
DIMENSION_IDS = {"findability": "score.dimension.findability", "accessibility": "score.dimension.accessibility",
                 "interoperability": "score.dimension.interoperability", "reusability": "score.dimension.reusability",
                 "contextuality": "score.dimension.contextuality"}
RATING_IDS = {"excellent": "score.rating.excellent", "good": "score.rating.good",
              "sufficient": "score.rating.sufficient", "bad": "score.rating.bad"}


def dimension_word(dimension: str, lang: str) -> str:
    return tr(DIMENSION_IDS[dimension], lang)


def rating_word(rating: str, lang: str) -> str:
    return tr(RATING_IDS[rating], lang)


@dataclass(frozen=True)
class Check:
    key: str
    dimension: str
    points: int
    level: str  # "dataset" or "distribution"
    label_id: str  # its words in the message catalogue

    def label(self, lang: str) -> str:
        return tr(self.label_id, lang)


CHECKS = (  # docs/quality-score.md is this table
    Check("keyword", "findability", 30, "dataset", "score.check.keyword"),
    Check("theme", "findability", 30, "dataset", "score.check.theme"),
    Check("spatial", "findability", 20, "dataset", "score.check.spatial"),
    Check("temporal", "findability", 20, "dataset", "score.check.temporal"),
    Check("access_url", "accessibility", 50, "distribution", "score.check.access_url"),
    Check("download_url", "accessibility", 50, "distribution", "score.check.download_url"),
    Check("format", "interoperability", 20, "distribution", "score.check.format"),
    Check("media_type", "interoperability", 10, "distribution", "score.check.media_type"),
    Check("format_vocabulary", "interoperability", 10, "distribution", "score.check.format_vocabulary"),
    Check("non_proprietary", "interoperability", 20, "distribution", "score.check.non_proprietary"),
    Check("machine_readable", "interoperability", 20, "distribution", "score.check.machine_readable"),
    Check("conformity", "interoperability", 30, "dataset", "score.check.conformity"),
    Check("license", "reusability", 20, "distribution", "score.check.license"),
    Check("license_vocabulary", "reusability", 10, "distribution", "score.check.license_vocabulary"),
    Check("access_rights", "reusability", 10, "dataset", "score.check.access_rights"),
    Check("access_rights_vocabulary", "reusability", 5, "dataset", "score.check.access_rights_vocabulary"),
    Check("contact_point", "reusability", 20, "dataset", "score.check.contact_point"),
    Check("publisher", "reusability", 10, "dataset", "score.check.publisher"),
    Check("rights", "contextuality", 5, "distribution", "score.check.rights"),
    Check("byte_size", "contextuality", 5, "distribution", "score.check.byte_size"),
    Check("issued", "contextuality", 5, "dataset", "score.check.issued"),
    Check("modified", "contextuality", 5, "dataset", "score.check.modified"),
)
MAX_POINTS = sum(c.points for c in CHECKS)  # 405, as in MQA
DIMENSION_OF = {c.key: c.dimension for c in CHECKS}
DIMENSION_MAX = {d: sum(c.points for c in CHECKS if c.dimension == d) for d in DIMENSIONS}

DATASET_PROPERTY = {"keyword": DCAT.keyword, "theme": DCAT.theme, "spatial": DCTERMS.spatial,
                    "temporal": DCTERMS.temporal, "access_rights": DCTERMS.accessRights,
                    "contact_point": DCAT.contactPoint, "publisher": DCTERMS.publisher, "issued": DCTERMS.issued,
                    "modified": DCTERMS.modified}
# DCTERMS["format"]: the attribute DCTERMS.format is str.format
DISTRIBUTION_PROPERTY = {"access_url": DCAT.accessURL, "download_url": DCAT.downloadURL,
                         "format": DCTERMS["format"], "media_type": DCAT.mediaType, "license": DCTERMS.license,
                         "rights": DCTERMS.rights, "byte_size": DCAT.byteSize}
# What the checks read: only these statements are taken from the data (a national catalog has millions). A
# dataset's checks read DATASET_READS; what names it and its distributions (OWN_READS) is read apart, as no two
# datasets share it while many share the values the checks read (see Reads).
DATASET_READS = frozenset(DATASET_PROPERTY.values())
OWN_READS = frozenset([DCAT.distribution, DCTERMS.title])
DISTRIBUTION_READS = frozenset(DISTRIBUTION_PROPERTY.values())
# Of these, the properties whose values are only asked whether they have content (has_content): the vocabulary,
# format and title checks read the others' values.
PRESENCE_READS = frozenset([*(DATASET_PROPERTY[key] for key in ("keyword", "theme", "spatial", "temporal",
                                                                 "contact_point", "publisher", "issued", "modified")),
                            *(DISTRIBUTION_PROPERTY[key] for key in ("access_url", "download_url", "rights",
                                                                     "byte_size"))])

# Formats, as media types and as EU file-type codes. Machine-readable: a program can read the content's structure.
# Non-proprietary: an open specification anyone may implement.
MACHINE_READABLE = {
    "text/csv", "csv", "application/json", "json", "application/ld+json", "json_ld", "jsonld", "application/xml",
    "text/xml", "xml", "application/rdf+xml", "rdf_xml", "rdf", "text/turtle", "rdf_turtle", "ttl",
    "application/n-triples", "rdf_n_triples", "application/trig", "application/geo+json", "geojson",
    "application/gml+xml", "gml", "application/vnd.geo+json", "application/x-netcdf", "netcdf",
    "application/vnd.apache.parquet", "parquet", "application/vnd.ms-excel", "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet", "ods", "text/tab-separated-values", "tsv",
    "application/sparql-results+json", "application/sparql-results+xml", "application/yaml", "yaml",
    "application/vnd.google-earth.kml+xml", "kml", "application/x-shapefile", "shp",
    "application/geopackage+sqlite3", "gpkg",
}
PROPRIETARY = {"application/vnd.ms-excel", "xls", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "xlsx", "application/msword", "doc", "docx", "application/x-shapefile", "shp",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
NON_PROPRIETARY = (MACHINE_READABLE - PROPRIETARY) | {"application/pdf", "pdf", "text/html", "html", "text/plain",
                                                      "txt", "application/vnd.oasis.opendocument.text", "odt",
                                                      "application/zip", "zip", "image/png", "png", "image/tiff",
                                                      "tiff", "image/jpeg", "jpeg"}
FORMAT_AUTHORITIES = ("http://publications.europa.eu/resource/authority/file-type/",
                      "https://www.iana.org/assignments/media-types/", "http://www.iana.org/assignments/media-types/")


@dataclass
class DatasetScore:
    resource: str
    title: str
    points: dict[str, float]  # check key -> points given
    violations: bool | None = None  # the dataset violates the profiles (None: not validated)

    @property
    def total(self) -> float:
        return round(sum(self.points.values()), 1)

    @property
    def rating(self) -> str:
        return rating(self.total, conforms=not self.violations)

    def dimension(self, name: str) -> tuple[float, int]:
        got = sum(p for key, p in self.points.items() if DIMENSION_OF[key] == name)
        return round(got, 1), DIMENSION_MAX[name]

    def to_dict(self) -> dict:
        return {
            "resource": self.resource, "title": self.title, "total": self.total, "max": MAX_POINTS,
            "rating": self.rating,
            "dimensions": {d: dict(zip(("points", "max"), self.dimension(d))) for d in DIMENSIONS},
            "checks": [{"key": c.key, "dimension": c.dimension, "points": self.points[c.key], "max": c.points}
                       for c in CHECKS],
        }


@dataclass
class CatalogScore:
    resource: str
    title: str
    datasets: list[DatasetScore] = field(default_factory=list)

    @property
    def total(self) -> float | None:
        """The mean of its datasets' totals (None for a catalog without datasets)."""
        if not self.datasets:
            return None
        return round(sum(d.total for d in self.datasets) / len(self.datasets), 1)

    @property
    def rating(self) -> str | None:
        if self.total is None:
            return None
        return rating(self.total, conforms=not any(d.violations for d in self.datasets))

    def to_dict(self) -> dict:
        return {"resource": self.resource, "title": self.title, "total": self.total, "max": MAX_POINTS,
                "rating": self.rating, "datasets": [d.resource for d in self.datasets]}


@dataclass
class Scores:
    datasets: list[DatasetScore]
    catalogs: list[CatalogScore]

    def of(self, resource: str) -> DatasetScore | CatalogScore | None:
        if getattr(self, "_index", None) is None:
            self._index = {entry.resource: entry for entry in (*self.catalogs, *self.datasets)}
        return self._index.get(resource)

    def to_dict(self) -> dict:
        return {"max": MAX_POINTS, "datasets": [d.to_dict() for d in self.datasets],
                "catalogs": [c.to_dict() for c in self.catalogs]}


def check(key: str) -> Check:
    return next(c for c in CHECKS if c.key == key)


def rating(total: float, conforms: bool = True) -> str:
    """MQA's band for the points; without conformance, at most CAP_WITH_VIOLATIONS."""
    band = next(index for index, (floor, _) in enumerate(RATINGS) if total >= floor)
    if not conforms:
        band = max(band, next(i for i, (_, name) in enumerate(RATINGS) if name == CAP_WITH_VIOLATIONS))
    return RATINGS[band][1]


# --------------------------------------------------------------------------------------------- scoring


def score(graph: Graph, report: Report | None = None, vocabularies: Graph | None = None) -> Scores:
    """Score every dcat:Dataset in `graph`; the catalogs' scores are their datasets' mean. `report` gives the
    conformity points (none without a report); `vocabularies` decides the "from a vocabulary" points."""
    return scores_of(graph, violated_resources(report), vocabularies)


def scores_of(graph: Graph, violated: set[str] | None, vocabularies: Graph | None = None, *,
              named: bool = True) -> Scores:
    """score's work, from the report's violated resources (violated_resources) instead of the report. Without
    `named` the datasets' titles are not read (left ""): the HTML page names datasets on its own cards, and a
    national catalog's titles took a fifth of the score's time."""
    if vocabularies is None:
        from .profiles import builtin_vocabularies

        vocabularies = builtin_vocabularies()
    affected = in_background(affected_by, graph, violated)  # beside the reads: each lets the GIL go in the store
    datasets = {}
    read = Reads(graph, named)  # let go when the scores are made
    affected = affected.result()
    for dataset in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
        datasets[dataset] = score_dataset(dataset, vocabularies, affected, read)
    del read
    catalogs = []
    for catalog in sorted(set(graph.subjects(RDF.type, DCAT.Catalog)), key=str):
        members = [datasets[d] for d in sorted(set(graph.objects(catalog, DCAT.dataset)), key=str) if d in datasets]
        catalogs.append(CatalogScore(text_of(catalog), title(graph, catalog), members))
    return Scores(list(datasets.values()), catalogs)


def score_later(graph, report: Report | None = None, vocabularies: Graph | None = None, *, named: bool = True):
    """A function that gives score(graph, report, vocabularies), worked out meanwhile on a thread of its own: the
    store answers the score's queries without holding Python's lock (a national catalog's take most of a second),
    so the caller's own work (the HTML cards) goes on beside them on another core. An error of the score is raised
    by the function. The report is read here, before the thread starts: the caller goes on reading its findings
    (findings on disk share one SQLite connection)."""
    found, violated = {}, violated_resources(report)

    def work():
        try:
            found["scores"] = scores_of(graph, violated, vocabularies, named=named)
        except BaseException as error:  # noqa: BLE001 - raised where the scores are asked for
            found["error"] = error

    thread = threading.Thread(target=work, name="score", daemon=True)
    thread.start()

    def scores() -> Scores:
        thread.join()
        if "error" in found:
            raise found.pop("error")
        return found["scores"]

    return scores


class Reads:
    """What score_dataset reads, one for every dataset of a score: view.reader's readers, and the points worked
    out per set of answers. A store's reader gives subjects with the same values one shared answer, so datasets
    that say the same (points apart from their names and titles) are worked out once; the answers a set of points
    came from are kept with it, so their ids stay theirs while the points are kept."""

    def __init__(self, graph, named: bool = True):
        # what names each dataset (unless not `named`) and its distributions, read for every dataset at once as
        # texts (one pass per predicate: looked up dataset by dataset it was most of the score's time at national
        # scale). The reads are made side by side: much of each is the store's, which lets the GIL go, so one's
        # store work goes on while another's Python runs (measured at 25,000 datasets: 0.3-0.5 s sooner)
        own = in_background(descriptions, graph, OWN_READS if named else frozenset([DCAT.distribution]))
        dataset = in_background(reader, graph, DATASET_READS, PRESENCE_READS)
        self.distribution = reader(graph, DISTRIBUTION_READS, PRESENCE_READS)
        self.own = reader(graph, OWN_READS)  # (a dataset that gives a literal as a distribution: as the data says)
        self.dataset = dataset.result()
        own = own.result()
        self.distributions, self.titles = own[DCAT.distribution], own.get(DCTERMS.title)
        self.points: dict = {}  # (conforms, ids of the answers) -> (the answers, points)


def score_dataset(dataset, vocabularies: Graph, affected: set | None, read: Reads) -> DatasetScore:
    resource = text_of(dataset)
    given = read.distributions.get(resource, ())
    if any(value.__class__ is tuple for value in given):  # a literal: its term as written (rare, and wrong data)
        own = read.own(dataset)
        distributions, name = sorted(set(own.get(DCAT.distribution, ())), key=str), title_of(own)
    else:  # the terms the texts name (view.descriptions), in the same order
        distributions = sorted(set(map(node_of, given)), key=str)
        name = "" if read.titles is None else pick(
            [value for value in read.titles.get(resource, ()) if value.__class__ is tuple], "sv") or ""
    properties = read.dataset(dataset)
    described = [read.distribution(d) for d in distributions]
    conformity = conforms(resource, distributions, affected)
    key = (conformity, id(properties), *map(id, described))
    kept = read.points.get(key)
    if kept is None:
        kept = read.points[key] = ((properties, described),
                                   points_of(properties, described, conformity, vocabularies))
    points = dict(kept[1])
    return DatasetScore(resource, name, points,
                        violations=None if affected is None else points["conformity"] == 0)


def points_of(properties: dict, described: list, conformity: bool, vocabularies: Graph) -> dict:
    """check key -> points of a dataset with `properties` and distributions `described` (their properties)."""
    points = {}
    for item in CHECKS:
        if item.level == "distribution":
            share = (sum(passes(item.key, d, vocabularies) for d in described) / len(described)
                     if described else 0.0)
            points[item.key] = round(item.points * share, 1)
        elif item.key == "conformity":
            points[item.key] = float(item.points) if conformity else 0.0
        else:
            points[item.key] = float(item.points) if passes(item.key, properties, vocabularies) else 0.0
    return points


def passes(key: str, properties: dict, vocabularies: Graph) -> bool:
    if key in DATASET_PROPERTY or key in DISTRIBUTION_PROPERTY:
        prop = DATASET_PROPERTY.get(key) or DISTRIBUTION_PROPERTY[key]
        return any(has_content(v) for v in properties.get(prop, ()))
    formats = [*properties.get(DCTERMS["format"], ()), *properties.get(DCAT.mediaType, ())]
    if key == "format_vocabulary":
        return any(in_vocabulary(v, vocabularies) or str(v).startswith(FORMAT_AUTHORITIES) for v in formats)
    if key == "non_proprietary":
        return any(format_code(v) in NON_PROPRIETARY for v in formats)
    if key == "machine_readable":
        return any(format_code(v) in MACHINE_READABLE for v in formats)
    if key == "license_vocabulary":
        return any(in_vocabulary(v, vocabularies) for v in properties.get(DCTERMS.license, ()))
    if key == "access_rights_vocabulary":
        return any(in_vocabulary(v, vocabularies) for v in properties.get(DCTERMS.accessRights, ()))
    raise KeyError(key)


def has_content(value) -> bool:
    return not isinstance(value, Literal) or bool(str(value).strip())


def in_vocabulary(value, vocabularies: Graph) -> bool:
    """An IRI that is a concept of a loaded vocabulary, or a literal that is a concept's notation (answers kept
    per vocabulary graph: a catalog repeats the same licences and formats thousands of times)."""
    known = _in_vocabulary.setdefault(vocabularies, {})
    if value not in known:
        known[value] = _in_vocabulary_now(value, vocabularies)
    return known[value]


_in_vocabulary: "weakref.WeakKeyDictionary[Graph, dict]" = weakref.WeakKeyDictionary()


def _in_vocabulary_now(value, vocabularies: Graph) -> bool:
    if isinstance(value, URIRef):
        return (value, SKOS.inScheme, None) in vocabularies
    if isinstance(value, Literal):
        return any(True for _ in vocabularies.subjects(SKOS.notation, Literal(str(value))))
    return False


@functools.lru_cache(maxsize=4096)  # a catalog names a few formats, tens of thousands of times
def format_code(value) -> str:
    """'text/csv' from "text/csv", <…/media-types/text/csv> or <…/file-type/CSV> (as 'csv'); '+zip' dropped."""
    text = str(value).strip()
    for authority in FORMAT_AUTHORITIES:
        if text.startswith(authority):
            text = text[len(authority):]
    text = text.lower().split(";")[0].strip()
    return text[:-len("+zip")] if text.endswith("+zip") else text


def violated_resources(report: Report | None) -> set[str] | None:
    if report is None:
        return None
    return {f.focus for f in report.findings if f.severity >= Severity.VIOLATION}


def affected_by(graph, violated: set[str] | None) -> set | None:
    """The texts (report.term_text) of the resources a violation touches: each violated node and every resource
    that points at one directly (looked up from the violations, which are few, rather than from every statement of
    every dataset; read as texts: a national catalog has tens of thousands of violated nodes)."""
    if violated is None:
        return None
    found = set(violated)
    for text in violated:
        found.update(referring(graph, text))
    return found


def conforms(dataset: str, distributions, affected: set | None) -> bool:
    """No violation about the dataset, its distributions, or a node either points at directly (all as texts)."""
    if affected is None:
        return False
    return dataset not in affected and not any(text_of(d) in affected for d in distributions
                                               if not isinstance(d, Literal))  # a literal names no resource


text_of = term_text  # the one term <-> text pair (report.py)


def title(graph: Graph, node, lang: str = "sv") -> str:
    return title_of({DCTERMS.title: list(graph.objects(node, DCTERMS.title))}, lang)


def title_of(properties: dict, lang: str = "sv") -> str:
    return pick([v for v in properties.get(DCTERMS.title, ()) if isinstance(v, Literal)], lang) or ""


# --------------------------------------------------------------------------------------------- output

def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def render_score_text(scores: Scores, lang: str = "en") -> str:
    lines = [tr("score.heading", lang, max=MAX_POINTS)]
    if not scores.datasets:
        lines.append(tr("score.nothing", lang))
    for entry in scores.datasets:
        lines.append(f"{entry.resource}  {number(entry.total)}/{MAX_POINTS} {rating_word(entry.rating, lang)}"
                     + (f"  \"{entry.title}\"" if entry.title else ""))
        parts = [f"{dimension_word(d, lang)} {number(entry.dimension(d)[0])}/{entry.dimension(d)[1]}"
                 for d in DIMENSIONS]
        lines.append("  " + " · ".join(parts))
        missing = [f"{c.label(lang)} (-{number(c.points - entry.points[c.key])})" for c in CHECKS
                   if entry.points[c.key] < c.points]
        if missing:
            lines.append(f"  {tr('score.missing', lang)}: " + ", ".join(missing))
    catalog_word = tr("kind.catalog", lang)
    for catalog in scores.catalogs:
        if catalog.total is None:
            lines.append(f"{catalog_word} {catalog.resource}  {tr('score.no_datasets', lang)}")
        else:
            lines.append(f"{catalog_word} {catalog.resource}  {number(catalog.total)}/{MAX_POINTS} "
                         f"{rating_word(catalog.rating, lang)} ({mean_of(len(catalog.datasets), lang)})")
    return "\n".join(lines) + "\n"


def render_score_json(scores: Scores) -> str:
    return json.dumps(scores.to_dict(), ensure_ascii=False, indent=2) + "\n"


def mean_of(n: int, lang: str) -> str:
    """"mean of 3 datasets", "mean of 1 dataset" (a catalog's score is its datasets' mean)."""
    return tr("score.mean_one", lang) if n == 1 else tr("score.mean", lang, n=n)
