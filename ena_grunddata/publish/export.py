"""Export a catalog for static hosting: the RDF files dataportal.se harvests, and a page for people.

The same serialisation and page are used by `serve`. Output is checked before anything is written: every IRI must be
absolute and not a local path, and every file must parse back (with pyoxigraph's parsers) into exactly the
statements it was written from, so no serialiser can silently drop a statement or rewrite a lexical form. The files
are written from canonical N-Triples (publish.documents): the same input gives the same bytes on every run.

The rdflib writers below (`serialise`, `serialise_checked`) remain for graphs already in memory (tests, the
library); export and serve do not use them.
"""

from __future__ import annotations

import functools
import html
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, SKOS, XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer

from ..errors import InputError, UsageError
from ..load import Limits, Loaded
from ..namespaces import DCAT, DCTERMS, GRUNDDATA_PREFIXES, PREFIXES, VCARD, bind_prefixes
from ..messages import capital, count, tr
from ..report import LANGUAGES, Report
from ..text import pick
from .documents import _NOT_XML, Catalog, CatalogIndex, gc_paused, iri_problem, load_catalog, write_checked_all

# --------------------------------------------------------------------------------------------- formats


@dataclass(frozen=True)
class Serialisation:
    name: str  # a key of ena_grunddata.load.FORMATS, so the loader can read it back
    media_type: str
    suffix: str  # file name suffix in an export folder ("" = the conventional harvest file)


SERIALISATIONS = {
    s.name: s
    for s in (
        Serialisation("rdfxml", "application/rdf+xml", ""),
        Serialisation("turtle", "text/turtle", ".ttl"),
        Serialisation("jsonld", "application/ld+json", ".jsonld"),
        Serialisation("ntriples", "application/n-triples", ".nt"),
    )
}
EXPORTED_FORMATS = ("rdfxml", "turtle", "jsonld")
HARVEST_PATH = "datasets/dcat"  # the conventional dataportal.se source path (dcat-ap-se.md §5)



def check_publishable(loaded: Loaded) -> None:
    """Refuse data that would publish relative or local-path IRIs, or that XML cannot represent.

    The error names the file (and line, when known) that describes the offending statement's subject.
    """
    graph = loaded.graph
    for triple in graph:
        for term in triple:
            problem = None
            if isinstance(term, URIRef):
                problem = iri_problem(str(term))
            elif isinstance(term, Literal):
                problem = iri_problem(str(term.datatype)) if term.datatype is not None else None
                if problem is None and _NOT_XML.search(term):
                    problem = f"a literal of <{triple[0]}> contains a control character that RDF/XML cannot carry"
            if problem:
                source, line = loaded.origins.locate(triple[0], graph)
                raise InputError(problem, where=source or ", ".join(loaded.sources), line=line)


def load_for_publishing(sources, rules=None, *, input_format=None, limits: Limits | None = None) -> Loaded:
    """Load as `validate` does (description files know the codes of --vocabulary files), then refuse data that
    cannot be published at all (relative or file: IRIs, characters XML cannot carry): exit 2. The gate
    (publish.gate) comes after."""
    from ..description.values import vocabularies_in_use
    from ..load import load

    with vocabularies_in_use(rules.vocabularies if rules is not None else ()):
        loaded = load(sources, input_format=input_format, limits=limits)
    check_publishable(loaded)
    return loaded


class FaithfulTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer with two fixes.

    Lexical forms: it prints numbers and booleans in a canonical short form ("1.5E0"^^xsd:double becomes
    1.500000e+00, "1"^^xsd:boolean the integer 1), and rdflib's reader turns a bare 01 into 1; so the short form is
    written only when it is exactly the lexical form, and a canonical one. Speed: it tries to invent a prefix for
    every IRI, which grows a trie per namespace and took minutes on 100k triples; prefixed names here come only
    from the prefixes bound on the graph.
    """

    _SHORT_FORMS = {
        XSD.integer: re.compile(r"-?(0|[1-9][0-9]*)\Z"),
        XSD.decimal: re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z"),
        XSD.double: re.compile(r"-?[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+\Z"),
        XSD.boolean: re.compile(r"(true|false)\Z"),
    }
    _LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")

    def __init__(self, store):
        super().__init__(store)
        bound = [(str(namespace), prefix) for prefix, namespace in store.namespaces() if prefix]
        self._bound = sorted(bound, key=lambda pair: -len(pair[0]))  # longest namespace first

    def get_pname(self, uri, gen_prefix=True):
        if not isinstance(uri, URIRef):
            return None
        text = str(uri)
        for namespace, prefix in self._bound:
            if text.startswith(namespace) and self._LOCAL_NAME.match(text[len(namespace):]):
                return f"{self.addNamespace(prefix, URIRef(namespace))}:{text[len(namespace):]}"
        return None

    def label(self, node, position):
        if isinstance(node, Literal) and node.datatype is not None and node.language is None:
            short = self._SHORT_FORMS.get(node.datatype)
            if short is not None and short.match(str(node)):
                return str(node)
            return node._literal_n3(use_plain=False, qname_callback=lambda dt: self.get_pname(dt, False))
        return super().label(node, position)


def serialise(graph: Graph, fmt: str, *, flat: bool = False) -> bytes:
    """The graph as bytes (UTF-8) in one of SERIALISATIONS. Call check_publishable first.

    RDF/XML is nested (easier to read) unless `flat`: rdflib's nested writer loses statements about blank nodes
    in some graphs, which serialise_checked notices and answers by writing flat RDF/XML instead.
    """
    graph = _with_prefixes(graph)
    try:
        if fmt == "turtle":
            stream = io.BytesIO()
            FaithfulTurtleSerializer(graph).serialize(stream, encoding="utf-8")
            return stream.getvalue()
        if fmt == "rdfxml":
            return graph.serialize(format="xml" if flat else "pretty-xml", encoding="utf-8")
        if fmt == "jsonld":
            return _jsonld(graph)
        if fmt == "ntriples":
            return graph.serialize(format="nt", encoding="utf-8")
    except Exception as error:  # e.g. a predicate RDF/XML cannot write as an XML name
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        raise InputError(f"cannot be written as {fmt}: {first_line}", where="catalog") from None
    raise UsageError(f"unknown output format '{fmt}' (known: {', '.join(SERIALISATIONS)})")


EXTRA_PREFIXES = {"oa": "http://www.w3.org/ns/oa#", "dcatap": "http://data.europa.eu/r5r/"}


def _with_prefixes(graph: Graph) -> Graph:
    copy = Graph(bind_namespaces="none")
    bind_prefixes(copy)
    for prefix, namespace in EXTRA_PREFIXES.items():
        copy.bind(prefix, namespace, override=False)
    for prefix, namespace in graph.namespaces():  # the publisher's own prefixes, unless they clash with ours
        if prefix and prefix not in PREFIXES and str(namespace) not in {str(n) for n in PREFIXES.values()}:
            copy.bind(prefix, namespace, override=False)
    copy += graph
    return copy


def _jsonld(graph: Graph) -> bytes:
    # Not graph.serialize(format="json-ld"): rdflib 7.6 turns numbers and booleans into JSON numbers whenever a
    # context is active (its Converter forces use_native_types), so "01"^^xsd:integer would become 1 and
    # "1e99999"^^xsd:double Infinity. The same converter with native types switched off keeps lexical forms.
    from rdflib.plugins.serializers.jsonld import Context, Converter

    context_data = _jsonld_context(graph)
    converter = Converter(Context(context_data), use_native_types=False, use_rdf_type=False)
    converter.use_native_types = False
    document = {"@context": context_data, "@graph": converter.from_graph(graph)}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _jsonld_context(graph: Graph) -> dict:
    used = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    used |= {str(lit.datatype) for lit in graph.objects() if isinstance(lit, Literal) and lit.datatype}
    context = {}
    for prefix, namespace in graph.namespaces():
        if prefix and any(iri.startswith(str(namespace)) for iri in used):
            context[prefix] = str(namespace)
    return context


def same_statements(expected: Graph, actual: Graph) -> bool:
    """Equal triples once blank nodes are blurred: cheap, and strict about lexical forms.

    (rdflib compares literals by lexical form, datatype and language, so a rewritten "01" would not match "1".)
    """
    return len(expected) == len(actual) and _blurred(expected, _rdflib_key) == _blurred(actual, _rdflib_key)


def _blurred(triples, key) -> Counter:
    return Counter(tuple(key(term) for term in triple) for triple in triples)


_XSD_STRING = str(XSD.string)


def _rdflib_key(term):
    if isinstance(term, BNode):
        return None
    if isinstance(term, Literal):
        language = term.language.lower() if term.language else None
        datatype = str(term.datatype) if term.datatype is not None else (None if language else _XSD_STRING)
        return ("literal", str(term), language, datatype)
    return str(term)


def _oxigraph_key(term):
    if isinstance(term, pyoxigraph.BlankNode):
        return None
    if isinstance(term, pyoxigraph.Literal):
        language = term.language.lower() if term.language else None
        return ("literal", term.value, language, None if language else term.datatype.value)
    return term.value


_OXIGRAPH_FORMATS = {"rdfxml": "RDF_XML", "turtle": "TURTLE", "jsonld": "JSON_LD", "ntriples": "N_TRIPLES"}


def serialise_checked(graph: Graph, fmt: str) -> bytes:
    """Serialise, then read the bytes back with an independent parser (Oxigraph's) and insist on the same
    statements, lexical forms included. Linear time, so even large catalogs are checked every time."""
    expected = _blurred(graph, _rdflib_key)
    data = serialise(graph, fmt)
    if fmt == "rdfxml" and _read_back(data, fmt) != expected:
        data = serialise(graph, fmt, flat=True)
    if _read_back(data, fmt) != expected:
        raise InputError(f"the {fmt} serialisation does not read back as the same statements; refusing to "
                         "publish a changed catalog", where="catalog")
    return data


def _read_back(data: bytes, fmt: str) -> Counter:
    try:
        quads = pyoxigraph.parse(data, format=getattr(pyoxigraph.RdfFormat, _OXIGRAPH_FORMATS[fmt]),
                                 base_iri="https://relative.invalid/check")
        return _blurred(((q.subject, q.predicate, q.object) for q in quads), _oxigraph_key)
    except (SyntaxError, ValueError) as error:
        raise InputError(f"the {fmt} serialisation does not parse back ({error}); refusing to publish it",
                         where="catalog") from None


# --------------------------------------------------------------------------------------------- the page for people


class _Terms:
    """A namespace whose terms are made once: rdflib builds and checks a new URIRef on every attribute access,
    which the page does millions of times for a national catalog."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name):  # only for a term not made yet: it is then kept as a plain attribute
        term = self._namespace[name]
        setattr(self, name, term)
        return term

    def __getitem__(self, name):
        return getattr(self, name)


DCAT, DCTERMS, FOAF, SKOS, VCARD, RDF = (_Terms(ns) for ns in (DCAT, DCTERMS, FOAF, SKOS, VCARD, RDF))

CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
article{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
h3{margin:.2rem 0 .4rem}dl{display:grid;grid-template-columns:11rem 1fr;gap:.2rem .8rem;margin:.4rem 0}
dt{font-weight:600}dd{margin:0}.ok{color:#176b2c}.bad{color:#a4161a}.warn{color:#8a5a00}
.muted{color:#555}ul.links{margin:0;padding-left:1.1rem}"""


@dataclass
class Labels:
    """Finds the best text for a resource in the user's language, from the data first, then the vocabularies."""

    data: Graph
    vocabularies: Graph
    lang: str
    _memo: dict = field(default_factory=dict, repr=False)  # national catalogs name the same few things often

    def text(self, subject, *predicates) -> str | None:
        key = (subject, predicates)
        if key in self._memo:
            return self._memo[key]
        found = None
        for graph in (self.data, self.vocabularies):
            for predicate in predicates:
                found = pick(graph.objects(subject, predicate), self.lang)
                if found is not None:
                    break
            if found is not None:
                break
        self._memo[key] = found
        return found

    def name(self, resource) -> str:
        label = self.text(resource, DCTERMS.title, FOAF.name, SKOS.prefLabel, VCARD.fn)
        return label if label is not None else str(resource)


@dataclass
class Status:
    """Findings per resource, so each dataset can show its own validation result."""

    report: Report | None
    counts: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.report is not None:
            for finding in self.report.findings:
                self.counts.setdefault(finding.focus, Counter())[finding.severity.label] += 1

    def of(self, resources) -> Counter | None:
        if self.report is None:
            return None
        total = Counter()
        for resource in resources:
            total.update(self.counts.get(str(resource), Counter()))
        return total


def catalog_page(graph: Graph, *, vocabularies: Graph, report: Report | None, lang: str = "en",
                 downloads: list[tuple[str, str]] = ()) -> str:
    """A self-contained HTML page: datasets grouped by base-data domain, with publisher, access, links, status."""
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language '{lang}' (known: {', '.join(LANGUAGES)})")
    labels = Labels(graph, vocabularies, lang)
    status = Status(report)
    catalogs = sorted(set(graph.subjects(RDF.type, DCAT.Catalog)), key=str)
    heading = labels.name(catalogs[0]) if catalogs else tr("export.title", lang)
    datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=lambda d: labels.name(d).casefold())
    services = sorted(set(graph.subjects(RDF.type, DCAT.DataService)), key=lambda d: labels.name(d).casefold())
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(heading)}</title>\n<style>{CSS}</style>\n</head>\n<body>",
             f"<header><h1>{esc(heading)}</h1>"]
    if catalogs:
        description = labels.text(catalogs[0], DCTERMS.description)
        if description:
            parts.append(f"<p>{esc(description)}</p>")
    summary = tr("export.summary", lang, n=len(datasets), s=len(services), t=len(graph))
    overall = Counter(report.summary) if report is not None else None
    parts.append(f'<p class="muted">{esc(summary)} · {esc(tr("export.status", lang))}: '
                 f'{status_html(overall, lang)}</p>')
    if downloads:
        links = " · ".join(f'<a href="{esc(href)}">{esc(label)}</a>' for label, href in downloads)
        parts.append(f"<p>{esc(tr('export.machine', lang))}: {links}</p>")
    parts.append("</header>\n<main>")
    for domain, members in group_by_domain(graph, datasets, labels, lang):
        parts.append(f"<section><h2>{esc(domain)}</h2>")
        parts.extend(resource_html(graph, d, labels, status, lang) for d in members)
        parts.append("</section>")
    if services:
        parts.append(f"<section><h2>{esc(tr('export.services', lang))}</h2>")
        parts.extend(resource_html(graph, s, labels, status, lang) for s in services)
        parts.append("</section>")
    parts.append(f'</main>\n<footer><p class="muted">{esc(tr("report.made_by", lang))}</p></footer>\n</body>\n'
                 '</html>\n')
    return "\n".join(parts)


@functools.lru_cache(maxsize=None)
def _said(key: str, lang: str) -> str:
    """tr(key, lang) for the fixed words the page repeats for every dataset, made once."""
    return tr(key, lang)


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def group_by_domain(graph: Graph, datasets, labels: Labels, lang: str):
    groups: dict[str, list] = {}
    for dataset in datasets:
        domains = [d for d in graph.objects(dataset, DCTERMS.subject) if str(d).startswith(GRUNDDATA_PREFIXES)]
        names = sorted({labels.name(canonical_domain(d)) for d in domains}) or [None]
        for name in names:
            groups.setdefault(name, []).append(dataset)
    named = sorted((k for k in groups if k is not None), key=str.casefold)
    ordered = [(f"{tr('domains.domain', lang)}: {name}", groups[name]) for name in named]
    if None in groups:
        ordered.append((tr("export.other" if named else "export.datasets", lang), groups[None]))
    return ordered


def canonical_domain(concept) -> URIRef:
    text = str(concept)
    if text.startswith(GRUNDDATA_PREFIXES[1]):
        return URIRef(GRUNDDATA_PREFIXES[0] + text[len(GRUNDDATA_PREFIXES[1]):])
    return URIRef(text)


def resource_html(graph: Graph, resource, labels: Labels, status: Status, lang: str) -> str:
    distributions = list(graph.objects(resource, DCAT.distribution))
    none = esc(_said("export.none", lang))
    rows = []
    publisher = graph.value(resource, DCTERMS.publisher)
    rows.append((capital(_said("relation.publisher", lang)), esc(labels.name(publisher)) if publisher is not None
                 else none))
    access = graph.value(resource, DCTERMS.accessRights)
    rows.append((capital(_said("relation.access_rights", lang)), esc(labels.name(access)) if access is not None
                 else none))
    links = resource_links(graph, resource, distributions, labels, lang)
    rows.append((_said("export.links", lang), "<ul class=\"links\">" + "".join(f"<li>{link}</li>" for link in links)
                 + "</ul>" if links else none))
    rows.append((_said("export.status", lang), status_html(status.of([resource, *distributions]), lang)))
    description = labels.text(resource, DCTERMS.description)
    body = "".join(f"<dt>{esc(name)}</dt><dd>{value}</dd>" for name, value in rows)
    iri = f'<p class="muted">{esc(resource)}</p>' if isinstance(resource, URIRef) else ""
    paragraph = f"<p>{esc(description)}</p>" if description else ""
    return f"<article><h3>{esc(labels.name(resource))}</h3>{iri}{paragraph}<dl>{body}</dl></article>"


def resource_links(graph: Graph, resource, distributions, labels: Labels, lang: str) -> list[str]:
    links = [link_html(url, _said("export.landing", lang)) for url in graph.objects(resource, DCAT.landingPage)]
    links += [link_html(url, _said("export.endpoint", lang)) for url in graph.objects(resource, DCAT.endpointURL)]
    for distribution in sorted(distributions, key=str):
        name = labels.text(distribution, DCTERMS.title) or ""
        # DCTERMS["format"]: the attribute DCTERMS.format is str.format
        formats = ", ".join(sorted(labels.name(f) for f in graph.objects(distribution, DCTERMS["format"])))
        caption = " – ".join(part for part in (name, formats) if part)
        for predicate, kind in ((DCAT.downloadURL, _said("export.download", lang)),
                                (DCAT.accessURL, _said("export.access_url", lang))):
            for url in sorted(graph.objects(distribution, predicate), key=str):
                links.append(link_html(url, kind) + (f" <span class=\"muted\">{esc(caption)}</span>" if caption else ""))
    return [link for link in links if link]


def link_html(url, caption: str) -> str:
    """A link only for web and mail addresses: a javascript: or data: IRI in the data must not become clickable."""
    if not str(url).lower().startswith(("http://", "https://", "mailto:")):
        return f"{esc(caption)}: {esc(url)}"
    return f'<a href="{esc(url)}" rel="nofollow noopener">{esc(caption)}</a>'


def status_html(counts: Counter | None, lang: str) -> str:
    if counts is None:
        return f'<span class="muted">{esc(_said("export.not_validated", lang))}</span>'
    if not +counts:
        return f'<span class="ok">{esc(_said("export.ok", lang))}</span>'
    css = "bad" if counts["violation"] else "warn" if counts["warning"] else "muted"
    words = [count(counts[key], key, lang) for key in ("violation", "warning", "info") if counts[key]]
    return f'<span class="{css}">{esc(", ".join(words))}</span>'


# --------------------------------------------------------------------------------------------- export


@dataclass
class Export:
    folder: Path  # the real folder written (symbolic links followed)
    files: dict[str, int]  # relative path -> bytes
    report: Report | None  # None when validation was skipped
    triples: int
    verdict: object = None  # publish.gate.Verdict: what the gate found


EXPORTED_FILES = (HARVEST_PATH, HARVEST_PATH + ".ttl", HARVEST_PATH + ".jsonld", "index.html")


def export(sources, to, *, allow_invalid: bool = False, validate: bool = True, lang: str = "en", profiles=None,
           shapes=(), vocabularies=(), domain=None, rules=None, input_format=None,
           limits: Limits | None = None) -> Export:
    """Load, pass the gate (publish.gate) and write the export files into `to`, beside whatever else is there.

    Only files an earlier export wrote are replaced (publish.site); nothing is written when anything fails.
    """
    from ..validation.profiles import load_vocabularies
    from ..validation.ruleset import Rules
    from . import gate, site

    if lang not in LANGUAGES:
        raise UsageError(f"unknown language '{lang}' (known: {', '.join(LANGUAGES)})")
    if rules is None:
        rules = Rules(profiles=tuple(profiles) if profiles else None, shapes=tuple(shapes),
                      vocabularies=tuple(vocabularies), domain=domain)
    catalog = catalog_for_publishing(sources, rules, input_format=input_format, limits=limits, page_subset=False)
    site.target_folder(to)  # an odd target fails before the (long) validation
    verdict = gate.enforce(gate.check_catalog(catalog, sources, rules, validate=validate, input_format=input_format,
                                              limits=limits), allow_invalid)
    vocabularies = load_vocabularies(rules.vocabularies, limits)
    with gc_paused():
        files = render_files(catalog, verdict.report, vocabularies, lang)
    folder = site.write_site(to, files, legacy=EXPORTED_FILES, last=HARVEST_PATH)
    return Export(folder=folder, files={k: len(v) for k, v in files.items()}, report=verdict.report,
                  triples=catalog.triples, verdict=verdict)


def catalog_for_publishing(sources, rules=None, *, input_format=None, limits: Limits | None = None,
                           page_subset: bool = True) -> Catalog:
    """The fast path of load_for_publishing: canonical statements (publish.documents) instead of an rdflib graph;
    description files know the codes of --vocabulary files, as in `validate`."""
    from ..description.values import vocabularies_in_use

    with vocabularies_in_use(rules.vocabularies if rules is not None else ()), gc_paused():
        return load_catalog(sources, input_format=input_format, limits=limits, page_subset=page_subset)


def render_files(catalog: Catalog, report: Report | None, vocabularies: Graph, lang: str) -> dict[str, bytes]:
    """The three RDF files (written from the canonical statements and read back) and the page, built from the
    index filled while they were written."""
    # The three formats and the page index are made from one stream of the canonical statements (a parsed list
    # would cost ~0.4 GB at national scale).
    index = CatalogIndex(catalog.triples)
    written = write_checked_all(catalog.ntriples, EXPORTED_FORMATS, prefixes=catalog.prefixes, index=index)
    files = {HARVEST_PATH + SERIALISATIONS[fmt].suffix: written.pop(fmt) for fmt in EXPORTED_FORMATS}
    downloads = [("RDF/XML", HARVEST_PATH), ("Turtle", HARVEST_PATH + ".ttl"), ("JSON-LD", HARVEST_PATH + ".jsonld")]
    page = catalog_page(index, vocabularies=vocabularies, report=report, lang=lang, downloads=downloads)
    files["index.html"] = page.encode("utf-8")
    return files
