"""Content-hash keys for rendered guides, and the on-disk PDF cache.

A guide's key is a hash of everything its bytes depend on: the matter's
version key (declared version + hash of the definition file), the hash of the
guide templates, the renderer version and the public base URL (in the QR
codes). `guides build` and the server use the same keys, so a PDF is rendered
again exactly when one of those changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from collections.abc import Callable

from guides.files import write_atomic
from guides.pdf import RENDERER_VERSION
from guides.templating import GUIDES_TEMPLATES

GUIDE_TEMPLATES = GUIDES_TEMPLATES / "guides"


def templates_digest(root: Path = GUIDE_TEMPLATES) -> str:
    """One hash over the names and contents of every guide template and stylesheet."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def content_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join((RENDERER_VERSION, *parts)).encode("utf-8")).hexdigest()[:20]


class PdfCache:
    """Rendered PDFs on disk, one file per (name, key); a new key leaves the old file to be pruned."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def path(self, name: str, key: str) -> Path:
        return self.directory / f"{name}.{key}.pdf"

    def get_or_render(self, name: str, key: str, render: Callable[[], bytes]) -> bytes:
        path = self.path(name, key)
        if path.exists():
            return path.read_bytes()
        data = render()
        write_atomic(path, data)
        self._prune(name, keep=path)
        return data

    def _prune(self, name: str, keep: Path) -> None:
        for old in self.directory.glob(f"{name}.*.pdf"):
            if old != keep and old.name.count(".") == 2:
                old.unlink(missing_ok=True)
