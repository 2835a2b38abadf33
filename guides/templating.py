"""The one Jinja2 environment of the application, shared by windows/ and guides/.

Built once per application by `create_app`, never at import time. Autoescape
is always on: applicant names reach both screens and PDFs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from workflows.identity import mask_id, mask_phone

GUIDES_TEMPLATES = Path(__file__).parent / "templates"
_WEEKDAYS = "一二三四五六日"


def cn_date(value: dt.date | dt.datetime | None, with_time: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value.year}年{value.month}月{value.day}日"
    if with_time and isinstance(value, dt.datetime):
        text += f" {value:%H:%M}"
    return text


def cn_weekday(value: dt.date) -> str:
    return "周" + _WEEKDAYS[value.weekday()]


def build_environment(search_path: list[Path]) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(p)) for p in search_path]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(cn_date=cn_date, cn_weekday=cn_weekday, mask_id=mask_id, mask_phone=mask_phone)
    return env
