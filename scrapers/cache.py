"""The raw-page cache on disk: page bodies plus their ETag / Last-Modified validators.

Owned by http.Fetcher; the directory is passed in (keep it out of git). Imports no network library.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["CachedPage", "PageCache"]


@dataclass(frozen=True)
class CachedPage:
    """A stored response body and what is needed to revalidate it."""

    url: str
    body: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str = ""


class PageCache:
    """Pages kept as ``<sha256>.body`` + ``<sha256>.json`` in two-level folders of ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _paths(self, url: str) -> tuple[Path, Path]:
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
        folder = self.directory / digest[:2]
        return folder / f"{digest}.body", folder / f"{digest}.json"

    def get(self, url: str) -> CachedPage | None:
        """The stored page for ``url``, or None; a damaged entry counts as missing."""
        body_path, meta_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
            return CachedPage(
                url=meta["url"],
                body=body,
                content_type=meta.get("content_type", ""),
                etag=meta.get("etag"),
                last_modified=meta.get("last_modified"),
                fetched_at=meta.get("fetched_at", ""),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, page: CachedPage) -> None:
        """Store a page; written to a temporary file first so a crash never leaves half a body."""
        body_path, meta_path = self._paths(page.url)
        body_path.parent.mkdir(parents=True, exist_ok=True)
        meta = {k: v for k, v in asdict(page).items() if k != "body"}
        _write_atomically(body_path, page.body)
        _write_atomically(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
