"""Tofu cannot slip through, and a machine without the PDF stack is told the one line that fixes it."""

from __future__ import annotations

from guides import pdf as guide_pdf
from guides.pdfcheck import embedded_fonts, flat_text, weasyprint_warnings


def test_a_glyph_no_font_has_is_caught_by_the_warning_check():
    # U+E000 (private use) is in no installed font: the text layer still extracts it,
    # so only WeasyPrint's .notdef warning reveals the box printed instead.
    html = '<html><body><p>道路运输\ue000许可</p></body></html>'
    with weasyprint_warnings() as warnings:
        pdf = guide_pdf.PdfRenderer().render(html)
    assert any(".notdef" in w for w in warnings), warnings
    assert "道路运输" in flat_text(pdf)


def test_the_shared_renderer_embeds_noto_cjk_subsets_for_any_template_html():
    html = ('<html style="font-family: \'Noto Sans CJK SC\'"><body><h1>月度报告</h1>'
            '<p style="font-family: \'Noto Serif CJK SC\'">一次办结率</p></body></html>')
    with weasyprint_warnings() as warnings:
        pdf = guide_pdf.render_pdf(html)
    assert not warnings
    names = sorted(f.name.split("+", 1)[1] for f in embedded_fonts(pdf))
    assert names == ["Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC"]
    assert all(f.embedded and f.subset for f in embedded_fonts(pdf))


def test_one_font_configuration_is_reused_across_documents():
    renderer = guide_pdf.default_renderer()
    first = renderer.font_config
    guide_pdf.render_pdf("<html><body>一</body></html>")
    guide_pdf.render_pdf("<html><body>二</body></html>")
    assert guide_pdf.default_renderer() is renderer and renderer.font_config is first


def test_this_machine_has_every_package():
    assert guide_pdf.missing_system_packages() == []


def test_missing_packages_stop_with_one_apt_get_line(monkeypatch):
    monkeypatch.setattr(guide_pdf.shutil, "which", lambda name: None)  # no fc-list, no dot
    missing = guide_pdf.missing_system_packages()
    assert missing == ["fonts-noto-cjk", "graphviz"]
    message = str(guide_pdf.SystemPackagesMissing(missing))
    assert "\n" not in message and message.endswith("sudo apt-get install -y fonts-noto-cjk graphviz")


def test_guides_build_stops_before_work_when_a_package_is_missing(monkeypatch, tmp_path, capsys):
    import service

    monkeypatch.setattr(guide_pdf, "_checked_once", lambda: ("libharfbuzz-subset0",))
    out = tmp_path / "out"
    assert service.main(["guides", "build", "--out", str(out)]) == 1
    printed = capsys.readouterr().err.strip()
    assert printed.count("\n") == 0 and "sudo apt-get install -y libharfbuzz-subset0" in printed
    assert not out.exists()


def test_pdf_routes_answer_503_with_the_instruction(monkeypatch, client):
    monkeypatch.setattr(guide_pdf, "_checked_once", lambda: ("fonts-noto-cjk",))
    response = client.get("/guides/road-freight-licence.pdf")
    assert response.status_code == 503
    assert response.text.endswith("sudo apt-get install -y fonts-noto-cjk")
    assert client.get("/guides/road-freight-licence").status_code == 200  # the web page needs no PDF stack
