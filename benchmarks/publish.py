"""Benchmark export, serve and harvest through the CLI at national scale, with pyoxigraph's own parse + serialise
of the same files as the floor, measured in the same run.

    python benchmarks/publish.py [--sizes 5000,25000] [--workdir DIR] [--json FILE]

Per size: a catalog from benchmarks/catalog.py (Turtle); then, each command in its own process (peak memory is the
process's ru_maxrss / VmHWM):
- floor (export/serve): pyoxigraph parses the Turtle file and serialises RDF/XML, Turtle and JSON-LD;
- `export FILE --to DIR --no-validate` (three files, the page, the read-back check);
- `serve FILE --no-validate --port 0`: time until /healthz answers, one GET of /datasets/dcat, one of ?page=5;
- floor (harvest): pyoxigraph parses the exported RDF/XML and serialises N-Triples;
- `harvest URL --store S` of the exported RDF/XML from a local static server: first run, after 1 % of the
  datasets changed (title), and again (304 Not Modified).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import catalog  # noqa: E402

CLI = [sys.executable, "-m", "ena_grunddata"]
FLOOR = """
import sys, time, pyoxigraph as ox
path, fmt, outs = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
t = time.perf_counter()
quads = list(ox.parse(path=path, format=getattr(ox.RdfFormat, fmt)))
parsed = time.perf_counter() - t
for out in outs:
    ox.serialize(quads, format=getattr(ox.RdfFormat, out))
print(parsed, time.perf_counter() - t)
"""
MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)
"""


def measured(command: list[str]) -> dict:
    """Wall time and peak memory of one command in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, peak, code = out.stdout.split()
    return {"seconds": float(seconds), "peak_mb": float(peak), "exit": int(code)}


def floor(path: Path, fmt: str, outputs: str) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-c", FLOOR, str(path), fmt, outputs],
                         capture_output=True, text=True, check=True)
    seconds, peak, code = out.stdout.split()
    return {"seconds": float(seconds), "peak_mb": float(peak), "exit": int(code)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        body = response.read()
        return time.perf_counter() - started, response.status, body


def measure_serve(path: Path, datasets: int) -> dict:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([*CLI, "serve", str(path), "--no-validate", "--port", str(port), "--poll-interval",
                                "3600"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("serve ended before it was ready")
            try:
                get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.05)
        ready = time.perf_counter() - started
        full, status, body = get(base + "/datasets/dcat")
        number = max(1, min(5, datasets // 100))  # page 5 of 100 datasets each (or the last, when fewer)
        page, page_status, _ = get(base + f"/datasets/dcat?page={number}")
        page_again, _, _ = get(base + f"/datasets/dcat?page={max(1, number - 1)}&format=turtle")
        html, _, _ = get(base + "/")
        status_text = Path(f"/proc/{process.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+)", status_text).group(1)) / 1024
        resident = int(re.search(r"VmRSS:\s+(\d+)", status_text).group(1)) / 1024
    finally:
        process.terminate()
        process.wait(timeout=60)
    return {"ready": ready, "full": full, "full_bytes": len(body), "page": page, "page_turtle": page_again,
            "page_status": page_status, "html_first": html, "peak_mb": peak, "resident_mb": resident}


class Quiet(SimpleHTTPRequestHandler):
    extensions_map = {"": "application/rdf+xml"}

    def log_message(self, *args):
        pass


def static_server(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def changed_catalog(n: int) -> str:
    """The same catalog with the title of 1 % of the datasets changed."""
    text = catalog.generate(n)
    for i in range(0, n, 100):
        text = text.replace(f'"Datamängd {i}"@sv', f'"Datamängd {i} (ändrad)"@sv', 1)
    return text


def run_size(n: int, workdir: Path) -> dict:
    row: dict = {"datasets": n}
    source = workdir / f"catalog-{n}.ttl"
    source.write_text(catalog.generate(n), encoding="utf-8")
    row["turtle_mb"] = source.stat().st_size / 1e6
    row["floor_publish"] = floor(source, "TURTLE", "RDF_XML,TURTLE,JSON_LD")
    site = workdir / f"site-{n}"
    shutil.rmtree(site, ignore_errors=True)
    row["export"] = measured([*CLI, "export", str(source), "--to", str(site), "--no-validate"])
    second = workdir / f"site-{n}-again"
    shutil.rmtree(second, ignore_errors=True)
    measured([*CLI, "export", str(source), "--to", str(second), "--no-validate"])
    row["export_identical"] = all((site / name).read_bytes() == (second / name).read_bytes()
                                  for name in ("datasets/dcat", "datasets/dcat.ttl", "datasets/dcat.jsonld",
                                               "index.html"))
    shutil.rmtree(second, ignore_errors=True)
    row["triples"] = (site / "datasets/dcat.ttl").read_bytes().count(b"\n")  # rough; replaced below
    row["serve"] = measure_serve(source, n)
    rdfxml = site / "datasets" / "dcat"
    row["rdfxml_mb"] = rdfxml.stat().st_size / 1e6
    row["floor_harvest"] = floor(rdfxml, "RDF_XML", "N_TRIPLES")
    store = workdir / f"store-{n}"
    shutil.rmtree(store, ignore_errors=True)
    server = static_server(site)
    url = f"http://127.0.0.1:{server.server_port}/datasets/dcat"
    harvest = [*CLI, "harvest", url, "--store", str(store), "--allow-private", "--delay", "0"]
    try:
        row["harvest_first"] = measured(harvest)
        changed = workdir / f"catalog-{n}-changed.ttl"
        changed.write_text(changed_catalog(n), encoding="utf-8")
        time.sleep(1.1)  # a new Last-Modified second
        result = measured([*CLI, "export", str(changed), "--to", str(site), "--no-validate"])
        assert result["exit"] == 0, result
        row["harvest_changed"] = measured(harvest)
        row["harvest_304"] = measured(harvest)
    finally:
        server.shutdown()
    meta = json.loads(next(store.glob("sources/*/meta.json")).read_text())
    row["triples"] = meta["counts"]["triples"]
    row["entities"] = meta["counts"]["entities"]
    attempts = json.loads(next(store.glob("attempts/*.json")).read_text())
    row["last_status"] = attempts["status"]
    return row


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pyoxigraph
    import rdflib

    return (f"nproc = {os.cpu_count()} ({cpu}), {memory:.0f} GiB RAM, Python {platform.python_version()}, "
            f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, load average at start "
            f"{os.getloadavg()[0]:.1f}")


def print_table(rows: list[dict]) -> None:
    print("| datasets (triples) | floor: parse + 3 writes | export (peak) | export ÷ floor | serve ready (peak) |"
          " ready ÷ floor | full GET | page GET | harvest floor | harvest first (peak) | first ÷ floor |"
          " after 1 % change | 304 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        f, e, s = r["floor_publish"]["seconds"], r["export"], r["serve"]
        hf, h1 = r["floor_harvest"]["seconds"], r["harvest_first"]
        print(f"| {r['datasets']:,} ({r['triples']:,}) | {f:.1f} s | {e['seconds']:.1f} s ({e['peak_mb']:.0f} MB) |"
              f" {e['seconds'] / f:.1f}× | {s['ready']:.1f} s ({s['peak_mb']:.0f} MB) | {s['ready'] / f:.1f}× |"
              f" {s['full']:.2f} s | {s['page']:.3f} s | {hf:.1f} s | {h1['seconds']:.1f} s ({h1['peak_mb']:.0f} MB) |"
              f" {h1['seconds'] / hf:.1f}× | {r['harvest_changed']['seconds']:.1f} s "
              f"({r['harvest_changed']['peak_mb']:.0f} MB) | {r['harvest_304']['seconds']:.2f} s "
              f"({r['harvest_304']['peak_mb']:.0f} MB) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,25000", help="comma-separated numbers of datasets")
    parser.add_argument("--workdir", default=None, help="where catalogs, sites and stores go (default: temporary)")
    parser.add_argument("--json", default=None, help="also write all results to this file")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ena-publish-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(machine(), flush=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        started = os.getloadavg()[0]
        row = run_size(size, workdir)
        row["load_average"] = [started, os.getloadavg()[0]]
        rows.append(row)
        print(json.dumps(row), flush=True)
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
