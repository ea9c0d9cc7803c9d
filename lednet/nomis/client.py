"""A small HTTP client for NOMIS data requests: paging, retries and a check on every page.

NOMIS fails in quiet ways: it truncates at its row cap with HTTP 200, answers some errors with
an HTML page, and sends an empty body for a query that matches nothing. So every page is
checked against what the response itself announces (``RECORD_COUNT``), and everything is read
as text, because pages of one answer can differ in how their numbers look.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from .. import __version__
from ..errors import NomisError
from ..store import now
from ..workspace import NomisSettings
from .query import DataRequest

log = logging.getLogger("lednet.nomis.client")

# Worth asking again: the service is busy, restarting or rate limiting us.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
REQUIRED_COLUMNS = ("GEOGRAPHY_CODE", "OBS_VALUE", "RECORD_COUNT")
_UID = re.compile(r"(uid=)[^&\s'\"]*", re.IGNORECASE)


def redact(text: str, secret: str | None = None) -> str:
    """``text`` with any API key removed, for messages and logs."""
    if secret:
        text = text.replace(secret, "REDACTED")
    return _UID.sub(r"\1REDACTED", text)


@dataclass
class Answer:
    """Every row NOMIS holds for one request, as text, and when it was fetched."""

    url: str
    rows: list[dict[str, str]]
    retrieved_at: str = field(default_factory=now)
    pages: int = 0


class _TryAgain(Exception):
    """A problem that may go away if the same page is asked for again."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass
class _Page:
    rows: list[dict[str, str]]
    announced: int


class NomisClient:
    """Fetches data requests from NOMIS (or anything that answers like it)."""

    def __init__(self, settings: NomisSettings, base_url: str | None = None,
                 session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.base_url = (base_url or settings.base_url).rstrip("/")
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent or (
            f"lednet/{__version__} (local authority benchmarking; python-requests)")
        self.sleep = sleep
        self.requests_made = 0

    def fetch(self, request: DataRequest) -> Answer:
        """All rows for ``request``, page by page; an empty list when NOMIS has nothing."""
        url = request.url(self.base_url)
        rows: list[dict[str, str]] = []
        announced: int | None = None
        pages = 0

        while announced is None or len(rows) < announced:
            page = self._page_with_retries(request, url, offset=len(rows))
            pages += 1
            if page is None:
                if rows:
                    raise NomisError(f"NOMIS sent an empty page after {len(rows):,} rows for "
                                     f"{_where(request, url)}; run the fetch again later")
                break
            if announced is not None and page.announced != announced:
                raise NomisError(f"NOMIS changed its row count from {announced:,} to "
                                 f"{page.announced:,} while paging {_where(request, url)}; "
                                 "the data is being "
                                 "revised: run the fetch again later")
            announced = page.announced
            rows.extend(page.rows)

        log.debug("%s: %d rows in %d page(s)", url, len(rows), pages)
        return Answer(url=url, rows=rows, pages=pages)

    def _page_with_retries(self, request: DataRequest, url: str, offset: int) -> _Page | None:
        attempts = max(1, self.settings.retries + 1)
        for attempt in range(1, attempts + 1):
            try:
                return self._page(request, url, offset)
            except _TryAgain as problem:
                reason = redact(str(problem), self.settings.api_key)
                if attempt == attempts:
                    raise NomisError(f"NOMIS request failed after {attempts} attempts "
                                     f"({reason}): {_where(request, url)}; check the "
                                     "connection and base_url, or run the fetch again "
                                     "later") from None
                delay = problem.retry_after
                if delay is None:
                    delay = self.settings.backoff * 2 ** (attempt - 1)
                log.warning("NOMIS: %s; trying again in %.1fs (%d of %d)", reason, delay,
                            attempt + 1, attempts)
                self.sleep(delay)
        return None  # not reached: the last attempt returns or raises

    def _page(self, request: DataRequest, url: str, offset: int) -> _Page | None:
        response = self._get(request, offset)
        text = response.content.decode("utf-8-sig", errors="replace")
        _check_is_csv(response, text, _where(request, url))
        if not text.strip():
            return None  # NOMIS's answer to a query that matches nothing

        page = _parse_page(text, _where(request, url))
        expected = min(self.settings.page_size, page.announced - offset)
        if len(page.rows) != expected:
            raise _TryAgain(f"page at row {offset:,} has {len(page.rows):,} rows, expected "
                            f"{expected:,} of {page.announced:,}")
        first_offset = page.rows[0].get("RECORD_OFFSET", "") if page.rows else ""
        if first_offset.strip() and first_offset.strip() != str(offset):
            raise _TryAgain(f"page asked from row {offset:,} starts at row {first_offset}")
        return page

    def _get(self, request: DataRequest, offset: int) -> requests.Response:
        params = request.params() + [("RecordOffset", str(offset)),
                                     ("RecordLimit", str(self.settings.page_size))]
        if self.settings.api_key:
            params.append(("uid", self.settings.api_key))
        endpoint = f"{self.base_url}/dataset/{request.dataset}.data.csv"

        self.requests_made += 1
        log.debug("GET %s offset %d", request.describe(), offset)
        try:
            response = self.session.get(endpoint, params=params, timeout=self.settings.timeout)
            response.content  # noqa: B018 - read the body now, so a cut stream fails here
        except requests.Timeout:
            raise _TryAgain(f"no answer within {self.settings.timeout:g}s") from None
        except requests.RequestException as exc:
            raise _TryAgain(f"connection failed: {type(exc).__name__}") from None

        if response.status_code in RETRY_STATUSES:
            raise _TryAgain(f"HTTP {response.status_code}", _retry_after(response))
        if 400 <= response.status_code < 500:
            raise NomisError(f"NOMIS refused the request (HTTP {response.status_code}): "
                             f"{_where(request, request.url(self.base_url))}; check the "
                             "dataset and codes in the catalogue, and the API key") from None
        if not 200 <= response.status_code < 300:
            raise _TryAgain(f"HTTP {response.status_code}")
        return response


def _where(request: DataRequest, url: str) -> str:
    """The URL when it is short enough to read in a message, else what it asks for."""
    if len(url) <= 300:
        return url
    return f"{request.describe()} for {len(request.geography)} geographies"


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return min(float(value), MAX_RETRY_AFTER) if value.isdigit() else None


def _check_is_csv(response: requests.Response, text: str, url: str) -> None:
    """Raise when the body is an HTML page or some other document, not the CSV asked for."""
    kind = response.headers.get("Content-Type", "").lower()
    if "html" in kind or text.lstrip().startswith("<"):
        raise NomisError(f"NOMIS answered with a web page, not CSV data, for {url}; the "
                         "service may be down or the query malformed: try again later")
    if "json" in kind or text.lstrip().startswith("{"):
        raise NomisError(f"NOMIS answered with JSON, not CSV, for {url}; check base_url")


def _parse_page(text: str, url: str) -> _Page:
    """Rows of one page as text; a row cut short means the stream was cut."""
    if not text.endswith("\n"):
        raise _TryAgain("the answer was cut off mid-line")
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise _TryAgain(f"the answer is not well-formed CSV ({exc})") from None

    header = [name.strip().upper() for name in table[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise NomisError(f"NOMIS's answer lacks the column(s) {', '.join(missing)} for {url}; "
                         "it is not the data asked for: check the query")
    rows = []
    for cells in table[1:]:
        if len(cells) != len(header):
            raise _TryAgain(f"a row has {len(cells)} fields, the header {len(header)}")
        rows.append(dict(zip(header, cells, strict=True)))
    if not rows:
        return _Page(rows=[], announced=0)

    counts = {row["RECORD_COUNT"].strip() for row in rows}
    if len(counts) != 1 or not next(iter(counts)).isdigit():
        raise _TryAgain(f"rows disagree on RECORD_COUNT ({', '.join(sorted(counts))})")
    return _Page(rows=rows, announced=int(counts.pop()))
