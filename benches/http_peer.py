#!/usr/bin/env python3
"""HTTP search: `hublot serve` against Datasette serving the same corpus as SQLite FTS5.

Issue #3 asks for `hublot serve`'s search endpoint against Datasette (pip `datasette`), both on
loopback, in the same run: p50, p99 and sequential queries per second. This script:

1. imports schema-snds + documentation-snds with the release `hublot` binary into a data dir;
2. builds the peer database the way a Datasette user would, from the raw corpus files, with
   Python's sqlite3: one `docs` table (id, kind, name, title, body) with a row per table,
   variable, code list, code-list row and doc page, and an external-content FTS5 index
   `docs_fts` created with the SQL `sqlite-utils enable-fts` writes
   (`tokenize='unicode61 remove_diacritics 2'`, `content=[docs]`);
3. starts `hublot serve --port 0` and `datasette serve peer.db` on 127.0.0.1;
4. runs the 133 query strings of tests/relevance/queries.json against three endpoints with one
   keep-alive connection each (same client code for all three): Hublot
   `/api/search?q=…&limit=20`; Datasette's SQL endpoint ordered by bm25; Datasette's table
   `?_search=` (its defaults: row count, facet suggestions, all columns, rowid order). One warm-up
   pass, then PASSES timed passes, interleaved (pass i of each endpoint in turn) so that a change
   of machine load hits all three alike. The client is a raw keep-alive socket (`Client`):
   `http.client` added about 0.1 ms of Python to every request of both servers. Each request is
   timed from before sending it to the
   last byte of the body. Then a floor: as many requests to a trivial endpoint of each server
   (`/api/-/version`, `/peer.json?sql=select+1`) on the same connections;
5. stops both servers and prints a Markdown report on stdout (progress on stderr).

    export CARGO_TARGET_DIR=$HOME/.cache/hublot-target
    cargo build --release --bin hublot
    pip install datasette
    python3 benches/http_peer.py                  # 5 timed passes (365 requests per endpoint)
    python3 benches/http_peer.py --passes 1       # a smoke test
    HUBLOT_SEARCH_CACHE=off python3 benches/http_peer.py   # without Hublot's answer cache

Options: --hublot BIN (default $CARGO_TARGET_DIR/release/hublot), --corpus DIR (default
$HUBLOT_CORPUS or ../shared/corpus), --work DIR (keep the data dir and peer.db there and reuse
them on the next run; default: a temporary dir, removed at the end), --passes N.
Nothing is asserted: errors (non-200 answers) are counted and reported; timings depend on the
machine and its load.
"""

import argparse
import csv
import glob
import http.client
import io
import json
import math
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

CRATE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMIT = 20


def progress(msg):
    print(f"[http bench] {msg}", file=sys.stderr, flush=True)


# --- the peer database -------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (BOM dropped), else Windows-1252, as Hublot's reader does."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    semi = comma = 0
    quoted = False
    for c in header:
        if c == '"':
            quoted = not quoted
        elif c == ";" and not quoted:
            semi += 1
        elif c == "," and not quoted:
            comma += 1
    if semi >= comma and semi > 0:
        return ";"
    return "," if comma > 0 else ";"


def doc_title(src: str, rel: str) -> str:
    m = re.match(r"---\n(.*?)\n---\n", src, re.S)
    if m:
        for line in m.group(1).splitlines():
            if line.startswith("title:"):
                t = line[len("title:"):].strip().strip("\"'")
                if t:
                    return t
    for pat in (r"^#\s+(.+)$", r"^#{1,6}\s+(.+)$"):
        h = re.search(pat, src, re.M)
        if h:
            return h.group(1).strip()
    stem = os.path.basename(rel)[:-3]
    if stem.lower() == "readme":
        stem = os.path.basename(os.path.dirname(rel)) or stem
    return stem.replace("_", " ").replace("-", " ")


def peer_rows(corpus):
    """(id, kind, name, title, body) for every table, variable, code list, code row, doc page."""
    schema = os.path.join(corpus, "schema-snds")
    for path in sorted(glob.glob(os.path.join(schema, "schemas", "**", "*.json"), recursive=True)):
        t = json.loads(decode(open(path, "rb").read()))
        name = t.get("name") or os.path.basename(path)[:-5]
        yield (f"table/{name}", "table", name, t.get("title") or "", t.get("produit") or "")
        for f in t.get("fields") or []:
            v = f.get("name") or ""
            body = f"{name} {f.get('regle_gestion') or ''}"
            yield (f"variable/{name}/{v}", "variable", v, f.get("description") or "", body)
    for path in sorted(glob.glob(os.path.join(schema, "nomenclatures", "**", "*.json"), recursive=True)):
        s = json.loads(decode(open(path, "rb").read()))
        fields = s.get("fields") or []
        cols = [f.get("name") or "" for f in fields]
        code_i = next((i for i, f in enumerate(fields) if f.get("role") == "code"), 0)
        label_i = next((i for i, f in enumerate(fields) if f.get("role") == "label"), None)
        if label_i is None and len(cols) > 1:
            label_i = 1 if code_i != 1 else 0
        lname = s.get("name") or os.path.basename(path)[:-5]
        yield (f"nomenclature/{lname}", "nomenclature", lname, s.get("title") or "", " ".join(cols))
        csv_path = path[:-5] + ".csv"
        if not os.path.isfile(csv_path):
            continue
        text = decode(open(csv_path, "rb").read())
        reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
        header = [h.strip() for h in next(reader, [])]
        ci = header.index(cols[code_i]) if cols and cols[code_i] in header else code_i
        li = None
        if label_i is not None:
            li = header.index(cols[label_i]) if cols[label_i] in header else label_i
        for rec in reader:
            if not rec:
                continue
            code = rec[ci].strip() if ci < len(rec) else ""
            label = rec[li].strip() if li is not None and li < len(rec) else ""
            yield (f"code/{lname}/{code}", "code", code, label, lname)
    docs = os.path.join(corpus, "documentation-snds")
    for path in sorted(glob.glob(os.path.join(docs, "**", "*.md"), recursive=True)):
        rel = os.path.relpath(path, docs).replace(os.sep, "/")
        src = decode(open(path, "rb").read())
        yield (f"doc/{rel}", "doc", rel, doc_title(src, rel), src)


def build_peer(corpus, db_path):
    t0 = time.perf_counter()
    if os.path.exists(db_path):
        os.remove(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE [docs] ([id] TEXT, [kind] TEXT, [name] TEXT, [title] TEXT, [body] TEXT)")
    with conn:
        conn.executemany("INSERT INTO [docs] VALUES (?, ?, ?, ?, ?)", peer_rows(corpus))
    # What `sqlite-utils enable-fts peer.db docs name title body --tokenize ...` runs.
    conn.executescript(
        """
        CREATE VIRTUAL TABLE [docs_fts] USING FTS5 (
            [name], [title], [body],
            tokenize='unicode61 remove_diacritics 2',
            content=[docs]
        );
        INSERT INTO [docs_fts] (rowid, [name], [title], [body])
            SELECT rowid, [name], [title], [body] FROM [docs];
        """
    )
    conn.commit()
    counts = dict(conn.execute("SELECT kind, count(*) FROM docs GROUP BY kind").fetchall())
    conn.close()
    return time.perf_counter() - t0, counts


# --- servers -----------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, what, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = pred()
        if r:
            return r
        time.sleep(0.1)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")


def start_hublot(binary, data_dir, log_path):
    log = open(log_path, "wb")
    p = subprocess.Popen(
        [binary, "--data-dir", data_dir, "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )

    def addr():
        if p.poll() is not None:
            raise RuntimeError(f"hublot serve exited ({p.returncode}); see {log_path}")
        m = re.search(rb"serving on http://([0-9.]+):(\d+)/", open(log_path, "rb").read())
        return (m.group(1).decode(), int(m.group(2))) if m else None

    return p, wait_for(addr, "hublot serve")


def start_datasette(db_path, log_path):
    port = free_port()
    log = open(log_path, "wb")
    p = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", db_path, "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )

    def up():
        if p.poll() is not None:
            raise RuntimeError(f"datasette exited ({p.returncode}); see {log_path}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/-/versions.json")
            ok = c.getresponse().status == 200
            c.close()
            return ok
        except OSError:
            return False

    wait_for(up, "datasette")
    return p, ("127.0.0.1", port)


def stop(p):
    if p is None or p.poll() is not None:
        return
    p.terminate()
    try:
        p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(timeout=15)


# --- the client --------------------------------------------------------------------------------


def escape_fts(query):
    """Datasette's own `escape_fts` (datasette.utils): each word double-quoted, joined by spaces."""
    if query.count('"') % 2:
        query += '"'
    bits = [b for b in re.split(r'\s+|(".*?")', query) if b and b != '""']
    return " ".join(f'"{b}"' if not b.startswith('"') else b for b in bits)


BM25_SQL = (
    "select docs.id, docs.kind, docs.name, docs.title from docs_fts "
    "join docs on docs.rowid = docs_fts.rowid "
    "where docs_fts match :q order by bm25(docs_fts) limit 20"
)


def endpoints(hublot_addr, ds_addr):
    q = urllib.parse.quote
    return [
        ("Hublot `/api/search?q=…&limit=20`", hublot_addr,
         lambda s: f"/api/search?q={q(s)}&limit={LIMIT}",
         lambda j: len(j.get("hits", []))),
        ("Datasette SQL, bm25 (`/peer.json?sql=…`)", ds_addr,
         lambda s: f"/peer.json?sql={q(BM25_SQL)}&q={q(escape_fts(s))}",
         lambda j: len(j.get("rows", []))),
        ("Datasette table `?_search=` (`/peer/docs.json`)", ds_addr,
         lambda s: f"/peer/docs.json?_search={q(s)}&_size={LIMIT}",
         lambda j: len(j.get("rows", []))),
    ]


CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.I)
CHUNKED = re.compile(rb"\r\ntransfer-encoding:[ \t]*chunked", re.I)
CONNECTION_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close", re.I)


class Client:
    """One keep-alive HTTP/1.1 connection on a raw socket, the same for every server.

    `http.client` costs about 0.1 ms of Python a request (header parsing through the `email`
    package, buffered reads), as much as `hublot serve` takes to answer a trivial endpoint: it
    measured the client as much as the servers. This client sends the request line and `Host` in
    one `sendall` (TCP_NODELAY), reads the status line, `Content-Length` or chunked bodies and
    `Connection: close`, and nothing else. Against a C server answering a fixed 4 KiB body on
    loopback, a request costs it 9 µs (p50), the same loop in C 5 µs."""

    def __init__(self, addr):
        self.addr = addr
        self.host = f"{addr[0]}:{addr[1]}".encode()
        self.sock = None
        self.buf = b""
        self.reconnects = 0
        self.connect()

    def connect(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = socket.create_connection(self.addr, timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("connection closed by the server")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_response(self):
        # The common answer (Content-Length) takes a few C-level calls: the end of the head and
        # two headers found by compiled patterns. A Python loop over every header line made
        # this client cost 24 µs a request instead of 9, the same for both servers.
        buf = self.buf
        end = buf.find(b"\r\n\r\n")
        while end < 0:
            chunk = self.sock.recv(262144)
            if not chunk:
                raise ConnectionError("connection closed by the server")
            buf += chunk
            end = buf.find(b"\r\n\r\n", max(0, len(buf) - len(chunk) - 3))
        head = buf[:end]
        status = int(head.split(b" ", 2)[1])
        close = CONNECTION_CLOSE.search(head) is not None
        m = CONTENT_LENGTH.search(head)
        if m is None:
            self.buf = buf[end + 4:]
            if CHUNKED.search(head) is None:
                raise ConnectionError("a response without Content-Length or chunked encoding")
            return status, self._chunked_body(), close
        total = end + 4 + int(m.group(1))
        while len(buf) < total:
            chunk = self.sock.recv(262144)
            if not chunk:
                raise ConnectionError("connection closed by the server")
            buf += chunk
        self.buf = buf[total:]
        return status, buf[end + 4:total], close

    def _chunked_body(self):
        parts = []
        while True:
            n = int(self._line().split(b";")[0], 16)
            if n == 0:
                while self._line():
                    pass
                return b"".join(parts)
            parts.append(self._take(n))
            self._take(2)

    def get(self, path):
        """(seconds, status, body), timed from before the request to the body's last byte."""
        req = b"GET " + path.encode() + b" HTTP/1.1\r\nHost: " + self.host + b"\r\n\r\n"
        t0 = time.perf_counter()
        try:
            self.sock.sendall(req)
            status, body, close = self._read_response()
        except OSError as e:
            secs = time.perf_counter() - t0
            self.connect()
            self.reconnects += 1
            return secs, f"{type(e).__name__}", b""
        secs = time.perf_counter() - t0
        if close:
            self.connect()
            self.reconnects += 1
        return secs, status, body


def pct(sorted_ms, p):
    """Nearest-rank percentile, as benches/corpus.rs."""
    if not sorted_ms:
        return 0.0
    rank = math.ceil(p / 100.0 * len(sorted_ms))
    return sorted_ms[min(max(rank, 1), len(sorted_ms)) - 1]


def loadavg():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "unknown"


def machine():
    cpu, ram = "unknown CPU", "unknown RAM"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {ram}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(CRATE, "target")
    ap.add_argument("--hublot", default=os.path.join(target, "release", "hublot"))
    ap.add_argument("--corpus", default=os.environ.get("HUBLOT_CORPUS") or os.path.join(CRATE, "..", "shared", "corpus"))
    ap.add_argument("--work", default=None)
    ap.add_argument("--passes", type=int, default=5)
    args = ap.parse_args()
    if not 1 <= args.passes <= 100:
        sys.exit("--passes: 1 to 100")
    corpus = os.path.abspath(args.corpus)
    for sub in ("schema-snds", "documentation-snds"):
        if not os.path.isdir(os.path.join(corpus, sub)):
            sys.exit(f"the corpus is missing: expected {os.path.join(corpus, sub)} (set HUBLOT_CORPUS or --corpus)")
    if not os.access(args.hublot, os.X_OK):
        sys.exit(f"no hublot binary at {args.hublot}: cargo build --release --bin hublot")
    try:
        import datasette  # noqa: F401
        from datasette.version import __version__ as ds_version
    except ImportError:
        sys.exit("datasette is not installed: pip install datasette")

    queries = [q["query"] for q in json.load(open(os.path.join(CRATE, "tests", "relevance", "queries.json"), encoding="utf-8"))]
    tmp = None
    if args.work:
        work = os.path.abspath(args.work)
        os.makedirs(work, exist_ok=True)
    else:
        work = tmp = tempfile.mkdtemp(prefix="hublot-http-bench-")
    data_dir = os.path.join(work, "data")
    db_path = os.path.join(work, "peer.db")
    load_start = loadavg()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    procs = []
    try:
        notes = []
        version = subprocess.run([args.hublot, "--version"], capture_output=True, text=True).stdout.strip()
        if os.path.isdir(os.path.join(data_dir, "snapshots")) or (args.work and os.path.isdir(data_dir) and os.listdir(data_dir)):
            progress(f"reusing the Hublot data dir {data_dir}")
            notes.append("Hublot data dir reused from an earlier run")
        else:
            progress("hublot import schema-snds documentation-snds")
            t0 = time.perf_counter()
            subprocess.run(
                [args.hublot, "--data-dir", data_dir, "import",
                 os.path.join(corpus, "schema-snds"), os.path.join(corpus, "documentation-snds")],
                check=True, stdout=subprocess.DEVNULL,
            )
            notes.append(f"`hublot import` (CLI, fresh dir): {time.perf_counter() - t0:.2f} s")
        if os.path.isfile(db_path) and args.work:
            progress(f"reusing the peer database {db_path}")
            c = sqlite3.connect(db_path)
            counts = dict(c.execute("SELECT kind, count(*) FROM docs GROUP BY kind").fetchall())
            c.close()
            notes.append("peer.db reused from an earlier run")
        else:
            progress("building peer.db (docs + docs_fts)")
            secs, counts = build_peer(corpus, db_path)
            notes.append(f"peer.db build (Python sqlite3: read + insert + FTS5 index): {secs:.2f} s")
        peer_mib = os.path.getsize(db_path) / 1024 / 1024

        progress("starting hublot serve and datasette")
        hp, h_addr = start_hublot(args.hublot, data_dir, os.path.join(work, "hublot-serve.log"))
        procs.append(hp)
        dp, d_addr = start_datasette(db_path, os.path.join(work, "datasette.log"))
        procs.append(dp)
        eps = endpoints(h_addr, d_addr)
        clients = [Client(addr) for _, addr, _, _ in eps]
        # Each endpoint's request paths, built once: quoting Datasette's SQL took 12 µs a
        # request, Hublot's query 3 µs, counted in the sequential QPS of each.
        paths = [[path(s) for s in queries] for _, _, path, _ in eps]

        # Warm-up: one pass per endpoint; checks the answers parse and counts empty ones.
        warm = []
        took = []  # Hublot's own `took_ms` (time in the core), from the warm-up answers
        for (name, _, _, nhits), cl, ps in zip(eps, clients, paths):
            empty, errs, size = 0, 0, 0
            for p in ps:
                _, status, body = cl.get(p)
                if status != 200:
                    errs += 1
                    continue
                size += len(body)
                j = json.loads(body)
                if "took_ms" in j:
                    took.append(float(j["took_ms"]))
                if nhits(j) == 0:
                    empty += 1
            warm.append((empty, errs, size / len(queries)))
            progress(f"warm-up {name}: {errs} errors, {empty} queries without a hit")

        ms = [[] for _ in eps]
        errors = [dict() for _ in eps]
        wall = [0.0 for _ in eps]
        for i in range(args.passes):
            progress(f"pass {i + 1}/{args.passes}")
            for k, (cl, ps) in enumerate(zip(clients, paths)):
                t0 = time.perf_counter()
                for p in ps:
                    secs, status, _ = cl.get(p)
                    ms[k].append(secs * 1e3)
                    if status != 200:
                        errors[k][status] = errors[k].get(status, 0) + 1
                wall[k] += time.perf_counter() - t0
        # The floor: a trivial endpoint of each server on the same connections, as many requests
        # as one endpoint above: what HTTP, the framework and this client cost without a search.
        floor = []
        for cl, fpath in ((clients[0], "/api/-/version"), (clients[1], "/peer.json?sql=select+1")):
            f_ms, f_err = [], 0
            for _ in range(args.passes * len(queries)):
                secs, status, _ = cl.get(fpath)
                f_ms.append(secs * 1e3)
                f_err += status != 200
            floor.append((fpath, sorted(f_ms), f_err))
        reconnects = [c.reconnects for c in clients]
    finally:
        for p in procs:
            stop(p)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    load_end = loadavg()

    qps = [len(m) / w for m, w in zip(ms, wall)]
    out = []
    out.append(f"### HTTP search run, {started}\n")
    out.append(f"- Machine: {machine()}, {sys.platform}; Python {sys.version.split()[0]}, Datasette {ds_version}, {version} (release)")
    out.append(f"- Load average (1, 5, 15 min) at start: {load_start}; at end: {load_end}")
    out.append(f"- Hublot snapshot: schema-snds + documentation-snds; peer.db: {sum(counts.values())} rows "
               f"({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}), {peer_mib:.1f} MiB")
    out.append(f"- {'; '.join(notes)}")
    if os.environ.get("HUBLOT_SEARCH_CACHE") == "off":
        out.append("- Hublot's answer cache: **off** (`HUBLOT_SEARCH_CACHE=off`): every request is searched")
    else:
        out.append("- Hublot's answer cache: **on** (the default): the timed passes repeat the warm-up's queries, "
                   "so every timed search request is answered from it; run with `HUBLOT_SEARCH_CACHE=off` for the search itself")
    out.append(f"- Queries: the {len(queries)} query strings of tests/relevance/queries.json, 1 warm-up pass then "
               f"{args.passes} timed passes per endpoint ({len(queries) * args.passes} requests each), passes interleaved; "
               f"one keep-alive raw-socket HTTP/1.1 connection per endpoint, TCP_NODELAY (reconnects: {', '.join(map(str, reconnects))})\n")
    out.append("| endpoint | requests | p50 ms | p90 ms | p99 ms | max ms | sequential QPS | errors (non-200) | queries without a hit | mean body |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (name, _, _, _), m, q, err, (empty, werr, size) in zip(eps, ms, qps, errors, warm):
        s = sorted(m)
        e = sum(err.values()) + werr
        detail = f" ({', '.join(f'{v}× {k}' for k, v in err.items())})" if err else ""
        out.append(f"| {name} | {len(m)} | {pct(s, 50):.2f} | {pct(s, 90):.2f} | {pct(s, 99):.2f} | {s[-1]:.2f} | "
                   f"{q:.0f} | {e}{detail} | {empty}/{len(queries)} | {size / 1024:.1f} KiB |")
    out.append("")
    out.append("Floor (a trivial endpoint, same client and connection): " + "; ".join(
        f"`{fp}` p50 {pct(f, 50):.2f} ms, p99 {pct(f, 99):.2f} ms{f', {fe} errors' if fe else ''}" for fp, f, fe in floor) + ".\n")
    if took:
        t = sorted(took)
        out.append(f"Hublot's `took_ms` (time in the core, from the warm-up answers): p50 {pct(t, 50):.2f} ms, "
                   f"p99 {pct(t, 99):.2f} ms, max {t[-1]:.2f} ms; the rest of the HTTP time is axum, JSON and the socket.\n")
    out.append(f"QPS ratio Hublot / Datasette: **{qps[0] / qps[1]:.1f}×** the bm25 SQL endpoint, "
               f"**{qps[0] / qps[2]:.1f}×** the table `?_search=`.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
