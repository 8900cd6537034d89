#!/usr/bin/env python3
"""Hublot's SHACL verdicts against pySHACL's, the reference Python engine, on the same data.

Over a valid HealthDCAT-AP record (tests/fixtures/validate/record.ttl), the variants that remove
each mandatory property of the shapes' dcat:Dataset in turn, a few other broken variants (a node
shape, a datatype, a node kind, a cardinality) and the realistic records of
tests/fixtures/healthdcat, both engines validate against the same shapes file; their results are
compared as sets of (focus node, property path, constraint component) per file. Blank nodes are
compared as `_:` (their labels are each engine's own).

Prints the agreement and exits 1 on any disagreement (2 on a usage error).
Usage: conformance.py --hublot BIN --shapes SHAPES.ttl [--keep DIR]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pyshacl
import rdflib
from rdflib import RDF, BNode, Literal, Namespace, URIRef

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
HEALTH = Namespace("http://healthdataportal.eu/ns/health#")

REPO = Path(__file__).resolve().parents[2]
RECORD = REPO / "tests/fixtures/validate/record.ttl"
REALISTIC = [
    REPO / "tests/fixtures/healthdcat" / f
    for f in ("registre-cardiopathies.ttl", "entrepot-chu.rdf", "e2e-javascript-links.ttl", "cohorte-sommeil.jsonld")
]

# The prefixes Hublot compacts paths and constraints with (src/ingest/healthdcat/graph.rs).
PREFIXES = [
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("healthdcatap", "http://healthdataportal.eu/ns/health#"),
    ("healthdcatap", "https://w3id.org/healthdcat-ap#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("adms", "http://www.w3.org/ns/adms#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dpv", "https://w3id.org/dpv#"),
    ("dpv", "http://www.w3.org/ns/dpv#"),
    ("dqv", "http://www.w3.org/ns/dqv#"),
    ("csvw", "http://www.w3.org/ns/csvw#"),
    ("hydra", "http://www.w3.org/ns/hydra/core#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("schema", "http://schema.org/"),
    ("schema", "https://schema.org/"),
    ("time", "http://www.w3.org/2006/time#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("odrl", "http://www.w3.org/ns/odrl/2/"),
    ("locn", "http://www.w3.org/ns/locn#"),
    ("sh", "http://www.w3.org/ns/shacl#"),
]


def compact(iri: str) -> str:
    for p, ns in PREFIXES:
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and "/" not in local and "#" not in local:
                return f"{p}:{local}"
    return iri


def path_string(g: rdflib.Graph, p) -> str:
    """A SHACL path as Hublot writes it: `dct:title`, `^dcat:inSeries`."""
    if isinstance(p, URIRef):
        return compact(str(p))
    inv = g.value(p, SH.inversePath)
    if inv is not None:
        return "^" + path_string(g, inv)
    return "(complex path)"


def node_key(n) -> str:
    return "_:" if isinstance(n, BNode) or str(n).startswith("_:") else str(n)


def pyshacl_results(shapes: rdflib.Graph, data: Path) -> set:
    g = rdflib.Graph()
    g.parse(data)
    _, report, _ = pyshacl.validate(g, shacl_graph=shapes)
    out = set()
    for rep in report.subjects(RDF.type, SH.ValidationReport):
        # Top-level results only (sh:detail nests others).
        for r in report.objects(rep, SH.result):
            path = report.value(r, SH.resultPath)
            out.add((
                node_key(report.value(r, SH.focusNode)),
                path_string(report, path) if path is not None else None,
                compact(str(report.value(r, SH.sourceConstraintComponent))),
            ))
    return out


def hublot_results(binary: str, shapes: Path, files: list, data_dir: str) -> dict:
    cmd = [binary, "--data-dir", data_dir, "--json", "validate", "--shapes", str(shapes),
           "--vocabularies", str(Path(data_dir) / "no-vocabularies"), *map(str, files)]
    # No vocabulary folder: only SHACL is compared (an empty folder checks nothing).
    (Path(data_dir) / "no-vocabularies").mkdir(exist_ok=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1) or not p.stdout.strip():
        sys.exit(f"hublot failed ({p.returncode}): {p.stderr.strip()}")
    report = json.loads(p.stdout)
    out = {str(f): set() for f in files}
    for f in report["findings"]:
        if not f["constraint"].startswith("sh:"):
            continue
        out.setdefault(f["file"], set()).add((node_key(f["focus"]), f["path"], f["constraint"]))
    return out


def variants(shapes: rdflib.Graph, outdir: Path) -> list:
    """The valid record, one variant per mandatory dataset property removed, a few others."""
    g = rdflib.Graph()
    g.parse(RECORD)
    dataset = next(g.subjects(RDF.type, DCAT.Dataset))
    files = [RECORD]

    def write(name, graph):
        p = outdir / f"{name}.ttl"
        graph.serialize(p, format="turtle")
        files.append(p)

    def copy():
        h = rdflib.Graph()
        for t in g:
            h.add(t)
        return h

    mandatory = []
    for shape in shapes.subjects(SH.targetClass, DCAT.Dataset):
        for ps in shapes.objects(shape, SH.property):
            m = shapes.value(ps, SH.minCount)
            p = shapes.value(ps, SH.path)
            if m is not None and int(m) >= 1 and isinstance(p, URIRef):
                mandatory.append(p)
    for p in sorted(set(mandatory)):
        h = copy()
        h.remove((dataset, p, None))
        write("without-" + compact(str(p)).replace(":", "_"), h)

    publisher = g.value(dataset, DCT.publisher)
    h = copy(); h.remove((publisher, HEALTH.publisherNote, None)); write("publisher-without-note", h)
    h = copy(); h.remove((publisher, HEALTH.trustedDataHolder, None)); h.add((publisher, HEALTH.trustedDataHolder, Literal("oui"))); write("trusted-not-boolean", h)
    h = copy(); h.remove((dataset, DCT.identifier, None)); h.add((dataset, DCT.identifier, Literal("registre-velo"))); write("identifier-not-anyuri", h)
    h = copy(); h.remove((dataset, DCAT.theme, None)); h.add((dataset, DCAT.theme, Literal("Santé"))); write("theme-literal", h)
    h = copy(); h.add((dataset, DCT.type, URIRef("http://publications.europa.eu/resource/authority/dataset-type/STATISTICAL"))); write("two-types", h)
    dist = g.value(dataset, DCAT.distribution)
    h = copy(); h.remove((dist, DCAT.byteSize, None)); write("distribution-without-size", h)
    h = copy(); h.remove((dataset, DCT.title, None)); h.remove((dataset, DCT.description, None)); h.remove((publisher, rdflib.URIRef("http://xmlns.com/foaf/0.1/name"), None)); write("three-missing", h)
    files.extend(p for p in REALISTIC if p.exists())
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hublot", required=True, help="the hublot binary")
    ap.add_argument("--shapes", required=True, type=Path, help="SHACL shapes (the HDH's)")
    ap.add_argument("--keep", type=Path, help="write the variants here instead of a temp dir")
    a = ap.parse_args()
    if not a.shapes.is_file():
        print(f"{a.shapes}: no such shapes file (../shared/corpus/healthdcat-ap/hdh-shacl-shapes.ttl?)", file=sys.stderr)
        return 2
    shapes = rdflib.Graph()
    shapes.parse(a.shapes)
    with tempfile.TemporaryDirectory(prefix="hublot-shacl-") as tmp:
        outdir = a.keep or Path(tmp) / "variants"
        outdir.mkdir(parents=True, exist_ok=True)
        files = variants(shapes, outdir)
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        ours = hublot_results(a.hublot, a.shapes, files, str(data_dir))
        agree = 0
        matched = union = 0
        for f in files:
            ref = pyshacl_results(shapes, f)
            got = ours.get(str(f), set())
            matched += len(ref & got)
            union += len(ref | got)
            if ref == got:
                agree += 1
                print(f"same  {f.name}: {len(ref)} result(s)")
            else:
                print(f"DIFF  {f.name}")
                for k in sorted(ref - got, key=str):
                    print(f"        pySHACL only: {k}")
                for k in sorted(got - ref, key=str):
                    print(f"        Hublot only:  {k}")
        print(f"agreement: {agree}/{len(files)} files identical; {matched}/{union} results in common "
              f"(pySHACL {pyshacl.__version__}, shapes {a.shapes.name})")
        return 0 if agree == len(files) else 1


if __name__ == "__main__":
    sys.exit(main())
