"""Benchmark: `validate --endpoint` on a disk-backed Oxigraph server, against the local engine.

    python benchmarks/endpoint.py --sizes 25000 --local          # 25,000 datasets: local and through the endpoint
    python benchmarks/endpoint.py --sizes 250000                  # 250,000 datasets (about 10 million triples)
    python benchmarks/endpoint.py --sizes 25000 --workdir /tmp/ep # reuse catalogs and stores of an earlier run

For each size: benchmarks/catalog.py writes the catalog (one dataset in ten has one defect), `oxigraph load`
bulk-loads it into a store folder (--location, on disk) as the named graph https://data.example.se/catalog,
`oxigraph serve` serves it on a free loopback port, and the CLI runs as a child process:
  endpoint  ena-grunddata validate --endpoint URL --graph … --allow-private -f json
  local     ena-grunddata validate CATALOG.ttl -f json            (with --local)
Wall time and the child's peak resident memory (os.wait4) are printed as a Markdown table row; load time and
the server's own memory are not the client's and are listed apart. The machine may be shared: say so with results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRAPH = "https://data.example.se/catalog"


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else "oxigraph"


def cli() -> list[str]:
    return [sys.executable, "-m", "ena_grunddata"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measured(command: list[str], output: Path) -> dict:
    """Run a child; wall seconds, its peak RSS in MB, its exit code and the number of findings it reported."""
    started = time.perf_counter()
    with open(output, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode("utf-8", "replace").strip()
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "exit": code, "findings": counted(output),
            "error": error[-300:] if code not in (0, 1) else ""}


def counted(output: Path) -> int | None:
    """The findings of a JSON report, counted by line (one finding a line, README "JSON output"): two million
    findings parsed whole would cost this process gigabytes."""
    try:
        with open(output, encoding="utf-8") as report:
            head = report.readline()
            if not head.rstrip().endswith('"findings":['):
                return len(json.loads(head)["findings"])  # "findings":[] on one line
            count = 0
            for line in report:
                if line.startswith("]"):
                    return count
                count += 1
    except (ValueError, KeyError, OSError):
        return None
    return None


def prepare(size: int, workdir: Path) -> tuple[Path, Path, float | None]:
    catalog = workdir / f"catalog-{size}.ttl"
    if not catalog.exists():
        with open(catalog, "w", encoding="utf-8") as out:
            subprocess.run([sys.executable, str(HERE / "catalog.py"), str(size)], stdout=out, check=True)
    store = workdir / f"store-{size}"
    load_seconds = None
    if not (store / "done").exists():
        started = time.perf_counter()
        subprocess.run([oxigraph_binary(), "load", "--location", str(store), "--file", str(catalog), "--graph",
                        GRAPH], check=True, stdout=subprocess.DEVNULL)
        load_seconds = time.perf_counter() - started
        (store / "done").touch()
    return catalog, store, load_seconds


def serve(store: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    process.kill()
    raise SystemExit("oxigraph serve did not start")


def triples(catalog: Path) -> int:
    import pyoxigraph

    return sum(1 for _ in pyoxigraph.parse(path=str(catalog), format=pyoxigraph.RdfFormat.TURTLE))


TRACE = r"""
import re, sys, time
from ena_grunddata.validation.engines import endpoint
post = endpoint.Store._post
trace = open(sys.argv.pop(1), "a", encoding="utf-8")
def timed(self, query, accept, spool=False):
    started = time.perf_counter()
    try:
        return post(self, query, accept, spool)
    finally:
        head = re.sub(r"(PREFIX\s+\S*\s*<[^>]*>\s*)+|FROM <[^>]*>\s*", "", " ".join(query.split()))[:400]
        trace.write(f"{time.perf_counter() - started:.2f}\t{head}\n")
        trace.flush()
endpoint.Store._post = timed
from ena_grunddata.commands.cli import main
main(sys.argv[1:])
"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="25000")
    parser.add_argument("--local", action="store_true", help="also validate the catalog file locally")
    parser.add_argument("--workdir", default=None, help="folder for catalogs and stores (kept; default: temporary)")
    parser.add_argument("--request-timeout", default="600", help="passed to validate --endpoint")
    parser.add_argument("--trace", action="store_true",
                        help="write each query's seconds (time to the answer) to WORKDIR/trace-SIZE.tsv")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ena-endpoint-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"workdir {workdir}", flush=True)
    print("| datasets | triples | run | seconds | client peak MB | findings | exit |")
    print("|---:|---:|---|---:|---:|---:|---:|", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        catalog, store, load_seconds = prepare(size, workdir)
        count = triples(catalog) if size <= 50_000 else 0  # counting 10 million triples costs minutes
        if load_seconds is not None:
            print(f"<!-- oxigraph load of {count:,} triples: {load_seconds:.0f} s -->", flush=True)
        if args.local:
            local = measured(cli() + ["validate", str(catalog), "-f", "json"], workdir / f"local-{size}.json")
            print(f"| {size:,} | {count:,} | local | {local['seconds']:.1f} | {local['peak_mb']:.0f} | "
                  f"{local['findings']} | {local['exit']} |", flush=True)
        process, url = serve(store)
        try:
            command = ([sys.executable, "-c", TRACE, str(workdir / f"trace-{size}.tsv")] if args.trace else cli())
            remote = measured(command + ["validate", "--endpoint", url, "--graph", GRAPH, "--allow-private", "-f",
                                       "json", "--http-deadline", args.request_timeout],
                              workdir / f"endpoint-{size}.json")
        finally:
            process.terminate()
            process.wait(timeout=60)
        print(f"| {size:,} | {count:,} | --endpoint | {remote['seconds']:.1f} | {remote['peak_mb']:.0f} | "
              f"{remote['findings']} | {remote['exit']} |", flush=True)
        if remote["error"]:
            print(f"<!-- endpoint error: {remote['error']} -->", flush=True)


if __name__ == "__main__":
    main()
