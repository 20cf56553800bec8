"""The one loader: turns files, folders, standard input and URLs into RDF graphs, safely.

Every command reads RDF through here. The stage's rooms: `model` (formats, limits, documents), `sources`
(reading bytes), `formats` (which format), `safety` (scans before parsing), `terms` (the IRI and language-tag
policy), `parse_rdflib` and `parse_oxigraph` (the two parsers), `origins` (file and line of each resource).
Bytes are read by us (never by rdflib, which would open paths and URLs itself), checked (size, encoding, entity declarations, JSON-LD contexts), then parsed into a fresh graph under a
time budget, so a failing document contributes nothing and a hostile one cannot hang or reach the network.
"""

from __future__ import annotations

from .formats import choose_format, format_from_extension, format_from_media_type, sniff_format
from .model import (ACCEPT_HEADER, DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_NESTING, DEFAULT_TIMEOUT, DESCRIPTION_EXTENSIONS,
                    FORMAT_ALIASES, FORMATS, Document, Limits, RdfFormat, is_url, normalise_format)
from .origins import Lines, Origins, OriginsUnion, TextIndex, subject_lines, text_index
from .parse_oxigraph import OXIGRAPH_FORMATS, RefusedByOxigraph, parse_document_oxigraph
from .parse_rdflib import ParseTimeout, no_network, parse_document, syntax_error, time_budget
from .safety import check_control_characters, check_safe, check_text
from .sources import expand_sources, read_document, read_documents, read_inputs, strip_bom
from .terms import check_terms, iri_problem, language_problem


from dataclasses import dataclass, field

from rdflib import Graph


# --------------------------------------------------------------------------------------------- entry point


@dataclass
class Loaded:
    """Graphs read from one or more sources, remembering where each resource came from."""

    graph: Graph
    sources: list[str]
    origins: Origins
    documents: list[Document] = field(default_factory=list)


def load(sources, *, input_format=None, limits: Limits | None = None) -> Loaded:
    """Read and parse every source into one graph; the first bad document stops everything (exit 2)."""
    limits = limits or Limits()
    return load_documents(read_inputs(sources, input_format=input_format, limits=limits), limits)


def load_documents(documents: list[Document], limits: Limits | None = None) -> Loaded:
    """Parse documents already read (standard input can be read only once) into one graph with their origins."""
    limits = limits or Limits()
    graph = Graph()
    origins = Origins()
    for document in documents:
        part = parse_document(document, limits)
        origins.add(document, part)
        locations = getattr(part, "ena_locations", None)  # description files carry a source map
        if locations:
            for term, line in locations.items():
                origins.set_location(term, document.name, line)
        graph += part
    return Loaded(graph=graph, sources=[d.name for d in documents], origins=origins, documents=list(documents))
