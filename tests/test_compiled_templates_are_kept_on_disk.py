"""A new process loads the templates an earlier one compiled; an edited template is compiled afresh."""

from __future__ import annotations

import shutil

import pytest
from jinja2 import Environment

from guides.templating import GUIDES_TEMPLATES, build_environment, compiled_templates


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ONEVISIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "templates"


def test_a_new_environment_loads_what_an_earlier_one_compiled(cache, monkeypatch):
    names = ["guides/checklist.html", "guides/_base.html", "guides/_print.css"]
    first = [build_environment([GUIDES_TEMPLATES]).get_template(name) for name in names][-1].render()
    assert len(list(cache.iterdir())) == len(names) and oct(cache.stat().st_mode & 0o777) == "0o700"
    monkeypatch.setattr(Environment, "compile", lambda *a, **k: pytest.fail("compiled again"))
    env = build_environment([GUIDES_TEMPLATES])
    assert [env.get_template(name) for name in names][-1].render() == first


def test_an_edited_template_is_compiled_afresh(cache, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(GUIDES_TEMPLATES, templates)
    page = templates / "guides" / "_print.css"
    assert "Noto Sans CJK SC" in build_environment([templates]).get_template("guides/_print.css").render()
    page.write_text("html { color: red; }", encoding="utf-8")
    assert build_environment([templates]).get_template("guides/_print.css").render() == "html { color: red; }"


def test_a_folder_others_may_write_to_is_not_used(cache):
    cache.mkdir(parents=True)
    cache.chmod(0o777)
    assert compiled_templates() is None
    env = build_environment([GUIDES_TEMPLATES])
    assert env.bytecode_cache is None and "Noto" in env.get_template("guides/_print.css").render()
    assert not list(cache.iterdir())


def test_an_unwritable_cache_only_means_compiling(cache, monkeypatch):
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the folder should be")
    env = build_environment([GUIDES_TEMPLATES])
    assert env.bytecode_cache is None and "Noto" in env.get_template("guides/_print.css").render()
