"""What the printed page shows: QR codes that scan to the right URLs, and a page 1 that is not blank.

Both are checked on pixels: the PDF is rasterised with poppler's pdftoppm and
the QR codes are read back with zxing-cpp (a test-only decoder).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from guides.pdfcheck import page_texts
from guides.qr import guide_url, qr_code, status_url
from guides.render import CHECKLIST, GUIDE, GuideRenderer
from guides.templating import GUIDES_TEMPLATES, build_environment
from tests.page_helpers import attr
from workflows.catalogue import load_catalogue
from workflows.office import demo_profile

BASE_URL = "https://ban.example.gov.cn"
CODE = "road-works-permit"


@pytest.fixture(scope="module")
def renderer():
    return GuideRenderer(build_environment([GUIDES_TEMPLATES]), BASE_URL, demo_profile())


def rasterise(pdf: bytes, tmp_path: Path, page: int, dpi: int = 150) -> Image.Image:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(source), str(tmp_path / "page")], check=True)
    return Image.open(tmp_path / "page.png").convert("L")


def decoded(image: Image.Image) -> set[str]:
    return {result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode}


def test_guide_qr_codes_scan_to_the_guide_and_the_status_lookup(renderer, tmp_path):
    version = load_catalogue().get(CODE)
    pdf = renderer.pdf_bytes(version, GUIDE)
    # They print beside 办理地点、时间与咨询, wherever that section falls.
    page = next(n for n, text in enumerate(page_texts(pdf), start=1) if "扫码查看本指南" in text)
    found = decoded(rasterise(pdf, tmp_path, page))
    assert found == {f"{BASE_URL}/guides/{CODE}", f"{BASE_URL}/public/status"}


def test_checklist_qr_code_scans_to_the_guide(renderer, tmp_path):
    pdf = renderer.pdf_bytes(load_catalogue().get(CODE), CHECKLIST)
    assert decoded(rasterise(pdf, tmp_path, 1)) == {f"{BASE_URL}/guides/{CODE}"}


def test_qr_payloads_are_built_from_the_public_base_url():
    assert guide_url(BASE_URL + "/", CODE) == f"{BASE_URL}/guides/{CODE}"
    assert status_url(BASE_URL, "20261125ABCD2345") == f"{BASE_URL}/public/status?receipt_no=20261125ABCD2345"
    code = qr_code(guide_url(BASE_URL, CODE))
    assert code.mode == "byte" and code.error in ("M", "Q", "H") and not code.is_micro


def test_page_one_renders_with_ink_where_the_title_is(renderer, tmp_path):
    pdf = renderer.pdf_bytes(load_catalogue().get(CODE), GUIDE)
    page = rasterise(pdf, tmp_path, 1, dpi=60)
    width, height = page.size
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    dark = sum(page.histogram()[:128])  # pixels darker than mid-grey
    assert dark / (width * height) > 0.02, "page 1 is (almost) blank"
    title_band = page.crop((0, 0, width, height // 10))
    assert sum(title_band.histogram()[:128]) > 200, "no title printed at the top"


def _qr_images(html: str) -> dict[str, Image.Image]:
    """alt text → the decoded image of each QR code <img> in the HTML."""
    import base64
    import io

    from bs4 import BeautifulSoup

    images: dict[str, Image.Image] = {}
    for img in BeautifulSoup(html, "html.parser").select(".qr img"):
        header, data = attr(img, "src").split(",", 1)
        assert header == "data:image/png;base64", header
        images[attr(img, "alt")] = Image.open(io.BytesIO(base64.b64decode(data)))
    return images


def test_qr_codes_are_one_bit_pngs_with_one_pixel_per_module(renderer):
    version = load_catalogue().get(CODE)
    images = _qr_images(renderer.html(version, GUIDE))
    expected = {"办事指南二维码": guide_url(BASE_URL, CODE), "办件进度查询二维码": status_url(BASE_URL)}
    assert set(images) == set(expected)
    for alt, image in images.items():
        assert image.mode == "1"  # black and white only: nothing to blur or dither
        assert image.size == qr_code(expected[alt]).symbol_size(scale=1, border=2)
        enlarged = image.convert("L").resize((image.width * 8, image.height * 8), Image.NEAREST)
        assert decoded(enlarged) == {expected[alt]}


def test_qr_images_print_unsmoothed(renderer):
    from pypdf.generic import BooleanObject

    from guides.pdfcheck import reader

    pdf = renderer.pdf_bytes(load_catalogue().get(CODE), CHECKLIST)
    xobjects = reader(pdf).pages[0]["/Resources"]["/XObject"]
    images = [x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]
    assert images, "the QR code is not an image on the page"
    # Without /Interpolate false a viewer smooths the 37-pixel image into grey blurs.
    assert all(image.get("/Interpolate") == BooleanObject(False) for image in images)
