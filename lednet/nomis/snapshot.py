"""A local stand-in for NOMIS that answers from recorded responses, for tests and the demo.

It listens on 127.0.0.1 and answers ``/api/v01/dataset/{ID}.data.csv`` the way NOMIS does:
rows filtered to the requested geographies, date and codes, paged with ``RecordOffset`` and
``RecordLimit``, each row carrying ``RECORD_OFFSET`` and ``RECORD_COUNT``, and an empty body
for a query nothing answers. Tests can also make it misbehave as NOMIS does (a cut stream, a
server error, a slow answer, an HTML page with status 200) through a fault plan.

Run it by hand with::

    python -m lednet.nomis.snapshot serve --port 8765

and point lednet at it with ``LEDNET_NOMIS_BASE_URL=http://127.0.0.1:8765/api/v01``.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ..errors import NomisError
from .client import redact
from .manifest import RecordedResponse, load_manifest
from .query import expand_codes

log = logging.getLogger("lednet.nomis.snapshot")

DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "tests" / "data" / "nomis" / \
    "manifest.yaml"
GUEST_ROW_CAP = 25_000  # NOMIS's cap without a key; more is cut silently, as NOMIS does
KEY_ROW_CAP = 1_000_000
_CONTROL_PARAMS = {"geography", "date", "time", "measures", "select", "recordoffset",
                   "recordlimit", "uid"}
_NUMERIC_COLUMNS = {"OBS_VALUE", "RECORD_OFFSET", "RECORD_COUNT", "GEOGRAPHY_TYPECODE",
                    "DATE_TYPECODE"}
# As seen in public code reading NOMIS's ASHE answers; the one-letter code is an assumption.
SUPPRESSED_STATUS = ("Q", "These figures are suppressed as statistically unreliable")
FAULTS = ("ok", "http500", "http503", "http429", "http400", "html", "slow", "truncate",
          "short", "empty")


@dataclass
class SeenRequest:
    """What the server was asked, for tests to count and inspect."""

    path: str
    params: dict[str, str]


@dataclass
class SnapshotState:
    """What the request handlers share: the recorded responses, the fault plan, the log."""

    responses: list[RecordedResponse]
    faults: list[str] = field(default_factory=list)
    suppress: set[str] = field(default_factory=set)
    slow_seconds: float = 2.0
    seen: list[SeenRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self, request: SeenRequest) -> str:
        with self.lock:
            self.seen.append(request)
            return self.faults.pop(0) if self.faults else "ok"


class SnapshotServer:
    """The snapshot server in a background thread; use as a context manager.

    ``faults`` is consumed one entry per data request, in order (see FAULTS); ``suppress``
    lists GSS codes whose cells are sent suppressed, as NOMIS sends an unreliable estimate.
    """

    def __init__(self, manifest: Path = DEFAULT_MANIFEST, port: int = 0,
                 faults: Sequence[str] = (), suppress: Iterable[str] = (),
                 slow_seconds: float = 2.0) -> None:
        unknown = [f for f in faults if f not in FAULTS]
        if unknown:
            raise ValueError(f"unknown fault(s) {unknown}; use {', '.join(FAULTS)}")
        self.state = SnapshotState(responses=load_manifest(manifest), faults=list(faults),
                                   suppress={c.upper() for c in suppress},
                                   slow_seconds=slow_seconds)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self.state))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/api/v01"

    @property
    def requests(self) -> list[SeenRequest]:
        return list(self.state.seen)

    def start(self) -> SnapshotServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SnapshotServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def answer_rows(responses: Sequence[RecordedResponse], dataset: str,
                params: dict[str, str]) -> tuple[list[dict[str, str]], list[str]]:
    """Rows the recorded responses hold for a request, and the dimensions it names."""
    dims = {k: v for k, v in params.items() if k not in _CONTROL_PARAMS}
    dates = set(expand_codes(params.get("date", "")))
    geographies = {g.upper() for g in expand_codes(params.get("geography", ""))}
    measures = set(expand_codes(params.get("measures", "")))
    wanted = {name: set(expand_codes(codes)) for name, codes in dims.items()}

    rows: list[dict[str, str]] = []
    names: list[str] = sorted(dims)
    for response in responses:
        if response.dataset != dataset.upper() or set(response.dimensions) != set(dims):
            continue
        names = list(response.dimensions)
        rows.extend(row for row in response.rows
                    if row["DATE"] in dates
                    and (not geographies or row["GEOGRAPHY_CODE"].upper() in geographies)
                    and (not measures or row["MEASURES"] in measures)
                    and all(row[name.upper()] in codes for name, codes in wanted.items()))
    return rows, names


def render_csv(rows: Sequence[dict[str, str]], columns: Sequence[str]) -> str:
    """NOMIS-style CSV: a quoted header, text quoted, numbers bare, one line per row."""
    def cell(name: str, value: str) -> str:
        if name in _NUMERIC_COLUMNS and value != "":
            return value
        return '"' + value.replace('"', '""') + '"'

    lines = [",".join(f'"{name}"' for name in columns)]
    lines.extend(",".join(cell(name, row.get(name, "")) for name in columns) for row in rows)
    return "\n".join(lines) + "\n"


def _handler_for(state: SnapshotState) -> type[BaseHTTPRequestHandler]:
    class Handler(_SnapshotHandler):
        shared = state

    return Handler


class _SnapshotHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lednet-snapshot"
    shared: SnapshotState

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        # The access log would otherwise show the uid a client sent.
        log.debug("snapshot: %s", redact(format % args))

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        parts = urlsplit(self.path)
        params = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        if "/dataset/" not in parts.path or not parts.path.endswith(".data.csv"):
            self._send(404, "text/plain", b"not a NOMIS data request\n")
            return
        dataset = parts.path.rsplit("/", 1)[-1].removesuffix(".data.csv")

        fault = self.shared.next_fault(SeenRequest(parts.path, params))
        if self._fault_before_body(fault):
            return

        rows, names = answer_rows(self.shared.responses, dataset, params)
        body = self._page(rows, names, params, fault).encode("utf-8")
        if fault == "truncate":
            self._send_cut(body)
            return
        self._send(200, "text/csv", body)

    def _fault_before_body(self, fault: str) -> bool:
        if fault.startswith("http"):
            status = int(fault[4:])
            self._send(status, "text/plain", f"HTTP {status} (simulated)\n".encode())
            return True
        if fault == "html":
            page = b"<!DOCTYPE html>\n<html><body><h1>Nomis is busy</h1></body></html>\n"
            self._send(200, "text/html; charset=utf-8", page)
            return True
        if fault == "empty":
            self._send(200, "text/csv", b"")
            return True
        if fault == "slow":
            time.sleep(self.shared.slow_seconds)
        return False

    def _page(self, rows: list[dict[str, str]], names: list[str], params: dict[str, str],
              fault: str) -> str:
        if not rows:
            return ""  # NOMIS's answer to a query that matches nothing
        offset = int(params.get("recordoffset") or 0)
        cap = KEY_ROW_CAP if params.get("uid") else GUEST_ROW_CAP
        limit = min(int(params.get("recordlimit") or cap), cap)
        page = [dict(row) for row in rows[offset:offset + limit]]
        if fault == "short":
            page = page[: max(0, len(page) - 1 - len(page) // 3)]

        for number, row in enumerate(page, start=offset):
            row["RECORD_OFFSET"] = str(number)
            row["RECORD_COUNT"] = str(len(rows))
            if row["GEOGRAPHY_CODE"].upper() in self.shared.suppress:
                row["OBS_VALUE"] = ""
                row["OBS_STATUS"], row["OBS_STATUS_NAME"] = SUPPRESSED_STATUS
        return render_csv(page, _columns(names, params))

    def _send(self, status: int, kind: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (a timeout test); nothing to tell it

    def _send_cut(self, body: bytes) -> None:
        """Announce the whole body, send part of it, hang up: a connection lost mid-answer."""
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True


def _columns(names: Sequence[str], params: dict[str, str]) -> list[str]:
    select = [c.strip().upper() for c in params.get("select", "").split(",") if c.strip()]
    if select:
        return select
    dims = [c for name in names for c in (name.upper(), f"{name.upper()}_NAME")]
    return ["DATE", "DATE_NAME", "GEOGRAPHY", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE",
            "GEOGRAPHY_TYPECODE", *dims, "MEASURES", "MEASURES_NAME", "OBS_VALUE",
            "OBS_STATUS", "OBS_STATUS_NAME", "RECORD_OFFSET", "RECORD_COUNT"]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lednet.nomis.snapshot serve --port N``: serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m lednet.nomis.snapshot",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="answer NOMIS requests from recorded responses")
    serve.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any)")
    serve.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST,
                       help="snapshot manifest (default: the one shipped with the tests)")
    args = parser.parse_args(argv)

    try:
        server = SnapshotServer(args.manifest, port=args.port)
    except (NomisError, OSError) as exc:
        print(f"Error: {exc}", flush=True)
        return 1
    print(f"NOMIS snapshot at {server.base_url} (Ctrl-C to stop)", flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
