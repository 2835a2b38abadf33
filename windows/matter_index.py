"""Finding a matter at the counter by name, pinyin initials or code.

The index is built once per app from the catalogue (pypinyin's dictionary
lookup is too slow to repeat per keystroke); a search is a substring test
over a few prepared keys per matter.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from workflows.catalogue import Catalogue, MatterVersion


@dataclass(frozen=True)
class MatterEntry:
    code: str
    name: str
    initials: str  # 道路货物运输经营许可 → dlhwysjyxk
    matter_type: str
    case_kind: str
    promised_days: int
    legal_days: int
    visits: int
    codes: str  # slug, 基本编码 and 实施编码, lower case, for matching

    @property
    def search_text(self) -> str:
        return " ".join((self.name, self.initials, self.codes))


def initials_of(text: str) -> str:
    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if p).lower()


def _entry(version: MatterVersion) -> MatterEntry:
    d = version.definition
    codes = " ".join((d.code, d.basic_code, d.implementation_code)).lower()
    return MatterEntry(d.code, d.name, initials_of(d.name), d.matter_type.value, d.case_kind.value,
                       d.limits.promised_days, d.limits.legal_days, version.visits.visits, codes)


class MatterIndex:
    def __init__(self, catalogue: Catalogue):
        self.entries = [_entry(v) for v in catalogue.matters()]

    def search(self, query: str) -> list[MatterEntry]:
        needle = "".join(query.split()).lower()
        if not needle:
            return list(self.entries)
        return [e for e in self.entries if needle in e.name or needle in e.initials or needle in e.codes]
