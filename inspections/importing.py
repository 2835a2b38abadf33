"""Load licences granted before this system (存量证照) from an .xlsx or .csv file, all or nothing.

The first row names the columns (in any order; `COLUMNS` lists them, the README too); each later
row is one licence. Every row is checked first, and each problem is reported by its line and
column in Chinese; when any row is bad nothing is written. A good file is written in one
transaction, each licence with an `import` event in its history. A number the register already
holds, or one the file repeats, is a bad row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from inspections import register
from inspections.models import LICENCES
from workflows import identity
from workflows.catalogue import Catalogue
from workflows.definition import TermKind

# column → (required, what it holds)
COLUMNS: dict[str, tuple[bool, str]] = {
    "证照编号": (True, "证照上的编号，不得与证照库中已有的或本文件中其他行的重复"),
    "事项": (True, "事项代码（如 road-freight-licence）或事项名称（如 道路货物运输经营许可）"),
    "持证人类型": (True, "单位 或 个人"),
    "持证人名称": (True, "单位名称或姓名"),
    "证件号码": (True, "单位填统一社会信用代码，个人填居民身份证号码（均核对校验位）"),
    "联系电话": (False, "手机号码，用于到期提醒；可空"),
    "发证日期": (True, "YYYY-MM-DD，不得晚于今天"),
    "有效期至": (False, "YYYY-MM-DD；按年、按月计有效期的事项可空（按发证日期推算），长期有效的事项必须为空"),
    "有效期": (False, "有效期的文字说明；可空（取事项定义中的说明）"),
    "状态": (False, "有效、已注销或已吊销；可空（有效）。有效期已届满的证照照填有效，系统自动显示为已过期"),
}
KINDS = {"单位": "company", "个人": "person", "company": "company", "person": "person"}
STATUSES = {"有效": register.VALID, "已注销": register.CANCELLED, "已吊销": register.REVOKED}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.line}行 {self.column}：{self.message}"


@dataclass
class Outcome:
    imported: int = 0
    problems: list[Problem] = field(default_factory=list)


class FileProblem(Exception):
    """The file as a whole cannot be read (not .xlsx or .csv, no header, a column missing)."""


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The file's rows as (line number, {column: value}), blank rows left out; the header is line 1."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = list(_xlsx_rows(path))
    elif suffix == ".csv":
        table = list(_csv_rows(path))
    else:
        raise FileProblem("只能导入 .xlsx 或 .csv 文件")
    if not table:
        raise FileProblem("文件是空的：第1行应为列名")
    header = [str(h).strip() if h is not None else "" for h in table[0]]
    missing = [name for name, (required, _) in COLUMNS.items() if required and name not in header]
    if missing:
        raise FileProblem(f"第1行缺少列：{'、'.join(missing)}")
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {name: values[i] if i < len(values) else None
                              for i, name in enumerate(header) if name in COLUMNS}))
    return rows


def _xlsx_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # what a Chinese Excel saves as CSV
    for row in csv.reader(io.StringIO(text, newline="")):
        yield tuple(row)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
        return None


def check_rows(rows: Sequence[tuple[int, Mapping[str, Any]]], *, catalogue: Catalogue, today: dt.date,
               taken: set[str]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Each row as a licence row to write, and every problem found; no database access."""
    by_name = {v.definition.name: v for v in catalogue.matters()}
    by_code = {v.code: v for v in catalogue.matters()}
    seen: dict[str, int] = {}
    good: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for line, row in rows:
        def bad(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(line, column, message))

        found = len(problems)
        number = _text(row.get("证照编号"))
        if not number:
            bad("证照编号", "不能为空")
        elif len(number) > 64:
            bad("证照编号", "超过64个字符")
        elif number in taken:
            bad("证照编号", f"{number} 已在证照库中")
        elif number in seen:
            bad("证照编号", f"{number} 与第{seen[number]}行重复")
        else:
            seen[number] = line
        matter_text = _text(row.get("事项"))
        matter = by_code.get(matter_text) or by_name.get(matter_text)
        if matter is None:
            bad("事项", f"事项目录中没有“{matter_text}”" if matter_text else "不能为空")
        kind = KINDS.get(_text(row.get("持证人类型")))
        if kind is None:
            bad("持证人类型", "只能填单位或个人")
        name = _text(row.get("持证人名称"))
        if not name:
            bad("持证人名称", "不能为空")
        elif len(name) > 128:
            bad("持证人名称", "超过128个字符")
        id_no = _text(row.get("证件号码")).upper()
        if kind == "company" and not identity.valid_credit_code(id_no):
            bad("证件号码", "不是有效的统一社会信用代码（18位，核对校验位）")
        elif kind == "person" and not identity.valid_person_id(id_no):
            bad("证件号码", "不是有效的居民身份证号码（18位，核对校验位）")
        phone = _text(row.get("联系电话")) or None
        if phone and not identity.valid_phone(phone):
            bad("联系电话", "不是有效的手机号码")
        issued = _date(row.get("发证日期"))
        if issued is None:
            bad("发证日期", "不是 YYYY-MM-DD 格式的日期" if _text(row.get("发证日期")) else "不能为空")
        elif issued > today:
            bad("发证日期", f"晚于今天（{today:%Y-%m-%d}）")
        expires_text = _text(row.get("有效期至"))
        expires = _date(row.get("有效期至")) if expires_text or row.get("有效期至") else None
        if expires_text and expires is None:
            bad("有效期至", "不是 YYYY-MM-DD 格式的日期")
        status = STATUSES.get(_text(row.get("状态")) or "有效")
        if status is None:
            bad("状态", "只能填有效、已注销或已吊销（已过期由系统按有效期至自动判断）")
        term = matter.definition.result.term if matter else None
        if matter is not None and term is None:
            bad("事项", "该事项未定义证照编号规则和有效期，不能登记证照")
        if term is not None and issued is not None:
            if term.kind is TermKind.LONG_TERM and expires is not None:
                bad("有效期至", "该事项长期有效，有效期至应为空")
            elif expires is None and term.kind in (TermKind.YEARS, TermKind.MONTHS):
                expires = register.expiry_of(term, issued)
            if expires is not None and expires < issued:
                bad("有效期至", "早于发证日期")
        if len(problems) > found or matter is None or term is None or issued is None or kind is None \
                or status is None:
            continue
        validity = _text(row.get("有效期")) or matter.definition.result.validity or register.term_note(term.kind)
        good.append({"number": number, "matter_code": matter.code, "case_id": None, "holder_kind": kind,
                     "holder_name": name, "holder_id_no": id_no, "holder_phone": phone, "issued_on": issued,
                     "validity": validity[:255], "term_kind": term.kind.value, "expires_on": expires,
                     "status": status, "source": "import"})
    return good, problems


def import_file(*, session: Session, catalogue: Catalogue, path: Path, today: dt.date, now: dt.datetime,
                actor: str = "import") -> Outcome:
    """Check every row of the file, then write them all in one transaction, or none when any is bad."""
    rows = read_rows(path)
    conn = session.connection()
    numbers = [_text(row.get("证照编号")) for _, row in rows]
    taken = register.numbers_taken(conn, [n for n in numbers if n])
    good, problems = check_rows(rows, catalogue=catalogue, today=today, taken=taken)
    if problems:
        session.rollback()
        return Outcome(problems=problems)
    for row in good:
        licence_id = conn.execute(insert(LICENCES).returning(LICENCES.c.id), {**row, "recorded_at": now}).scalar_one()
        register.add_event(conn, licence_id=licence_id, at=now, actor=actor, action="import", from_status=None,
                           to_status=row["status"], reason=f"从 {path.name} 导入", payload={})
    session.commit()
    return Outcome(imported=len(good))
