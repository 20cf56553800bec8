"""Which RDF format a document is in: the extension, then the Content-Type, then sniffing the bytes."""

from __future__ import annotations

import re

from ..errors import InputError
from .model import DESCRIPTION_EXTENSIONS, FORMATS, is_url

# --------------------------------------------------------------------------------------------- formats


def format_from_extension(name: str) -> str | None:
    lowered = name.lower()
    for fmt in FORMATS.values():
        if lowered.endswith(fmt.extensions):
            return fmt.name
    return None


def format_from_media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    media = content_type.split(";")[0].strip().lower()
    if media == "application/json":
        return "jsonld"
    for fmt in FORMATS.values():
        if media in fmt.media_types:
            return fmt.name
    return None


_NT_LINE = re.compile(r'^\s*(<[^>]*>|_:\S+)\s+<[^>]*>\s+(<[^>]*>|_:\S+|".*)\s*(<[^>]*>|_:\S+)?\s*\.\s*(#.*)?$')


def sniff_format(data: bytes) -> str | None:
    head = data[:8192].lstrip()
    starts_with_statement = re.match(rb'<[^\s<>"]*>\s+<', head)  # IRI then a term: not XML
    if head.startswith(b"<") and not starts_with_statement:
        lowered = head[:2048].lower()
        if b"<html" in lowered or b"<!doctype html" in lowered:
            return None
        return "rdfxml" if (b"rdf" in lowered or lowered.startswith(b"<?xml")) else None
    if head[:1] in (b"{", b"["):
        return "jsonld"
    text = head.decode("utf-8", errors="replace")
    if re.search(r"^\s*(@prefix|@base|prefix|base)\b", text, re.MULTILINE | re.IGNORECASE):
        return "trig" if re.search(r"^\s*\S+\s*\{", text, re.MULTILINE) and "GRAPH" in text.upper() else "turtle"
    lines = [line for line in text.splitlines()[:-1] or text.splitlines() if line.strip()
             and not line.lstrip().startswith("#")]
    if lines and all(_NT_LINE.match(line) for line in lines):
        without_literals = [re.sub(r'"(?:[^"\\]|\\.)*"(@[\w-]+|\^\^<[^>]*>)?', " L ", line) for line in lines]
        with_graph = any(len(re.findall(r"<[^>]*>|_:\S+|\sL\s", line)) >= 4 for line in without_literals)
        return "nquads" if with_graph else "ntriples"
    if lines and lines[0].lstrip().startswith(("<", "_:")):
        return "turtle"
    return None


def choose_format(name: str, content_type: str | None, data: bytes) -> str:
    """Extension first, then the server's Content-Type, then the content itself."""
    lowered = name.lower().split("?")[0]
    if lowered.endswith(DESCRIPTION_EXTENSIONS):
        if lowered.endswith(".json") and looks_like_jsonld(data):
            return "jsonld"
        return "description"
    fmt = format_from_extension(lowered) if not is_url(name) else None
    fmt = fmt or format_from_media_type(content_type) or (format_from_extension(lowered) if is_url(name) else None)
    fmt = fmt or sniff_format(data)
    if fmt is None:
        if not data.strip():
            raise InputError("empty input: no RDF to read", where=name)
        got = f" (server sent {content_type})" if content_type else ""
        raise InputError(f"cannot tell the RDF format{got}; name it with --input-format "
                         f"({'|'.join(FORMATS)})", where=name)
    return fmt


def looks_like_jsonld(data: bytes) -> bool:
    head = data[:4096]
    return any(key in head for key in (b'"@context"', b'"@graph"', b'"@id"', b'"@type"'))


_TOP_KEY = re.compile(r'^(?:catalog|datasets|services|series)\s*:|^\s*"(?:catalog|datasets|services|series)"\s*:',
                      re.MULTILINE)



def looks_like_description_file(path) -> bool:
    """A YAML/JSON file with a top-level `catalog`, `datasets`, `services` or `series` key (not, say, a manifest)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(256 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return False
    if head.lstrip().startswith(("{", "[")) and any(k in head[:4096] for k in ('"@context"', '"@graph"', '"@id"')):
        return False
    return bool(_TOP_KEY.search(head))
