"""`service.py licences import`: every row checked, each bad one named by line and column, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from inspections import importing, register
from inspections.models import LICENCE_EVENTS, LICENCES
from tests.support import CREDIT_CODE, PERSON_ID, run_cli
from workflows.catalogue import load_catalogue

HEADER = ["证照编号", "事项", "持证人类型", "持证人名称", "证件号码", "联系电话", "发证日期", "有效期至", "状态"]
GOOD = [
    ["浙交运管许可嘉字330400000001号", "road-freight-licence", "单位", "嘉兴市顺达物流有限公司", CREDIT_CODE,
     "13900005678", "2025-06-10", "", ""],
    ["嘉出租从业字〔2021〕第00007号", "出租汽车驾驶员从业资格证核发", "个人", "张三", PERSON_ID, "", "2021-05-06",
     "2033-05-05", "有效"],
    ["嘉维修备字〔2020〕第00003号", "vehicle-repair-filing", "单位", "嘉兴市快修汽车服务有限公司", CREDIT_CODE, "",
     "2020-08-01", "", "已注销"],
]
TODAY = dt.date(2026, 11, 25)


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def write_xlsx(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([dt.date.fromisoformat(v) if HEADER[i] in ("发证日期", "有效期至") and v else v
                      for i, v in enumerate(row)])
    book.save(path)
    return path


def count(session):
    return session.connection().execute(select(func.count()).select_from(LICENCES)).scalar_one()


def run_import(session, office, path):
    return importing.import_file(session=session, catalogue=office.catalogue, path=path, today=TODAY,
                                 now=office.now())


@pytest.fixture(autouse=True)
def matter_names_are_what_the_rows_say():
    names = {v.definition.name for v in load_catalogue().matters()}
    assert "出租汽车驾驶员从业资格证核发" in names


@pytest.mark.parametrize("write", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_good_file_imports_every_row_with_its_dates_and_history(session, office, tmp_path, write):
    path = write(tmp_path / f"licences.{'csv' if write is write_csv else 'xlsx'}", GOOD)
    outcome = run_import(session, office, path)
    assert (outcome.imported, outcome.problems) == (3, [])
    rows, total = register.search(session=session, today=TODAY, filters=register.LicenceFilter())
    by_number = {r.number: r for r in rows}
    assert total == 3
    freight = by_number[GOOD[0][0]]
    assert (freight.issued_on, freight.expires_on, freight.status) == (dt.date(2025, 6, 10), dt.date(2029, 6, 9),
                                                                       "valid")
    assert freight.validity == office.catalogue.get("road-freight-licence").definition.result.validity
    taxi = by_number[GOOD[1][0]]
    assert (taxi.matter_code, taxi.holder_kind, taxi.expires_on) == ("taxi-driver-qualification", "person",
                                                                     dt.date(2033, 5, 5))
    repair = by_number[GOOD[2][0]]
    assert (repair.status_label, repair.expires_on, repair.expiry_note) == ("已注销", None, "长期有效")
    events = session.connection().execute(select(LICENCE_EVENTS.c.action, LICENCE_EVENTS.c.reason)).all()
    assert events == [("import", f"从 {path.name} 导入")] * 3


def test_one_bad_row_imports_nothing_and_is_named_by_line_and_column(session, office, tmp_path):
    bad = ["嘉超限通字〔2026〕第00001号", "oversize-transport-permit", "单位", "嘉兴市大件运输有限公司",
           CREDIT_CODE[:-1] + ("0" if CREDIT_CODE[-1] != "0" else "1"), "", "2026-13-01", "", ""]
    path = write_csv(tmp_path / "licences.csv", [GOOD[0], bad, GOOD[1]])
    outcome = run_import(session, office, path)
    assert outcome.imported == 0
    assert [str(p) for p in outcome.problems] == [
        "第3行 证件号码：不是有效的统一社会信用代码（18位，核对校验位）",
        "第3行 发证日期：不是 YYYY-MM-DD 格式的日期",
    ]
    assert count(session) == 0


@pytest.mark.parametrize("row, column, words", [
    (["", "road-freight-licence", "单位", "某公司", CREDIT_CODE, "", "2023-01-10", "", ""], "证照编号", "不能为空"),
    ([GOOD[0][0], "road-freight", "单位", "某公司", CREDIT_CODE, "", "2023-01-10", "", ""], "事项", "事项目录中没有"),
    ([GOOD[0][0], "road-freight-licence", "公司", "某公司", CREDIT_CODE, "", "2023-01-10", "", ""], "持证人类型",
     "只能填单位或个人"),
    ([GOOD[0][0], "road-freight-licence", "个人", "张三", CREDIT_CODE, "", "2023-01-10", "", ""], "证件号码",
     "居民身份证号码"),
    ([GOOD[0][0], "road-freight-licence", "单位", "某公司", CREDIT_CODE, "123", "2023-01-10", "", ""], "联系电话",
     "手机号码"),
    ([GOOD[0][0], "road-freight-licence", "单位", "某公司", CREDIT_CODE, "", "2026-11-26", "", ""], "发证日期",
     "晚于今天"),
    ([GOOD[0][0], "road-freight-licence", "单位", "某公司", CREDIT_CODE, "", "2023-01-10", "2022-01-01", ""],
     "有效期至", "早于发证日期"),
    ([GOOD[0][0], "vehicle-repair-filing", "单位", "某公司", CREDIT_CODE, "", "2023-01-10", "2030-01-01", ""],
     "有效期至", "长期有效"),
    ([GOOD[0][0], "road-freight-licence", "单位", "某公司", CREDIT_CODE, "", "2023-01-10", "", "已过期"], "状态",
     "只能填有效、已注销或已吊销"),
])
def test_each_rule_names_its_column(session, office, tmp_path, row, column, words):
    outcome = run_import(session, office, write_csv(tmp_path / "one.csv", [row]))
    [problem] = outcome.problems
    assert (problem.line, problem.column) == (2, column) and words in problem.message, problem
    assert count(session) == 0


def test_numbers_already_in_the_register_or_twice_in_the_file_are_bad_rows(session, office, tmp_path):
    assert run_import(session, office, write_csv(tmp_path / "first.csv", [GOOD[0]])).imported == 1
    again = write_csv(tmp_path / "second.csv", [GOOD[1], GOOD[0], GOOD[2], GOOD[2]])
    outcome = run_import(session, office, again)
    assert [str(p) for p in outcome.problems] == [
        f"第3行 证照编号：{GOOD[0][0]} 已在证照库中",
        f"第5行 证照编号：{GOOD[2][0]} 与第4行重复",
    ]
    assert count(session) == 1


def test_a_file_without_a_required_column_is_refused_whole(session, office, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("证照编号,事项\nX1,road-freight-licence\n", encoding="utf-8")
    with pytest.raises(importing.FileProblem, match="缺少列：持证人类型、持证人名称、证件号码、发证日期"):
        run_import(session, office, path)


def test_the_command_reports_bad_rows_and_exits_1_then_imports_a_good_file(database_url, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [GOOD[0], [*GOOD[1][:6], "昨天", *GOOD[1][7:]]])
    done = run_cli("licences", "import", str(bad), env={"DATABASE_URL": database_url})
    assert done.returncode == 1, done.stderr
    assert "第3行 发证日期：不是 YYYY-MM-DD 格式的日期" in done.stdout and "未导入任何证照" in done.stdout
    good = write_xlsx(tmp_path / "good.xlsx", GOOD)
    done = run_cli("licences", "import", str(good), env={"DATABASE_URL": database_url})
    assert (done.returncode, done.stdout.strip()) == (0, "已导入 3 份证照"), done.stderr
    listed = run_cli("licences", "expiring", "--days", "100000", env={"DATABASE_URL": database_url})
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert "证照 2 份" in lines[0]
    assert GOOD[0][0] in lines[1] and "有效期至 2029-06-09" in lines[1] and "延续申请截止 2029-05-10" in lines[1]
    assert CREDIT_CODE not in listed.stdout  # masked
