"""What the guide tests share: the sections in the order an applicant reads them, and every
guide and 简版 of the catalogue rendered once per run for the tests that read their text."""

from __future__ import annotations

from functools import lru_cache, cache

from guides.render import CHECKLIST, GUIDE, GuideRenderer
from guides.templating import GUIDES_TEMPLATES, build_environment
from workflows.catalogue import load_catalogue
from workflows.office import demo_profile

BASE_URL = "https://ban.example.gov.cn"
CATALOGUE = load_catalogue()
CODES = [v.code for v in CATALOGUE.matters()]
IMMEDIATE_CODES = [v.code for v in CATALOGUE.matters() if v.definition.case_kind.value == "即办件"]

# What an applicant needs first (how often to come, what to bring, where and when), the reference parts last.
SECTIONS = ["一、到办事现场次数", "二、申请材料", "三、受理条件", "四、办理时限", "五、收费标准",
            "六、办理地点、时间与咨询", "七、送达方式", "八、办理流程", "九、基本信息", "十、设定依据与实施依据"]


@lru_cache(maxsize=1)
def renderer() -> GuideRenderer:
    return GuideRenderer(build_environment([GUIDES_TEMPLATES]), BASE_URL, demo_profile())


@cache
def guide_pdf(code: str) -> bytes:
    return renderer().pdf_bytes(CATALOGUE.get(code), GUIDE)


@cache
def checklist_pdf(code: str) -> bytes:
    return renderer().pdf_bytes(CATALOGUE.get(code), CHECKLIST)
