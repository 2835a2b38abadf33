"""The 最美窗口 table says how many 差评 each window had and how many are put right, each count linking its ratings.

The hand-built October of tests/rating_support.py (W01: P's 差评 of 10-09; Q's rating excluded by an
upheld appeal), with P's 差评 put right, and three 差评 of W02 (clerk2) given on 10-20:
T left alone (待回访核实), U found 属实 (待整改), V found 不属实 (no 整改 due).

window  差评  已整改  未整改  不属实
W01     1     1       0       0
W02     3     0       2       1
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from tests.page_helpers import client_as, one, soup
from tests.rating_support import FREIGHT, LEAD, D, build_rating_month
from tests.support import STAFF, open_complete
from workflows import rating_tasks, ratings
from workflows.rating_models import RatingTask

OCTOBER = "/audit?period=month&month=2026-10"


def _task(session, rating_id: int) -> RatingTask:
    return session.exec(select(RatingTask).where(RatingTask.rating_id == rating_id)).one()


@pytest.fixture
def october(session, office, clock):
    month = build_rating_month(session, office, clock)
    clock.set_local(D(2026, 10, 12), 11)
    p = rating_tasks.record_revisit(session=session, office=office, task=_task(session, month.ratings["P-visit"]),
                                    actor=LEAD, result="founded", note="语气生硬属实", version=1)
    rating_tasks.record_rectification(session=session, office=office, task=p, actor=LEAD, action="约谈并培训",
                                      done_on=D(2026, 10, 12), version=p.version)
    for name in ("T", "U", "V"):
        clock.set_local(D(2026, 10, 20), 9)
        month.cases[name] = case = open_complete(session, office, FREIGHT, clerk=STAFF.clerk2)
        clock.set_local(D(2026, 10, 20), 10)
        seq = ratings.visits_of(session=session, case=case)[0].seq
        rating = ratings.rate_visit(session=session, office=office, case=case, visit_seq=seq, channel="kiosk",
                                    now=clock(), given=ratings.RatingInput("dissatisfied", categories=("slow",)))
        assert rating.id is not None
        month.ratings[f"{name}-visit"] = rating.id
    clock.set_local(D(2026, 10, 21), 11)
    for name, result in (("U", "founded"), ("V", "unfounded")):
        rating_tasks.record_revisit(session=session, office=office, task=_task(session, month.ratings[f"{name}-visit"]),
                                    actor=LEAD, result=result, note="电话回访", version=1)
    clock.set_local(D(2026, 11, 25), 9)
    return month


def _listed(client, href: str) -> set[str]:
    return {str(tr["data-rating"]) for tr in soup(client.get(href)).select("#ratings tbody tr")}


def test_each_window_shows_its_bad_ratings_rectified_and_not_each_linking_its_ratings(app, october):
    expected = {
        "W01": {"bad_evaluations": ["P"], "bad_rectified": ["P"], "bad_unrectified": [], "bad_unfounded": None},
        "W02": {"bad_evaluations": ["T", "U", "V"], "bad_rectified": [], "bad_unrectified": ["T", "U"],
                "bad_unfounded": ["V"]},
    }
    with client_as(app, "auditor") as auditor:
        page = soup(auditor.get(OCTOBER))
        heads = [th.get_text(strip=True) for th in page.select("#window-ranking thead th")]
        assert [heads.index(h) for h in ("差评", "已整改", "未整改")] == sorted(heads.index(h) for h in
                                                                           ("差评", "已整改", "未整改"))
        for key, counts in expected.items():
            row = one(page, f"#window-ranking tbody tr[data-key={key}]")
            for counter, names in counts.items():
                if names is None:  # nothing found 不属实: the cell does not mention it
                    assert row.select_one(f"a[data-counter={counter}]") is None
                    continue
                link = one(row, f"a[data-counter={counter}]")
                assert int(link.get_text()) == len(names), (key, counter)
                href = str(link["href"])
                query = parse_qs(urlsplit(href).query)
                assert urlsplit(href).path == "/ratings"
                assert (query["counter"], query["window"], query["period"], query["start"]) == (
                    [counter], [key], ["month"], ["2026-10-01"])
                assert _listed(auditor, href) == {str(october.ratings[f"{n}-visit"]) for n in names}, (key, counter)
        # Not yet put right stands out; nothing left to put right does not.
        assert "unrectified" in one(page, "#window-ranking tr[data-key=W02] a[data-counter=bad_unrectified]"
                                    ).find_parent("td")["class"]
        assert "unrectified" not in one(page, "#window-ranking tr[data-key=W01] a[data-counter=bad_unrectified]"
                                        ).find_parent("td")["class"]


def test_the_exports_carry_the_same_counts_for_windows_clerks_and_matters(app, october):
    import io

    from openpyxl import load_workbook

    def sheet(name: str) -> dict[str, dict[str, object]]:
        with client_as(app, "auditor") as auditor:
            response = auditor.get(f"/audit/export/{name}.xlsx?period=month&month=2026-10")
        book = load_workbook(io.BytesIO(response.content)).active
        assert book is not None
        rows = list(book.iter_rows(values_only=True))
        head = [str(h) for h in rows[0]]
        return {str(r[head.index("代码")]): dict(zip(head, r, strict=True)) for r in rows[1:]}

    counts = ("差评数", "差评已整改", "差评未整改", "差评核实不属实")
    windows = sheet("windows")
    assert [windows["W01"][c] for c in counts] == [1, 1, 0, 0]
    assert [windows["W02"][c] for c in counts] == [3, 0, 2, 1]
    assert [sheet("clerks")[STAFF.clerk2.username][c] for c in counts] == [3, 0, 2, 1]
    assert sum(int(str(row["差评数"] or 0)) for row in sheet("matters").values()) == 4  # P, T, U and V
