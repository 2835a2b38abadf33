"""Writing derived files (PDFs, font cuts, the build manifest) so that no reader sees half of one.

Its own module, below both the PDF cache and the font cuts: the cache needs the
renderer's version from guides.pdf, which needs the cuts of guides.fonts, so the
writer they share cannot live in either without closing a cycle.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Readers never see half a file: write beside it, then rename over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; these files are for printing and serving
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
