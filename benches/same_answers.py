#!/usr/bin/env python3
"""Do two `hublot` binaries answer `GET /api/search` identically? (issue #12: faster, same answers)

Starts `hublot serve` of binary A and of binary B on the same data dir (read only: both only
search it), then asks both every query of tests/relevance/queries.json and every prefix of it
(2 characters up to the whole query less one, as the corpus bench types them), each with its
`kind` when the relevance set gives one, in four forms: plain, `explain=true`, `no_group=true` and
`limit=5`. The two JSON answers must be equal once `took_ms` is removed (hits, their order and
scores, `also_in`, `why`, counts, facets, terms, `fuzzy`). Prints the number of requests compared
and every difference (the first few in full); exits 1 if any.

    HUBLOT_SEARCH_CACHE=off python3 benches/same_answers.py --a /tmp/hublot-main \
        --b $CARGO_TARGET_DIR/release/hublot --data-dir /tmp/hp-b/data
    python3 benches/same_answers.py ... --repeat 2   # each request twice (the cache's look-ups)

The environment (e.g. `HUBLOT_SEARCH_CACHE`) is passed to both servers. The data dir must hold an
imported snapshot (e.g. the one `benches/http_peer.py --work DIR` leaves in DIR/data).
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

CRATE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Conn:
    """One keep-alive HTTP/1.1 connection; bodies must carry a Content-Length."""

    def __init__(self, addr):
        self.addr = addr
        self.sock = socket.create_connection(addr)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def get(self, path):
        host = f"{self.addr[0]}:{self.addr[1]}"
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the headers")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ", 2)[1])
        m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
        if not m:
            raise ConnectionError(f"no Content-Length in {head!r}")
        n = int(m.group(1))
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed in the body")
            self.buf += chunk
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, body


def start(binary, data_dir, log_path):
    log = open(log_path, "wb")
    p = subprocess.Popen(
        [binary, "--data-dir", data_dir, "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if p.poll() is not None:
            sys.exit(f"{binary} serve exited ({p.returncode}); see {log_path}")
        m = re.search(rb"serving on http://([0-9.]+):(\d+)/", open(log_path, "rb").read())
        if m:
            return p, (m.group(1).decode(), int(m.group(2)))
        time.sleep(0.1)
    p.kill()
    sys.exit(f"{binary} serve: not ready after 120 s")


def requests():
    queries = json.load(open(os.path.join(CRATE, "tests", "relevance", "queries.json"), encoding="utf-8"))
    cases = [(q["query"], q.get("kind")) for q in queries]
    for q in queries:
        chars = list(q["query"])
        cases += [("".join(chars[:n]), q.get("kind")) for n in range(2, len(chars))]
    forms = [{}, {"explain": "true"}, {"no_group": "true"}, {"limit": "5"}]
    for text, kind in cases:
        for form in forms:
            args = {"q": text}
            if kind:
                args["kind"] = kind
            args.update(form)
            yield "/api/search?" + urllib.parse.urlencode(args)


def canonical(body):
    j = json.loads(body)
    if isinstance(j, dict):
        j.pop("took_ms", None)
    return j


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="the reference binary (e.g. main's)")
    ap.add_argument("--b", required=True, help="the binary under test")
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--repeat", type=int, default=1, help="ask each request this many times")
    ap.add_argument("--log-dir", default="/tmp")
    args = ap.parse_args()
    pa, addr_a = start(args.a, args.data_dir, os.path.join(args.log_dir, "same-answers-a.log"))
    pb, addr_b = start(args.b, args.data_dir, os.path.join(args.log_dir, "same-answers-b.log"))
    try:
        ca, cb = Conn(addr_a), Conn(addr_b)
        n = diffs = 0
        for path in requests():
            for _ in range(args.repeat):
                sa, ba = ca.get(path)
                sb, bb = cb.get(path)
                n += 1
                if sa != sb or canonical(ba) != canonical(bb):
                    diffs += 1
                    if diffs <= 5:
                        print(f"DIFF {path}\n  A {sa} {ba[:3000]!r}\n  B {sb} {bb[:3000]!r}")
                    else:
                        print(f"DIFF {path}")
    finally:
        for p in (pa, pb):
            p.terminate()
            p.wait(timeout=15)
    print(f"{n} requests compared (each to both servers), {diffs} different; "
          f"HUBLOT_SEARCH_CACHE={os.environ.get('HUBLOT_SEARCH_CACHE', '(unset: on)')}")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
