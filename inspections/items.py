"""抽查事项清单: the random-inspection items, declared once as data in `inspections/items/*.yaml`.

Each file is one item: what is checked, whose licences it covers (the matters, the status, issued
before a date), 重点 or 一般, the sampling ratio and frequency, the team size and the legal basis.
A wrong file stops start-up naming the file, the field and the rule, as a matter definition does.
`docs/inspection-item-reference.md` is generated from these models (`reference()`), and a test
keeps the committed copy equal to a fresh generation.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workflows import errors
from workflows.catalogue import validation_problems
from workflows.definition_schema import reference_sections

ITEMS_DIR = Path(__file__).resolve().parent / "items"
REFERENCE_FILE = Path(__file__).resolve().parent.parent / "docs" / "inspection-item-reference.md"
WHAT = "抽查事项文件"


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(StrEnum):
    KEY = "重点"
    GENERAL = "一般"


class Frequency(StrEnum):
    YEARLY = "每年一次"
    HALF_YEARLY = "每半年一次"
    QUARTERLY = "每季度一次"


# The period a draw covers, as written: 2026, 2026-H1, 2026-Q3.
PERIOD_PATTERNS = {Frequency.YEARLY: r"^(\d{4})$", Frequency.HALF_YEARLY: r"^(\d{4})-H([12])$",
                   Frequency.QUARTERLY: r"^(\d{4})-Q([1-4])$"}
PERIOD_EXAMPLES = {Frequency.YEARLY: "2026", Frequency.HALF_YEARLY: "2026-H2", Frequency.QUARTERLY: "2026-Q4"}


class Scope(Frozen):
    """Whose licences the item covers: the 检查对象名录 a draw picks its targets from."""

    matters: Annotated[list[str], Field(min_length=1)] = Field(
        description="事项编码（workflows/definitions 中的 code）：持有这些事项证照的，列入检查对象名录",
        examples=[["road-freight-licence"]])
    status: str = Field("有效", pattern="^有效$", examples=["有效"],
                        description="证照状态：只抽查持有有效证照的；已注销、吊销、过期的不列入")
    issued_before: dt.date | None = Field(
        None, description="只列入此日期之前发证的（如新发证未满一年的不抽查）；不写则不限", examples=["2026-10-01"])


class Sampling(Frozen):
    """How many to inspect and how often (国务院办公厅关于推广随机抽查规范事中事后监管的通知: 比例和频次)."""

    ratio_percent: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2,
                                   description="抽取比例（百分数），按名录户数乘以比例向上取整，如 41 户的 5% 抽 3 户",
                                   examples=["5", "10"])
    frequency: Frequency = Field(description="抽查频次：一个周期内抽一次；周期写作 2026、2026-H2 或 2026-Q4",
                                 examples=["每年一次"])


class InspectionItem(Frozen):
    """One 抽查事项 of the 随机抽查事项清单."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", examples=["road-freight-operation"],
                      description="事项清单编码（小写字母、数字和连字符），与文件名相同")
    name: str = Field(min_length=1, max_length=128, description="抽查事项名称，公开页面和公告上显示",
                      examples=["道路货物运输经营者经营资质及车辆技术状况检查"])
    checks: Annotated[list[str], Field(min_length=1)] = Field(
        description="检查内容，每项一句，检查人员在现场逐项核对", examples=[["驾驶人员是否取得相应的从业资格证"]])
    scope: Scope = Field(description="检查对象名录的范围")
    category: Category = Field(description="重点检查事项或一般检查事项", examples=["重点"])
    sampling: Sampling = Field(description="抽取比例和频次")
    team_size: int = Field(2, ge=2, le=5, examples=[2],
                           description="每个检查对象配几名执法检查人员（至少 2 名，行政处罚法第四十二条）")
    rectify_days: int = Field(30, ge=1, le=180, description="发现问题责令整改的，整改期限（自然日）", examples=[30])
    department: str = Field(min_length=1, max_length=64, description="实施检查的科室", examples=["运输管理科"])
    legal_basis: Annotated[list[str], Field(min_length=1)] = Field(
        description="检查依据：法律、法规、规章名称和条款",
        examples=[["《中华人民共和国道路运输条例》第七章（监督检查）"]])

    @model_validator(mode="after")
    def _checks_not_blank(self) -> InspectionItem:
        if any(not c.strip() for c in self.checks):
            raise ValueError("检查内容不能有空项")
        return self

    def period_is_valid(self, period: str) -> bool:
        return re.match(PERIOD_PATTERNS[self.sampling.frequency], period) is not None

    def previous_period(self, period: str) -> str:
        """The period before `period` (for the 回避 of last period's inspectors)."""
        found = re.match(PERIOD_PATTERNS[self.sampling.frequency], period)
        if found is None:
            raise errors.DrawPeriodInvalid(field="period")
        year = int(found.group(1))
        if self.sampling.frequency is Frequency.YEARLY:
            return str(year - 1)
        part, parts, mark = int(found.group(2)), (2 if self.sampling.frequency is Frequency.HALF_YEARLY else 4), \
            ("H" if self.sampling.frequency is Frequency.HALF_YEARLY else "Q")
        return f"{year}-{mark}{part - 1}" if part > 1 else f"{year - 1}-{mark}{parts}"


def parse_item(text: str, file: str, *, matters: set[str] | None = None) -> InspectionItem:
    """One item file, validated; DefinitionError names the file, the field and the rule."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise errors.DefinitionError(file, [("(YAML)", errors.NotYaml(f"不是有效的 YAML：{exc}"))], what=WHAT) from None
    if not isinstance(raw, dict):
        raise errors.DefinitionError(file, [("(根)", errors.NotAMapping())], what=WHAT)
    try:
        item = InspectionItem.model_validate(raw)
    except ValidationError as exc:
        raise errors.DefinitionError(file, validation_problems(exc), what=WHAT) from None
    problems: list[tuple[str, errors.BrokenRule]] = []
    if Path(file).stem != item.code:
        problems.append(("code", errors.FieldInvalid(f"编码 {item.code} 须与文件名 {Path(file).stem} 相同")))
    for i, code in enumerate(item.scope.matters):
        if matters is not None and code not in matters:
            problems.append((f"scope.matters[{i}]", errors.FieldInvalid(f"事项目录中没有事项 {code}")))
    if problems:
        raise errors.DefinitionError(file, problems, what=WHAT)
    return item


def load_items(directory: Path = ITEMS_DIR, *, matters: set[str] | None = None) -> dict[str, InspectionItem]:
    """Every item of the 抽查事项清单 by code; `matters` (the catalogue's codes) checks what each covers."""
    items: dict[str, InspectionItem] = {}
    for path in sorted(directory.glob("*.yaml")):
        item = parse_item(path.read_text(encoding="utf-8"), str(path), matters=matters)
        items[item.code] = item
    return items


def reference() -> str:
    """docs/inspection-item-reference.md: one table per model, one row per field."""
    lines = [
        "<!-- Generated from inspections/items.py by `service.py inspections reference`; do not edit by hand. -->",
        "",
        "# Inspection item field reference (抽查事项清单)",
        "",
        "Every field of an item of the 随机抽查事项清单 (`inspections/items/*.yaml`, one item a file named",
        "for its `code`), generated from the models' descriptions. A wrong file stops start-up naming the",
        "file, the field and the rule. How a draw uses an item: [inspection-draws.md](inspection-draws.md).",
    ]
    return "\n".join(lines + reference_sections(InspectionItem)) + "\n"
