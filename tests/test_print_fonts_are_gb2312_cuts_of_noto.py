"""Papers embed Noto CJK SC cut to GB 2312; anything outside it still prints, from the full face."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from fontTools.ttLib import TTFont

from guides import fonts
from guides.pdf import PdfRenderer
from guides.pdfcheck import embedded_fonts, flat_text, weasyprint_warnings

PRINT_STACK = "'Noto Sans CJK SC GB2312', 'Noto Sans CJK SC'"
OUTSIDE_GB2312 = "喆"  # U+5586: in Noto CJK SC and in GBK, not in GB 2312


@pytest.fixture(scope="module")
def renderer():
    return PdfRenderer()


@pytest.mark.parametrize("family,weight", fonts.FACES)
def test_a_cut_maps_all_its_face_maps_of_the_repertoire(family, weight):
    source, index = fonts.system_face(family, weight)
    face = next(f for f in fonts.print_faces() if f.family == fonts.cut_family(family) and f.weight == weight)
    cut = TTFont(face.path)
    whole = TTFont(source, fontNumber=index, lazy=True)
    mapped = set(cut.getBestCmap())
    # HarfBuzz also keeps the few other code points that share a kept glyph (∋ ≅ …).
    assert set(whole.getBestCmap()) & fonts.repertoire() <= mapped <= set(whole.getBestCmap())
    assert cut["maxp"].numGlyphs < 16_000 < whole["maxp"].numGlyphs  # renumbered from 0: cheap to embed
    assert family in cut["name"].getDebugName(1)  # the same Noto outlines, not another font


def test_a_guide_page_embeds_only_the_cuts(renderer):
    html = (f'<html style="font-family: {PRINT_STACK}"><body><h1>道路货物运输经营许可——办事指南</h1>'
            '<p>申请人须提交《道路运输经营申请表》（原件 1 份）① “容缺受理”</p></body></html>')
    with weasyprint_warnings() as warnings:
        pdf = renderer.render(html)
    assert not warnings
    assert sorted(f.name.split("+", 1)[1] for f in embedded_fonts(pdf)) == [
        "Noto-Sans-CJK-SC-GB2312", "Noto-Sans-CJK-SC-GB2312-Bold"]
    assert "申请人须提交《道路运输经营申请表》" in flat_text(pdf)


def test_a_character_outside_gb2312_prints_from_the_full_face(renderer):
    assert ord(OUTSIDE_GB2312) not in fonts.repertoire()
    html = f'<html style="font-family: {PRINT_STACK}"><body><p>申请人 张{OUTSIDE_GB2312}</p></body></html>'
    with weasyprint_warnings() as warnings:
        pdf = renderer.render(html)
    assert not warnings  # no .notdef: the full face drew it
    assert sorted(f.name.split("+", 1)[1] for f in embedded_fonts(pdf)) == [
        "Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-GB2312"]
    assert f"申请人张{OUTSIDE_GB2312}" in flat_text(pdf)


def test_cuts_are_made_once_and_again_when_the_font_file_changes(tmp_path, monkeypatch):
    made = fonts.print_faces(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.path.name for f in made)
    monkeypatch.setattr(fonts, "cut_face", lambda source, index: pytest.fail("cut again although cached"))
    assert fonts.print_faces(tmp_path) == made

    source, index = fonts.system_face(*fonts.FACES[0])
    upgraded = tmp_path / "upgraded" / source.name
    upgraded.parent.mkdir()
    shutil.copy(source, upgraded)
    os.utime(upgraded, ns=(0, 1))
    monkeypatch.setattr(fonts, "system_face", lambda family, weight: (upgraded, index))
    calls = []
    monkeypatch.setattr(fonts, "cut_face", lambda source, index: calls.append(source) or b"OTTO")
    again = fonts.print_faces(tmp_path)
    assert calls == [upgraded] * len(fonts.FACES)
    assert {f.path for f in again}.isdisjoint({f.path for f in made})


def test_an_unwritable_cache_falls_back_to_a_temporary_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("ONEVISIT_CACHE_DIR", str(blocked / "onevisit"))
    faces = fonts.print_faces()
    assert all(f.path.is_file() and blocked not in f.path.parents for f in faces)
    assert TTFont(io.BytesIO(faces[0].path.read_bytes()))["maxp"].numGlyphs < 16_000
    monkeypatch.setattr(fonts, "cut_face", lambda source, index: pytest.fail("cut again in the same process"))
    assert fonts.print_faces() == faces  # the next renderer of the process finds them there
