"""Peak memory of harvesting one large answer (issue 16, family 5: memory proportional to input).

    python benchmarks/harvest_memory.py [--sizes 20,75] [--kinds entrystore,jsonld,turtle] [--label L] [--json F]

For each kind and size (MB of the answer as sent), a generated answer is served from this process by a loopback
server and `ena-grunddata harvest URL` runs in its own process; its peak resident size is its ru_maxrss (taken
through a small go-between process, see MIDDLE). The baseline is the same command harvesting a tiny answer of the
same kind (imports, rdflib, pyoxigraph: the cost that does not grow with the input). `statements_mib` is the size
of the harvested snapshot (sorted N-Triples), what the harvest keeps.

- entrystore: one /store/search answer holding every entry (a server that ignores `limit`), each entry a
  dataportal.se-like dataset in RDF/JSON (titles, a description, keywords, a publisher, a distribution as a
  blank node) with EntryStore's other fields beside it (entryId, contextId, info);
- jsonld: one Hydra page in JSON-LD (the same datasets, expanded form with full IRIs, a PartialCollectionView), the
  nodes in the page object's @graph;
- jsonld-array: the same nodes as a top-level array (pyoxigraph streams it; an object's @graph it holds until the
  object ends, since a later @id would make it a named graph);
- turtle: one catalog document in Turtle (benchmarks/catalog.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import catalog  # noqa: E402

CLI = [sys.executable, "-m", "ena_grunddata"]
DCAT, DCT, RDF_TYPE = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/", \
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
HYDRA = "http://www.w3.org/ns/hydra/core#"
TEXT = ("Uppgifter om fastigheter, ägare och inskrivningar enligt fastighetsboken, uppdaterade dagligen. " * 4)


def uri(value: str) -> dict:
    return {"type": "uri", "value": value}


def literal(value: str, lang: str | None = None) -> dict:
    return {"type": "literal", "value": value, **({"lang": lang} if lang else {})}


def rdfjson_dataset(n: int) -> dict:
    number, _name = catalog.AGENCIES[n % len(catalog.AGENCIES)]
    dataset, blank = f"https://data.example.se/dataset-{n}", "_:dist"
    return {
        dataset: {
            RDF_TYPE: [uri(DCAT + "Dataset")],
            DCT + "title": [literal(f"Datamängd {n}", "sv"), literal(f"Dataset {n}", "en")],
            DCT + "description": [literal(f"{n}: {TEXT}", "sv")],
            DCT + "publisher": [uri(f"http://dataportal.se/organisation/SE{number}")],
            DCT + "identifier": [literal(f"ds-{n}")],
            DCAT + "keyword": [literal(word, "sv") for word in ("fastighet", "karta", f"ord{n % 97}")],
            DCAT + "theme": [uri(catalog.EU + "data-theme/" + catalog.THEMES[n % len(catalog.THEMES)])],
            DCAT + "distribution": [{"type": "bnode", "value": blank}],
        },
        blank: {
            RDF_TYPE: [uri(DCAT + "Distribution")],
            DCAT + "accessURL": [uri(f"https://data.example.se/files/{n}.csv")],
            DCT + "format": [uri(catalog.EU + "file-type/CSV")],
            DCT + "title": [literal(f"CSV-fil {n}", "sv")],
        },
    }


def entrystore_child(n: int) -> dict:
    return {"entryId": str(n), "contextId": "7", "info": {"https://admin.dataportal.se/store/7/entry/%d" % n: {
        "http://entrystore.org/terms/resource": [uri(f"https://data.example.se/dataset-{n}")]}},
        "metadata": rdfjson_dataset(n)}


def entrystore_answer(entries: int) -> bytes:
    """One search answer with every entry, written piece by piece (the server holds only the bytes)."""
    parts = [b'{"offset": 0, "limit": 100, "results": %d, "resource": {"children": [' % entries]
    parts.extend((b"," if n else b"") + json.dumps(entrystore_child(n), ensure_ascii=False).encode("utf-8")
                 for n in range(entries))
    parts.append(b"]}}")
    return b"".join(parts)


def jsonld_node(subject: str, predicates: dict) -> dict:
    """An RDF/JSON subject as an expanded JSON-LD node (rdf:type as @type)."""
    node = {"@id": subject}
    for predicate, objects in predicates.items():
        if predicate == RDF_TYPE:
            node["@type"] = [obj["value"] for obj in objects]
            continue
        node[predicate] = [{"@id": obj["value"]} if obj["type"] in ("uri", "bnode") else
                           {"@value": obj["value"], **({"@language": obj["lang"]} if obj.get("lang") else {})}
                           for obj in objects]
    return node


def jsonld_page(entries: int) -> bytes:
    parts = [b'{"@graph": [', json.dumps({"@id": "https://data.example.se/catalog", "@type": [DCAT + "Catalog"],
                                          DCT + "title": [{"@value": "Katalog", "@language": "sv"}]}).encode(),
             b",", json.dumps({"@id": "https://data.example.se/catalog?page=1",
                               "@type": [HYDRA + "PartialCollectionView"]}).encode()]
    for n in range(entries):
        for subject, predicates in rdfjson_dataset(n).items():
            subject = f"_:dist{n}" if subject.startswith("_:") else subject
            node = jsonld_node(subject, predicates)
            if DCAT + "distribution" in node:
                node[DCAT + "distribution"] = [{"@id": f"_:dist{n}"}]
            parts.append(b"," + json.dumps(node, ensure_ascii=False).encode("utf-8"))
    parts.append(b"]}")
    return b"".join(parts)


def jsonld_array(entries: int) -> bytes:
    page = jsonld_page(entries)
    return b"[" + page[len(b'{"@graph": ['):-len(b"]}")] + b"]"


def turtle_document(datasets: int) -> bytes:
    return catalog.generate(datasets, defect_every=0).encode("utf-8")


KINDS = {
    # kind: (builder of N items, media type, URL path)
    "entrystore": (entrystore_answer, "application/json", "/store/search"),
    "jsonld": (jsonld_page, "application/ld+json", "/catalog.jsonld"),
    "jsonld-array": (jsonld_array, "application/ld+json", "/catalog.jsonld"),
    "turtle": (turtle_document, "text/turtle; charset=utf-8", "/catalog.ttl"),
}


def build(kind: str, megabytes: float) -> bytes:
    """An answer of about `megabytes` MB: size the item count from a small sample, then build it."""
    builder = KINDS[kind][0]
    per_item = len(builder(200)) / 200
    return builder(max(1, int(megabytes * 1_000_000 / per_item)))


class Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    body, media = b"", "application/json"

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", self.media)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


# A small process in between: a child made by (v)fork + exec starts with the high-water mark of the process it was
# made from (Linux keeps ru_maxrss across exec), and this process holds the answer. The go-between is small, so
# its child's ru_maxrss is the command's own peak.
MIDDLE = """
import resource, subprocess, sys, time
started = time.perf_counter()
run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - started)
sys.stderr.buffer.write(run.stderr[-300:])
"""


def peak_of(command: list[str]) -> dict:
    """Exit code, peak resident size (MiB) and wall time of one command in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MIDDLE, *command], capture_output=True, check=True)
    code, peak, seconds = out.stdout.split()
    return {"exit": int(code), "peak_mib": round(int(peak) / 1024, 1), "seconds": round(float(seconds), 1),
            "stderr": out.stderr.decode("utf-8", "replace")}


def measure(kind: str, body: bytes) -> dict:
    _, media, path = KINDS[kind]
    handler = type("Handler", (Answers,), {"body": body, "media": media})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as store:
            url = f"http://127.0.0.1:{server.server_port}{path}"
            result = peak_of([*CLI, "harvest", url, "--store", store, "--allow-private", "--delay", "0",
                              "--retries", "0", "-f", "json", "--max-input-bytes", str(1 << 30)])
            snapshots = list(Path(store).glob("sources/*/snapshot.nt"))
            result["statements_mib"] = round(snapshots[0].stat().st_size / 2**20, 1) if snapshots else None
            return result
    finally:
        server.shutdown()
        server.server_close()


def machine() -> str:
    import pyoxigraph
    import rdflib

    return (f"nproc = {os.cpu_count()}, Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
            f"rdflib {rdflib.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,75", help="answer sizes in MB, comma-separated")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--label", default="", help="a name for this run in the JSON file (e.g. a commit)")
    args = parser.parse_args()
    rows = []
    for kind in args.kinds.split(","):
        baseline = measure(kind, build(kind, 0.01))
        for size in (float(s) for s in args.sizes.split(",")):
            body = build(kind, size)
            answer_mib = round(len(body) / 2**20, 1)
            result = measure(kind, body)
            del body
            row = {"kind": kind, "answer_mib": answer_mib, "baseline_mib": baseline["peak_mib"], **result}
            row["growth_per_answer_byte"] = round((result["peak_mib"] - baseline["peak_mib"]) / row["answer_mib"], 2)
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"label": args.label, "machine": machine(), "rows": rows}, indent=2) + "\n",
                                   encoding="utf-8")


if __name__ == "__main__":
    main()
