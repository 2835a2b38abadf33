"""一公开 without a login: the published draw names each target (a natural person by surname only), its
inspectors' names and 执法证号, and results once published; the CSV carries no live formula and the
JSON carries every input a reader needs to recompute the draw."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from inspections import draws, drawing, results
from tests.inspection_support import ADMIN, add_inspectors, add_licences, announce_and_run, items
from tests.page_helpers import one, soup
from workflows.office import Actor

PEOPLE = ["张三", "欧阳娜娜", "=HYPERLINK(\"http://x\")", "李四"]


def _published(session, office, clock):
    add_licences(session, 4, kind="person", names=PEOPLE)
    add_inspectors(session, 3)
    draw_id = announce_and_run(session, office, clock, item="road-freight-operation")
    return draw_id, draws.record(session=session, draw_id=draw_id)


def test_a_natural_persons_name_is_masked_on_the_public_page(app, session, office, clock):
    draw_id, row = _published(session, office, clock)
    with TestClient(app) as anyone:
        page = anyone.get(f"/public/inspections/{draw_id}")
    assert page.status_code == 200
    text = page.text
    for name in PEOPLE:
        assert name not in text
    masked = {"张*", "欧***", "=" + "*" * (len(PEOPLE[2]) - 1), "李*"}
    holders = [td.get_text() for td in soup(page).select("#targets .holder")]
    assert len(holders) == 1 and set(holders) <= masked  # 5 % of 4, rounded up
    number, team = row["assignments"][0]
    names = {i[0]: i[1] for i in row["inspectors"]}
    shown = one(soup(page), f'li[data-licence="{number}"] .team').get_text()
    assert shown == "、".join(f"{names[cert]}（执法证号 {cert}）" for cert in team)


def test_a_result_shows_only_once_published(app, session, office, clock):
    draw_id, row = _published(session, office, clock)
    number, team = row["assignments"][0]
    user_of = dict(zip((i[0] for i in row["inspectors"]), row["usernames"], strict=True))
    results.record_result(session=session, office=office, items=items(), actor=Actor(user_of[team[0]],
                          frozenset({"inspector"})), draw_id=draw_id, licence_number=number, outcome="case",
                          inspected_on=office.today(), note="无证经营车辆两辆")
    with TestClient(app) as anyone:
        before = one(soup(anyone.get(f"/public/inspections/{draw_id}")), f'li[data-licence="{number}"] .result')
        results.publish(session=session, office=office, actor=ADMIN, draw_id=draw_id)
        after = one(soup(anyone.get(f"/public/inspections/{draw_id}")), f'li[data-licence="{number}"] .result')
    assert "待公开" in before.get_text()
    assert after.get_text().strip() == "发现问题已立案查处"
    assert "无证经营" not in anyone.get(f"/public/inspections/{draw_id}").text  # the team's note stays inside


def test_the_csv_neutralises_formulas_and_masks_persons(app, session, office, clock):
    draw_id, _ = _published(session, office, clock)
    with TestClient(app) as anyone:
        response = anyone.get(f"/public/inspections/{draw_id}.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][3] == "检查对象"
    assert len(rows) == 2
    for row in rows[1:]:
        assert not row[3].startswith(("=", "+", "-", "@"))
        assert row[3] not in PEOPLE


def test_a_name_that_reads_as_a_formula_is_quoted_in_the_csv(app, session, office, clock):
    add_licences(session, 1, kind="company", names=["=1+2"])
    add_inspectors(session, 2)
    draw_id = announce_and_run(session, office, clock)
    with TestClient(app) as anyone:
        rows = list(csv.reader(io.StringIO(anyone.get(f"/public/inspections/{draw_id}.csv").text.lstrip("\ufeff"))))
    assert rows[1][3] == "'=1+2"


def test_the_json_lets_anyone_recompute_the_draw(app, session, office, clock):
    draw_id, row = _published(session, office, clock)
    with TestClient(app) as anyone:
        data = anyone.get(f"/public/inspections/{draw_id}.json").json()
    assert drawing.sha256_hex(data["targets"]) == data["targets_sha256"]
    fields = {"item_code": data["item"], "period": data["period"], "seq": data["seq"], "reason": data["reason"],
              "announced_at": row["announced_at"], "ratio_percent": data["ratio_percent"],
              "team_size": data["team_size"], "targets_sha256": data["targets_sha256"],
              "inspectors_sha256": data["inspectors_sha256"], "avoid_sha256": data["avoid_sha256"],
              "nonce": data["nonce"], "beacon_source": data["beacon_source"], "beacon_date": row["beacon_date"]}
    assert drawing.commitment(draws.committed_fields(fields)) == data["commitment"]
    seed = drawing.seed_of(data["commitment"], data["beacon_value"])
    again = drawing.draw(targets=[t[0] for t in data["targets"]], inspectors=[i[0] for i in data["inspectors"]],
                         avoid=[tuple(a) for a in data["avoid"]], ratio_percent=data["ratio_percent"],
                         team_size=data["team_size"], seed_hex=seed)
    assert [a.as_list() for a in again] == data["assignments"]
    assert "usernames" not in data and "licence_ids" not in data
    assert all(name not in str(data) for name in PEOPLE)
