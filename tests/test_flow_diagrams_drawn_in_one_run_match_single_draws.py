"""`guides build` draws every flow diagram in one `dot` run; each SVG is the one drawn alone."""

from __future__ import annotations

import pytest

from guides import flow
from workflows.catalogue import load_catalogue

CATALOGUE = load_catalogue()


def test_one_run_gives_each_matter_the_svg_it_gets_alone():
    versions = CATALOGUE.matters()
    together = flow.draw_svgs([v.compiled for v in versions])
    assert together == [flow.draw_svg(v.compiled) for v in versions]
    for version, svg in zip(versions, together, strict=True):
        assert svg.startswith("<?xml") and svg.rstrip().endswith("</svg>")
        assert f"<title>{version.definition.name}办理流程</title>" in svg  # named, not an anonymous "%3"
        assert 'id="page' not in svg  # dot's page prefix for a run's later graphs is undone


def test_drawing_ahead_fills_the_cache_in_one_dot_run(monkeypatch):
    diagrams = flow.FlowDiagrams()
    runs = []
    draw = flow.draw_svgs
    monkeypatch.setattr(flow, "draw_svgs", lambda matters: runs.append(len(matters)) or draw(matters))
    diagrams.draw_ahead(CATALOGUE.matters() + CATALOGUE.matters()[:2])
    assert runs == [len(CATALOGUE.matters())]
    monkeypatch.setattr(flow, "draw_svgs", lambda matters: pytest.fail("drawn again although cached"))
    diagrams.draw_ahead(CATALOGUE.matters())
    assert all("<svg" in diagrams.svg(v) for v in CATALOGUE.matters())
