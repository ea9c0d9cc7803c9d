"""Keep every file exactly as received, under its SHA-256, in the workspace archive.

The archive is content-addressed: the same bytes always land at the same path, so copying
twice is harmless and a file is never modified or re-saved. The store records when and from
where each file came (see ``Store.record_file`` and ``Store.record_receipt``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import sha256_file

# Beyond this a file is noted in the store but not copied: no return comes near it, and copying
# a mistaken multi-gigabyte attachment would fill the disk.
MAX_ARCHIVE_BYTES = 200_000_000


@dataclass(frozen=True)
class Archived:
    """Where a received file's bytes are kept, and their digest."""

    sha256: str
    size: int
    path: Path | None  # None when the file was too large to keep


def archive_path(archive_dir: Path, sha256: str, suffix: str) -> Path:
    """``archive/ab/abcdef....xlsx``: two-character folders keep any one folder small."""
    return archive_dir / sha256[:2] / (sha256 + suffix.lower()[:8])


def archive_file(source: Path, archive_dir: Path) -> Archived:
    """Copy ``source`` into the archive (if not there already) and return where it is.

    The copy is hashed as it is written, so what is archived is exactly what was hashed even if
    the source changes meanwhile; it is made read-only once in place.
    """
    size = source.stat().st_size
    if size > MAX_ARCHIVE_BYTES:
        return Archived(sha256_file(source), size, None)

    archive_dir.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".incoming.", dir=archive_dir)
    temp = Path(name)
    try:
        sha = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, open(source, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 16), b""):
                sha.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        sha256 = sha.hexdigest()
        final = archive_path(archive_dir, sha256, source.suffix)
        existing = _existing(archive_dir, sha256)
        if existing is not None:
            return Archived(sha256, temp.stat().st_size, existing)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, final)
        final.chmod(0o444)
        return Archived(sha256, final.stat().st_size, final)
    finally:
        if temp.exists():
            temp.unlink()


def _existing(archive_dir: Path, sha256: str) -> Path | None:
    """The archived copy of these bytes, whatever extension it was first received with."""
    folder = archive_dir / sha256[:2]
    if not folder.is_dir():
        return None
    return next(iter(sorted(folder.glob(sha256 + "*"))), None)
