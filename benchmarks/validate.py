"""Benchmark: `ena-grunddata validate` end to end through the CLI, in every output format, at national scale.

    python benchmarks/validate.py                                    # sizes 5000, 25000; writes results-validate.md
    python benchmarks/validate.py --sizes 1000 --tasks oxigraph,text,pyshacl --pyshacl-max 1000

For each size it writes a catalog (benchmarks/catalog.py: one dataset in ten has one defect, one in ten carries the
grunddata marker) and runs, each in a fresh subprocess so timings and peak memory do not leak between runs:
  text json html markdown junit sarif
           the CLI as users run it: `ena-grunddata validate FILE --format F -o OUT` against both profiles (the
           default), in a process of its own (`python -m ena_grunddata`, the installed command's entry), start-up,
           imports, loading, validation, rendering and the process's end included
  oxigraph pyoxigraph's own parser (Store.bulk_load) alone: the floor every format is compared with
  rdflib   rdflib parsing alone;  pyshacl  rdflib parse + plain pyshacl.validate (minutes; small sizes only)
and prints a table with each format's wall time, peak memory and its ratio to the floor and to the text format.
Every measurement runs --repeat times (3), round after round over all of them; the table shows the median time.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import resource
import statistics
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


FORMATS = ("text", "json", "html", "markdown", "junit", "sarif")


def task_cli(path: str, fmt: str) -> dict:
    """`ena-grunddata validate PATH --format FMT -o OUT` in a process of its own, as users run it: `python -m
    ena_grunddata` enters where the installed command does (commands.cli.entry, which ends the process as soon as
    the report is written). Its wall time, and its peak memory from the kernel's account of this child."""
    with tempfile.TemporaryDirectory(prefix="ena-bench-out-") as folder:
        out = Path(folder) / f"report.{fmt}"
        command = [sys.executable, "-m", "ena_grunddata", "validate", path, "--format", fmt, "-o", str(out)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise SystemExit(f"validate --format {fmt} exited {done.returncode}: {done.stderr.strip()[-300:]}")
        return {"exit": done.returncode, "bytes_out": out.stat().st_size, "wall": wall,
                "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


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


TASKS = {"pyshacl": task_pyshacl, "rdflib": task_rdflib, "oxigraph": task_oxigraph,
         **{fmt: (lambda path, fmt=fmt: task_cli(path, fmt)) for fmt in FORMATS}}


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
    result.setdefault("wall", time.perf_counter() - started)  # the CLI's own process, where it is measured apart
    return result


def combined(measured: list[dict]) -> dict:
    """One measurement of several rounds: the median of each time, the highest peak, every round's times kept."""
    good = [m for m in measured if "error" not in m]
    if not good:
        return measured[0]
    result = dict(good[0])
    for key in ("wall", "parse", "total"):
        if key in result:
            result[key] = statistics.median(m[key] for m in good)
            result[f"{key}_rounds"] = [round(m[key], 3) for m in good]
    result["peak_mb"] = max(m["peak_mb"] for m in good)
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
    parser.add_argument("--sizes", default="5000,25000", help="comma-separated numbers of datasets")
    parser.add_argument("--pyshacl-max", type=int, default=1000, help="skip pyshacl above this many datasets")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per measurement")
    parser.add_argument("--workdir", default=None, help="where catalogs are written (default: a temporary folder)")
    parser.add_argument("--json", default=None, help="also write all results to this file")
    parser.add_argument("--tasks", default="oxigraph,rdflib," + ",".join(FORMATS) + ",pyshacl",
                        help="which measurements to run")
    parser.add_argument("--markdown", default=str(HERE / "results-validate.md"),
                        help="where the table is written (with the machine it ran on)")
    parser.add_argument("--reuse", default=None, help="take the other measurements from this earlier --json file")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of every measurement (each a fresh process; the table shows the median time "
                             "and the highest peak; rounds run one after another over all tasks, so that drift in "
                             "the machine's speed falls on every format alike)")
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:  # child process: one measurement
        result = TASKS[args.task](args.file)
        result["peak_mb"] = max(peak_mb(), result.get("peak_mb", 0.0))
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
    rounds: dict = {}
    for turn in range(max(1, args.repeat)):
        for name in ("oxigraph", "rdflib", *FORMATS, "pyshacl"):
            for size in sizes:
                if name not in wanted:
                    results[size][name] = earlier.get(str(size), {}).get(name, {"error": "not run"})
                    continue
                if name == "pyshacl" and size > args.pyshacl_max:
                    results[size][name] = {"error": f"skipped (over --pyshacl-max {args.pyshacl_max})"}
                    continue
                if name in ("pyshacl", "rdflib") and turn:  # minutes each: one round
                    continue
                print(f"  round {turn + 1}, {size:>6} datasets: {name} …", flush=True)
                result = run_task(name, paths[size], args.timeout)
                rounds.setdefault((size, name), []).append(result)
                shown = dict(result)
                shown.pop("keys", None)
                print(f"    {json.dumps(shown)}", flush=True)
    for (size, name), measured in rounds.items():
        results[size][name] = combined(measured)
    table = print_table(results)
    Path(args.markdown).write_text(f"# validate: every output format through the CLI\n\nMachine: {machine()}.\n"
                                   f"Command: `python benchmarks/{Path(__file__).name} --sizes {args.sizes} --repeat {args.repeat}` "
                                   "(the median of the rounds; each round's times are in the --json file); "
                                   f"catalogs from benchmarks/catalog.py; both profiles (the default).\n\n"
                                   + table, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


def print_table(results: dict) -> str:
    """The table (Markdown), printed and returned: per size, the floor and each format with its ratios."""
    lines = ["| datasets (triples, file) | what | wall time | peak memory | × pyoxigraph parse | × text | findings |",
             "|---|---|---|---|---|---|---|"]
    for size, row in results.items():
        ox, text = row.get("oxigraph", {}), row.get("text", {})
        triples = f"{ox['triples']:,}" if "triples" in ox else "?"
        where = f"{size:,} ({triples}, {row['bytes'] / 1e6:.0f} MB)"
        floor = ox.get("parse")
        lines.append(f"| {where} | pyoxigraph `Store.bulk_load` (floor) | {fmt(floor)} | "
                     f"{fmt(ox.get('peak_mb'), 'MB')} | 1.0× | | |")
        rdf = row.get("rdflib", {})
        if "parse" in rdf:
            lines.append(f"| | rdflib `Graph.parse` | {fmt(rdf['parse'])} | {fmt(rdf.get('peak_mb'), 'MB')} | "
                         f"{rdf['parse'] / floor:.1f}× | | |" if floor else "")
        for name in FORMATS:
            cell = row.get(name, {})
            if "wall" not in cell:
                lines.append(f"| | validate --format {name} | {cell.get('error', '–')} | | | | |")
                continue
            to_floor = f"{cell['wall'] / floor:.1f}×" if floor else "–"
            to_text = f"{cell['wall'] / text['wall']:.2f}×" if "wall" in text else "–"
            lines.append(f"| | validate --format {name} | {fmt(cell['wall'])} | {fmt(cell['peak_mb'], 'MB')} | "
                         f"{to_floor} | {to_text} | |")
        ref = row.get("pyshacl", {})
        if "total" in ref:
            lines.append(f"| | plain pyshacl (rdflib parse + validate) | {fmt(ref['total'])} | "
                         f"{fmt(ref['peak_mb'], 'MB')} | {ref['total'] / floor:.1f}× | | {ref['findings']} |")
    table = "\n".join(line for line in lines if line) + "\n"
    print()
    print(table)
    return table


if __name__ == "__main__":
    main()
