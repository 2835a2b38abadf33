"""Print fonts: Noto CJK SC cut down to GB 2312, so that embedding it stays cheap.

WeasyPrint embeds a subset of every face a PDF uses, but it keeps glyph ids
as they are in the source font, up to the highest one used. Noto CJK's faces
hold 65,535 glyphs, and common Chinese characters sit anywhere among them: in
every document each face was subset twice over some 60,000 glyph ids,
compressed, and embedded at 0.7–0.8 MB before compression: about a third of a
guide's instructions, over half of a 简版's, and half the size of every PDF.

So each Noto CJK SC face the papers use is also cut, once per machine, to the
characters of GB 2312 and the punctuation and symbols around them: about
14,000 glyphs with the layout features that shape them, renumbered from 0.
The cut is registered as a font family of its own ("Noto Sans CJK SC
GB2312") through an @font-face rule, and the print stylesheets name it
before the full face:

    font-family: "Noto Sans CJK SC GB2312", "Noto Sans CJK SC";

A character outside GB 2312 falls back to the full face, which is then
embedded too, as before: the cut changes what a PDF costs, never what it shows.

The cuts are made with HarfBuzz's subsetter (uharfbuzz, ~0.1 s a face;
fontTools takes ~12 s) from the files fontconfig names for each face, and are
cached on disk (`<cache root>/fonts`, guides/templating.py) under a key of the
source file's path, size and mtime, so a font upgrade makes new ones.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from guides.files import write_atomic
from guides.templating import cache_root

CUT = "GB2312"
# The faces the print stylesheets use: both Noto CJK SC families, regular and bold.
FACES = (("Noto Sans CJK SC", 400), ("Noto Sans CJK SC", 700),
         ("Noto Serif CJK SC", 400), ("Noto Serif CJK SC", 700))
# Beside GB 2312's own repertoire: ASCII and Latin-1, general punctuation (— “ ” …),
# number forms (Ⅰ), arrows, enclosed numbers (①), geometric shapes (□ ○), symbols
# (★), dingbats (✓), CJK punctuation and full-width forms. Only what the face
# maps is kept.
EXTRA_RANGES = ((0x0020, 0x007E), (0x00A0, 0x00FF), (0x2000, 0x206F), (0x2150, 0x218F), (0x2190, 0x21FF),
                (0x2460, 0x24FF), (0x25A0, 0x25FF), (0x2600, 0x27BF), (0x3000, 0x303F), (0xFF00, 0xFFEF))
# Bump when the cut's repertoire or options change: it is part of every cache key.
CUT_VERSION = "1"
_FC_WEIGHT = {400: "regular", 700: "bold"}


@dataclass(frozen=True)
class PrintFace:
    family: str  # the cut's own family, e.g. "Noto Sans CJK SC GB2312"
    weight: int
    path: Path  # the cut, an OpenType (CFF) file


def cut_family(family: str) -> str:
    return f"{family} {CUT}"


@functools.cache
def repertoire() -> frozenset[int]:
    """Code points of GB 2312 (every row, symbols included) and of EXTRA_RANGES."""
    points = {cp for lo, hi in EXTRA_RANGES for cp in range(lo, hi + 1)}
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((lead, trail)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned cell of the 94×94 table
    return frozenset(points)


def system_face(family: str, weight: int) -> tuple[Path, int]:
    """(file, index in the collection) of the installed face, as fontconfig resolves it."""
    return _system_faces()[(family, weight)]


@functools.cache
def _system_faces() -> dict[tuple[str, int], tuple[Path, int]]:
    # One fc-match per face, all started at once: each spends ~7 ms loading fontconfig's caches.
    runs = {(family, weight): subprocess.Popen(
                ["fc-match", "--format=%{file}\n%{index}\n%{family}", f"{family}:weight={_FC_WEIGHT[weight]}"],
                stdout=subprocess.PIPE, text=True)
            for family, weight in FACES}
    return {face: _matched(*face, run.communicate()[0].split("\n")) for face, run in runs.items()}


def _matched(family: str, weight: int, out: list[str]) -> tuple[Path, int]:
    if len(out) < 3 or family not in out[2].split(","):
        raise LookupError(f"fontconfig has no {family} (weight {weight}); it offered {out[-1]!r}")
    return Path(out[0]), int(out[1])


def cut_face(source: Path, index: int) -> bytes:
    """The face at `index` of `source`, keeping only the repertoire's characters and what shapes them."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(source)), index)
    wanted = hb.SubsetInput()
    for code_point in repertoire():
        wanted.unicode_set.add(code_point)
    return hb.subset(face, wanted).blob.data


def _cut_path(directory: Path, family: str, weight: int, source: Path, index: int) -> Path:
    stat = source.stat()
    key = hashlib.sha256(f"{CUT_VERSION}\0{source}\0{stat.st_size}\0{stat.st_mtime_ns}\0{index}".encode()).hexdigest()
    return directory / f"{family.replace(' ', '')}-{weight}-{key[:16]}.otf"


def print_faces(directory: Path | None = None) -> list[PrintFace]:
    """Every cut in FACES, made where missing; an unwritable cache falls back to a temporary folder."""
    try:
        return _made(directory or cache_root() / "fonts")
    except OSError:
        return _made(_fallback_dir())


@functools.cache
def _fallback_dir() -> Path:
    # One per process, so that every renderer of the process finds the cuts made by the first.
    return Path(tempfile.mkdtemp(prefix="onevisit-fonts-"))


def _made(directory: Path) -> list[PrintFace]:
    directory.mkdir(parents=True, exist_ok=True)  # an unusable folder fails here, before any cutting
    faces = []
    for family, weight in FACES:
        source, index = system_face(family, weight)
        path = _cut_path(directory, family, weight, source, index)
        if not path.exists():
            write_atomic(path, cut_face(source, index))
        faces.append(PrintFace(cut_family(family), weight, path))
    return faces


def font_face_rules(faces: list[PrintFace]) -> str:
    """@font-face rules that register the cuts under their own family names."""
    return "\n".join(f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.as_uri()}"); '
                     f"font-weight: {f.weight}; font-style: normal; }}" for f in faces)
