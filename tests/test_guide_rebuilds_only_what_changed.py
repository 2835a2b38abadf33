"""`guides build` renders a guide again exactly when its definition or the templates change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guides import build as guide_build
from guides.cache import templates_digest
from guides.pdfcheck import flat_text
from workflows.catalogue import DEFAULT_DIR
from workflows.office import demo_profile

CODES = ["road-freight-licence", "vehicle-repair-filing"]
BASE_URL = "https://ban.example.gov.cn"


def _build(definitions: Path, out: Path, **kw) -> guide_build.BuildReport:
    return guide_build.build(definitions_dir=definitions, out_dir=out, base_url=BASE_URL, profile=demo_profile(),
                             codes=CODES, workers=2, **kw)


@pytest.fixture
def definitions(tmp_path) -> Path:
    target = tmp_path / "definitions"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def test_changing_one_material_rebuilds_only_that_guide(definitions, tmp_path):
    out = tmp_path / "out"
    first = _build(definitions, out)
    assert sorted(j.file for j in first.built) == sorted(
        [f"{c}.pdf" for c in CODES] + [f"{c}-checklist.pdf" for c in CODES])
    untouched = (out / "vehicle-repair-filing.pdf").stat().st_mtime_ns
    before = flat_text((out / "road-freight-licence.pdf").read_bytes())
    assert "安全生产管理制度文本" in before

    again = _build(definitions, out)
    assert again.built == [] and len(again.up_to_date) == 4

    path = definitions / "road-freight-licence.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("安全生产管理制度文本", "安全生产管理制度及应急预案文本"),
                    encoding="utf-8")
    changed = _build(definitions, out)
    assert sorted(j.file for j in changed.built) == ["road-freight-licence-checklist.pdf", "road-freight-licence.pdf"]
    assert (out / "vehicle-repair-filing.pdf").stat().st_mtime_ns == untouched
    after = flat_text((out / "road-freight-licence.pdf").read_bytes())
    assert "安全生产管理制度及应急预案文本" in after and after != before


def test_a_deleted_output_file_is_rendered_again(definitions, tmp_path):
    out = tmp_path / "out"
    _build(definitions, out)
    (out / "vehicle-repair-filing-checklist.pdf").unlink()
    report = _build(definitions, out)
    assert [j.file for j in report.built] == ["vehicle-repair-filing-checklist.pdf"]


def test_template_hash_follows_template_content(tmp_path):
    root = tmp_path / "templates"
    root.mkdir()
    (root / "guide.html").write_text("<h1>{{ g.d.name }}</h1>", encoding="utf-8")
    first = templates_digest(root)
    assert templates_digest(root) == first
    (root / "guide.html").write_text("<h1>{{ g.d.name }} 办事指南</h1>", encoding="utf-8")
    assert templates_digest(root) != first


def test_keys_change_with_templates_and_renderer(monkeypatch):
    from guides.render import GuideRenderer
    from guides.templating import GUIDES_TEMPLATES, build_environment
    from workflows.catalogue import load_catalogue

    version = load_catalogue().get(CODES[0])
    env = build_environment([GUIDES_TEMPLATES])
    key = GuideRenderer(env, BASE_URL, demo_profile()).key(version)
    assert GuideRenderer(env, BASE_URL, demo_profile(), digest="other-templates").key(version) != key
    assert GuideRenderer(env, "https://other.example", demo_profile()).key(version) != key  # the QR codes change
    moved = demo_profile().model_copy(update={"consult_phone": "0573-80000000"})
    assert GuideRenderer(env, BASE_URL, moved).key(version) != key  # the office's facts are printed too
    monkeypatch.setattr("guides.cache.RENDERER_VERSION", "next")
    assert GuideRenderer(env, BASE_URL, demo_profile()).key(version) != key


def test_cli_builds_then_reports_nothing_to_do(tmp_path, capsys, monkeypatch, definitions):
    import service

    monkeypatch.setenv("ONEVISIT_DEFINITIONS_DIR", str(definitions))
    out = tmp_path / "cli-out"
    assert service.main(["guides", "build", "--out", str(out), "--matter", CODES[1]]) == 0
    assert (out / f"{CODES[1]}.pdf").exists() and (out / "manifest.json").exists()
    capsys.readouterr()
    assert service.main(["guides", "build", "--out", str(out), "--matter", CODES[1]]) == 0
    assert "重建 0 个文件，2 个未变化" in capsys.readouterr().out.replace("\n", "")
    assert service.main(["guides", "build", "--out", str(out), "--matter", "no-such-matter"]) == 1


def test_pool_hands_out_the_largest_jobs_first(definitions):
    from workflows.catalogue import load_catalogue

    catalogue = load_catalogue(definitions)
    jobs = [guide_build.Job(v.code, kind, "k", guide_build.file_name(v.code, kind))
            for v in catalogue.matters() for kind in guide_build.KINDS]
    guide_build._load(str(definitions), BASE_URL, demo_profile())
    ordered = guide_build._largest_first(jobs)
    assert sorted(ordered, key=lambda j: j.file) == sorted(jobs, key=lambda j: j.file)
    first = ordered[0]
    most = max(len(v.definition.materials) for v in catalogue.matters())
    assert first.kind == "guide" and len(catalogue.get(first.code).definition.materials) == most
    assert ordered[-1].kind == "checklist"  # a 简版 (a third of a guide's work) finishes the build
