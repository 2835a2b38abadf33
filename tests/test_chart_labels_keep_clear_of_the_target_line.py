"""No value label of a chart is crossed by the dashed target line, whatever the values and the target:
each label's box (its estimated width, the text's height above and below its baseline) is checked against
the line, for every value from 0 to 100% around a spread of targets."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from audit.charts import TEXT_HEIGHT, Point, rate_bars, text_width, trend_chart

SVG = "{http://www.w3.org/2000/svg}"


def _boxes(svg: str, cls: str):
    root = ET.fromstring(str(svg))
    for t in root.iter(f"{SVG}text"):
        if t.get("class") != cls:
            continue
        x, y, width = float(t.get("x", "")), float(t.get("y", "")), text_width(t.text or "")
        left = {"end": x - width, "middle": x - width / 2}.get(t.get("text-anchor") or "", x)
        yield t.text, left, left + width, y - TEXT_HEIGHT, y + 3


def _target(svg: str):
    line = next(el for el in ET.fromstring(str(svg)).iter(f"{SVG}line") if el.get("class") == "target")
    return tuple(float(line.get(k, "")) for k in ("x1", "x2", "y1", "y2"))


@pytest.mark.parametrize("target", [0.5, 0.8, 0.95, 1.0])
def test_trend_value_labels_are_not_crossed_by_the_target_line(target):
    values = [i / 100 for i in range(0, 101)]
    for start in range(0, len(values), 12):
        chart = trend_chart([Point(f"m{i}", v) for i, v in enumerate(values[start:start + 12])], target, "t")
        _, _, y, _ = _target(chart)
        for text, _, _, top, bottom in _boxes(chart, "value"):
            assert not top <= y <= bottom, (text, target)


@pytest.mark.parametrize("target", [0.3, 0.8, 0.95, 1.0])
def test_bar_value_labels_are_not_crossed_by_the_target_line(target):
    chart = rate_bars([Point(f"窗口{i}", i / 100) for i in range(0, 101)], target, "t")
    x, _, _, _ = _target(chart)
    boxes = list(_boxes(chart, "value"))
    assert len(boxes) == 101
    for text, left, right, _, _ in boxes:
        assert not left - 1 <= x <= right + 1, (text, target)


def test_the_target_label_stays_clear_of_the_last_months_value():
    chart = trend_chart([Point("a", 0.5), Point("b", 0.8)], 0.8, "t")
    (target,) = list(_boxes(chart, "target-label"))
    for _, left, right, top, bottom in _boxes(chart, "value"):
        assert right < target[1] or left > target[2] or bottom < target[3] or top > target[4]
