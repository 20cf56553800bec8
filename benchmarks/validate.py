"""Benchmark: validate generated DCAT-AP-SE catalogs with the fast engine and with plain pyshacl.

    python benchmarks/validate.py                       # sizes 1000, 5000, 25000
    python benchmarks/validate.py --sizes 1000,5000 --pyshacl-max 5000 --timeout 900

For each size it writes a catalog (benchmarks/catalog.py: one dataset in ten has one defect, one in ten carries the
grunddata marker) and runs, each in a fresh subprocess so timings and peak memory do not leak between runs:
  fast     our default engine end to end (pyoxigraph parsers, compiled shapes), profiles dcat-ap-se + grunddata
  pyshacl  rdflib parse + plain pyshacl.validate with the same shapes and vocabularies (inference none)
  rdflib   rdflib parsing alone;  oxigraph  pyoxigraph's own parser (Store.bulk_load) alone
and prints a table with the ratios. pyshacl is skipped above --pyshacl-max datasets (it takes minutes).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def normalised_keys(findings) -> list:
    """Finding keys with blank node labels blanked (the two parsers name blank nodes differently)."""
    def plain(text):
        return "_:" if isinstance(text, str) and text.startswith("_:") else text

    return sorted(json.dumps([plain(part) for part in f.key()]) for f in findings)


# --------------------------------------------------------------------------------------------- tasks (children)


def task_fast(path: str) -> dict:
    from ena_grunddata.validation.engines import fast_validate
    from ena_grunddata.validation.profiles import load_shapes, load_vocabularies

    started = time.perf_counter()
    vocabulary = load_vocabularies(())
    shapes = load_shapes(None, (), vocabulary)
    fast_validate.fast.compiled(shapes)
    setup = time.perf_counter()
    data, loaded = fast_validate.load_fast([path])
    parsed = time.perf_counter()
    fast_validate.add_vocabulary(data, vocabulary)
    findings = fast_validate.run(data, shapes, origins=loaded.origins)  # located in the file, as validate does
    done = time.perf_counter()
    return {"setup": setup - started, "parse": parsed - setup, "validate": done - parsed, "total": done - started,
            "findings": len(findings), "summary": summary(findings), "keys": normalised_keys(findings)}


def task_pyshacl(path: str) -> dict:
    from rdflib import Graph

    from ena_grunddata.validation.engines import pyshacl_engine
    from ena_grunddata.load import Limits, parse_document, read_document
    from ena_grunddata.validation.profiles import load_shapes, load_vocabularies

    started = time.perf_counter()
    vocabulary = load_vocabularies(())
    shapes = load_shapes(None, (), vocabulary)
    setup = time.perf_counter()
    graph = parse_document(read_document(path, limits=Limits()), Limits())
    data = Graph()
    data += graph
    data += vocabulary
    parsed = time.perf_counter()
    findings = pyshacl_engine.run(data, shapes)  # pyshacl.validate(inference="none", advanced=True, ...)
    done = time.perf_counter()
    return {"setup": setup - started, "parse": parsed - setup, "validate": done - parsed, "total": done - started,
            "findings": len(findings), "summary": summary(findings), "keys": normalised_keys(findings)}


def task_rdflib(path: str) -> dict:
    from ena_grunddata.load import Limits, parse_document, read_document

    started = time.perf_counter()
    graph = parse_document(read_document(path, limits=Limits()), Limits())
    return {"parse": time.perf_counter() - started, "triples": len(graph)}


def task_oxigraph(path: str) -> dict:
    import pyoxigraph

    data = Path(path).read_bytes()
    started = time.perf_counter()
    store = pyoxigraph.Store()
    store.bulk_load(data, format=pyoxigraph.RdfFormat.TURTLE, base_iri="https://relative.invalid/")
    return {"parse": time.perf_counter() - started, "triples": len(store)}


def summary(findings) -> dict:
    counts = collections.Counter(f.severity.label for f in findings)
    return {k: counts.get(k, 0) for k in ("violation", "warning", "info")}


TASKS = {"fast": task_fast, "pyshacl": task_pyshacl, "rdflib": task_rdflib, "oxigraph": task_oxigraph}


# --------------------------------------------------------------------------------------------- orchestration


def run_task(name: str, path: Path, timeout: float) -> dict:
    command = [sys.executable, __file__, "--task", name, "--file", str(path)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:g} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else "?"
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    total = memory[1].split()[1] if len(memory) > 1 else "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (f"{os.cpu_count()} CPUs ({cpu}), {total} RAM, Python {platform.python_version()}, "
            f"load average at start {load:.1f}")


def fmt(value, unit="s") -> str:
    if value is None:
        return "–"
    return f"{value:.1f} {unit}" if unit else f"{value}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,25000", help="comma-separated numbers of datasets")
    parser.add_argument("--pyshacl-max", type=int, default=5000, help="skip pyshacl above this many datasets")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per measurement")
    parser.add_argument("--workdir", default=None, help="where catalogs are written (default: a temporary folder)")
    parser.add_argument("--json", default=None, help="also write all results to this file")
    parser.add_argument("--tasks", default="oxigraph,rdflib,fast,pyshacl", help="which measurements to run")
    parser.add_argument("--reuse", default=None, help="take the other measurements from this earlier --json file")
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:  # child process: one measurement
        result = TASKS[args.task](args.file)
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return
    import catalog

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ena-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}", flush=True)
    results = {}
    paths = {}
    for size in sizes:
        paths[size] = path = workdir / f"catalog-{size}.ttl"
        path.write_text(catalog.generate(size), encoding="utf-8")
        results[size] = {"size": size, "bytes": path.stat().st_size}
    earlier = json.loads(Path(args.reuse).read_text(encoding="utf-8")) if args.reuse else {}
    wanted = [t.strip() for t in args.tasks.split(",") if t.strip()]
    # The quick measurements first, pyshacl (minutes) last.
    for name in ("oxigraph", "rdflib", "fast", "pyshacl"):
        for size in sizes:
            if name not in wanted:
                results[size][name] = earlier.get(str(size), {}).get(name, {"error": "not run"})
                continue
            if name == "pyshacl" and size > args.pyshacl_max:
                results[size][name] = {"error": f"skipped (over --pyshacl-max {args.pyshacl_max})"}
                continue
            print(f"  {size:>6} datasets: {name} …", flush=True)
            results[size][name] = run_task(name, paths[size], args.timeout)
            shown = dict(results[size][name])
            shown.pop("keys", None)
            print(f"    {json.dumps(shown)}", flush=True)
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


def print_table(results: dict) -> None:
    print()
    print("| datasets (triples) | fast: parse / validate / total (peak) | pyshacl: parse / validate / total (peak) "
          "| findings fast / pyshacl | speed-up total (validate) | parse: rdflib / pyoxigraph own / ours "
          "| ours vs pyoxigraph |")
    print("|---|---|---|---|---|---|---|")
    for size, row in results.items():
        fast, ref, rdf, ox = (row.get(name, {}) for name in ("fast", "pyshacl", "rdflib", "oxigraph"))
        triples = f"{ox['triples']:,}" if "triples" in ox else "?"  # only when the oxigraph task ran
        fast_cell = (f"{fast['parse']:.1f} / {fast['validate']:.1f} / {fast['total']:.1f} s "
                     f"({fast['peak_mb']:.0f} MB)") if "total" in fast else fast.get("error", "–")
        ref_cell = (f"{ref['parse']:.1f} / {ref['validate']:.1f} / {ref['total']:.1f} s "
                    f"({ref['peak_mb']:.0f} MB)") if "total" in ref else ref.get("error", "–")
        if "keys" in fast and "keys" in ref:
            same = "identical" if fast["keys"] == ref["keys"] else "DIFFERENT"
            found = f"{fast['findings']} / {ref['findings']} ({same})"
            speed = f"{ref['total'] / fast['total']:.1f}× ({ref['validate'] / fast['validate']:.1f}×)"
        else:
            found = f"{fast.get('findings', '–')} / –"
            speed = "–"
        parse = (f"{rdf.get('parse', float('nan')):.1f} / {ox.get('parse', float('nan')):.1f} / "
                 f"{fast.get('parse', float('nan')):.1f} s")
        ratio = f"{fast['parse'] / ox['parse']:.2f}×" if "parse" in fast and "parse" in ox else "–"
        print(f"| {size:,} ({triples}) | {fast_cell} | {ref_cell} | {found} | {speed} | {parse} | {ratio} |")


if __name__ == "__main__":
    main()
