"""Finding a matter at the counter by name, keyword, pinyin initials or code.

The index is built once per app from the catalogue (pypinyin's dictionary
lookup is too slow to repeat per keystroke); a search is a substring test
over a few prepared keys per matter: its name, the short names applicants
use (`keywords`: 货运, 网约车, 危货 …), the pinyin initials of both, and its
codes. The intake page's script filters on the same keys (`search_text`).
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
    keywords: tuple[str, ...] = ()  # 货运, 普货 … as the definition lists them
    keyword_initials: tuple[str, ...] = ()  # hy, ph …

    @property
    def search_text(self) -> str:
        # Space-separated: a query has its spaces removed, so it never matches across two keys.
        return " ".join((self.name, self.initials, *self.keywords, *self.keyword_initials, self.codes)).lower()


def initials_of(text: str) -> str:
    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if p).lower()


def _entry(version: MatterVersion) -> MatterEntry:
    d = version.definition
    codes = " ".join(c for c in (d.code, d.basic_code, d.implementation_code) if c).lower()
    keywords = tuple(d.keywords)
    return MatterEntry(d.code, d.name, initials_of(d.name), d.matter_type.value, d.case_kind.value,
                       d.limits.promised_days, d.limits.legal_days, version.visits.visits, codes,
                       keywords, tuple(i for i in map(initials_of, keywords) if i))


def _whole_keys(e: MatterEntry) -> set[str]:
    return {k.lower() for k in (e.name, e.initials, *e.keywords, *e.keyword_initials, *e.codes.split())}


class MatterIndex:
    def __init__(self, catalogue: Catalogue):
        self.entries = [_entry(v) for v in catalogue.matters()]
        self._keys = [e.search_text for e in self.entries]

    def search(self, query: str) -> list[MatterEntry]:
        needle = "".join(query.split()).lower()
        if not needle:
            return list(self.entries)
        found = [e for e, keys in zip(self.entries, self._keys, strict=True) if needle in keys]
        # A matter the query names outright (货运 is a keyword of 道路货物运输经营许可) comes before
        # those that merely contain it (水路货运); otherwise catalogue order.
        return sorted(found, key=lambda e: needle not in _whole_keys(e))
