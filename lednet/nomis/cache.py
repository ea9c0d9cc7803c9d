"""NOMIS answers kept on disk, so a second fetch asks nothing and an offline fetch can work.

An answer is filed under a hash of its request URL as lednet would share it: normalised, with
no paging and no API key. Each file holds the URL and the time it was fetched, because NOMIS
revises figures in place and a stored value must say when it was true.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from ..fsutil import atomic_write_text
from .client import Answer

log = logging.getLogger("lednet.nomis.cache")
FORMAT = 1


class ResponseCache:
    """A folder of cached answers, one JSON file per request."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path_for(self, url: str) -> Path:
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        dataset = url.split("/dataset/", 1)[-1].split(".", 1)[0]
        return self.folder / f"{dataset}-{digest}.json"

    def get(self, url: str) -> Answer | None:
        """The cached answer to ``url``, or None (an unreadable file counts as none)."""
        path = self.path_for(url)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("url") != url:
                raise ValueError("written by another lednet version or for another URL")
            columns = data["columns"]
            rows = [dict(zip(columns, cells, strict=True)) for cells in data["rows"]]
            return Answer(url=url, rows=rows, retrieved_at=data["retrieved_at"],
                          pages=int(data.get("pages", 0)))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring cached NOMIS answer %s: %s", path.name, exc)
            return None

    def put(self, answer: Answer) -> Path:
        """Keep ``answer``; written atomically, so a crash never leaves half a file."""
        columns = list(answer.rows[0]) if answer.rows else []
        data = {
            "format": FORMAT, "url": answer.url, "retrieved_at": answer.retrieved_at,
            "pages": answer.pages, "columns": columns,
            "rows": [[row.get(name, "") for name in columns] for row in answer.rows],
        }
        path = self.path_for(answer.url)
        atomic_write_text(path, json.dumps(data, separators=(",", ":")) + "\n")
        return path
