"""The demo's applicants: a stable roster of companies and people who come back.

Each company has one name, one 统一社会信用代码 (GB 32100, its 组织机构代码 part
with the GB 11714 check character), one contact phone, one address and one
经办人; each person one name, one 居民身份证号 (GB 11643, a real birth date), one
mobile. Companies apply for the matters of their trade, and come back for more:
a logistics company for one 道路货物运输经营许可 and many 超限运输 permits, a
driver for the 从业资格证 and later for a 网约车运输证 for their own car.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from workflows import identity
from workflows.submission import Applicant

# 行政区划代码 of the 嘉兴 districts and counties, with a street in each for addresses.
District = tuple[str, str, tuple[str, ...]]
DISTRICTS: tuple[District, ...] = (
    ("330402", "南湖区", ("中山东路", "广益路", "南溪东路", "由拳路")),
    ("330411", "秀洲区", ("洪兴西路", "中山西路", "新洲路", "秀园路")),
    ("330421", "嘉善县", ("体育南路", "罗星路", "世纪大道")),
    ("330424", "海盐县", ("武原大道", "盐北路", "枣园路")),
    ("330481", "海宁市", ("海州西路", "文苑路", "长安路")),
    ("330482", "平湖市", ("胜利路", "新华北路", "乍浦路")),
    ("330483", "桐乡市", ("庆丰路", "振兴东路", "校场东路")),
)
# Drivers from elsewhere keep the ID of where they were born (临泉县, 砀山县, 潢川县, 三台县).
OTHER_BIRTHPLACES = ("341221", "342221", "411526", "510722")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程沈"
# Characters of given names, one or two of them.
MALE = "伟强磊军勇杰涛明超斌华平峰东新康俊浩宇志国建文宏永家振立海晓"
FEMALE = "芳娜敏静艳丽婷燕英华琴怡琪兰慧梅欣玲霞红秀雪晓佳雅美"
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "157", "158", "159", "166", "177", "180", "181", "182", "185", "186", "187", "188",
                   "189", "191", "198", "199")
BRAND_FIRST = "顺通鸿恒远安畅汇金东华永宏明新嘉禾长瑞万德信益兴丰泰和隆宝福"
BRAND_SECOND = "达运通顺程捷航盛泰源发利鑫祥昌安辉翔邦诚成海"

# The matters each trade applies for, and how its companies are named.
TRADES = {
    "logistics": (("road-freight-licence", "oversize-transport-permit"),
                  ("物流有限公司", "货运有限公司", "运输有限公司")),
    "coach": (("road-passenger-licence", "ride-hailing-vehicle-permit"), ("客运有限公司", "旅游客运有限公司")),
    "ride_hailing": (("ride-hailing-vehicle-permit",), ("出行科技有限公司", "汽车租赁有限公司")),
    "repair": (("vehicle-repair-filing",), ("汽车维修有限公司", "汽车服务有限公司", "机动车维修有限公司")),
    "shipping": (("waterway-transport-licence", "port-operation-licence"),
                 ("航运有限公司", "港务有限公司", "码头有限公司")),
    "works": (("road-works-permit", "oversize-transport-permit"),
              ("市政工程有限公司", "建设工程有限公司", "管道工程有限公司")),
}
GENERAL_SUFFIXES = ("交通发展有限公司", "实业有限公司")  # for a matter no trade above applies for
# Matters a person (rather than a company) applies for, and how often a person is the applicant.
PERSON_SHARE = {"taxi-driver-qualification": 1.0, "ride-hailing-vehicle-permit": 0.6,
                "waterway-transport-licence": 0.15}
# A licence or filing is held once: its holder does not apply for it again.
HELD_ONCE = frozenset({"road-freight-licence", "road-passenger-licence", "vehicle-repair-filing",
                       "waterway-transport-licence", "port-operation-licence", "taxi-driver-qualification"})
# Chance that an applicant for a matter is someone the office has seen before, when one is eligible.
RETURNING = 0.65


@dataclass(frozen=True)
class Person:
    name: str
    id_no: str
    phone: str


@dataclass
class RosterEntry:
    applicant: Applicant
    trade: str
    address: str
    agent: Person | None = None  # the company's 经办人
    matters: list[str] = field(default_factory=list)  # every matter applied for, in order


class Roster:
    """Draws the applicant of each new case: someone known to the office, or a newcomer."""

    def __init__(self, rng: random.Random, *, first_day: dt.date):
        self.rng = rng
        # Applicants and 经办人 are between 21 and 58 on the demo's first day.
        self.youngest = first_day.replace(year=first_day.year - 21, day=min(first_day.day, 28))
        self.oldest = self.youngest.replace(year=self.youngest.year - 37)
        self.entries: list[RosterEntry] = []
        self._names: set[str] = set()
        self._ids: set[str] = set()

    def applicant_for(self, matter_code: str) -> RosterEntry:
        kind = "person" if self.rng.random() < PERSON_SHARE.get(matter_code, 0.0) else "company"
        trades = self._trades_for(matter_code) if kind == "company" else ("person",)
        known = [e for e in self.entries if e.trade in trades and e.applicant.kind == kind
                 and not (matter_code in HELD_ONCE and matter_code in e.matters)]
        if known and self.rng.random() < RETURNING:
            # Busy applicants come back more often than quiet ones.
            entry = self.rng.choices(known, weights=[1 + len(e.matters) for e in known])[0]
        else:
            entry = self._new_person() if kind == "person" else self._new_company(self.rng.choice(trades))
        entry.matters.append(matter_code)
        return entry

    def _trades_for(self, matter_code: str) -> tuple[str, ...]:
        return tuple(t for t, (matters, _) in TRADES.items() if matter_code in matters) or ("general",)

    def _new_person(self) -> RosterEntry:
        person = self._person(local=self.rng.random() < 0.75)
        district = self.rng.choice(DISTRICTS)
        return self._add(RosterEntry(Applicant("person", person.name, person.id_no, person.phone), "person",
                                     self._address(district)))

    def _new_company(self, trade: str) -> RosterEntry:
        district = self.rng.choice(DISTRICTS)
        suffixes = TRADES[trade][1] if trade in TRADES else GENERAL_SUFFIXES
        place = "嘉兴市" if district[0] in ("330402", "330411") else district[1]
        name = self._unique(lambda: f"{place}{self._brand()}{self.rng.choice(suffixes)}")
        agent = self._person(local=True)
        phone = agent.phone if self.rng.random() < 0.7 else \
            self._unique_id(lambda: f"0573-8{self.rng.randint(2, 9)}{self.rng.randrange(10**6):06d}")
        code = self._unique_id(lambda: credit_code(self.rng, district[0]))
        return self._add(RosterEntry(Applicant("company", name, code, phone), trade, self._address(district), agent))

    def _person(self, *, local: bool) -> Person:
        male = self.rng.random() < 0.7
        name = self._unique(lambda: self.rng.choice(SURNAMES) + self._given(MALE if male else FEMALE))
        region = self.rng.choice(DISTRICTS)[0] if local else self.rng.choice(OTHER_BIRTHPLACES)
        born = self.oldest + dt.timedelta(days=self.rng.randrange((self.youngest - self.oldest).days))
        id_no = self._unique_id(lambda: person_id(self.rng, region, born, male))
        return Person(name, id_no, self._unique_id(lambda: mobile(self.rng)))

    def _given(self, chars: str) -> str:
        if self.rng.random() < 0.3:
            return self.rng.choice(chars)
        first = self.rng.choice(chars)
        return first + self.rng.choice([c for c in chars if c != first])

    def _brand(self) -> str:
        first = self.rng.choice(BRAND_FIRST)
        return first + self.rng.choice([c for c in BRAND_SECOND if c != first])

    def _address(self, district: District) -> str:
        return f"浙江省嘉兴市{district[1]}{self.rng.choice(district[2])}{self.rng.randint(1, 1200)}号"

    def _unique(self, make: Callable[[], str]) -> str:
        for _ in range(200):
            name = make()
            if name not in self._names:
                self._names.add(name)
                return name
        raise RuntimeError("演示名册的名称已用尽")

    def _unique_id(self, make: Callable[[], str]) -> str:
        """An identifier (ID number, credit code, phone) nobody else on the roster has."""
        while (value := make()) in self._ids:
            pass
        self._ids.add(value)
        return value

    def _add(self, entry: RosterEntry) -> RosterEntry:
        self.entries.append(entry)
        return entry


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def person_id(rng: random.Random, region: str, born: dt.date, male: bool) -> str:
    """GB 11643: region, birth date, a sequence whose last digit is odd for men, and the check digit."""
    sequence = rng.randrange(0, 999, 2) + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + identity.person_id_check_digit(first17)


_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the 统一社会信用代码 alphabet (no I, O, S, V, Z)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(first8: str) -> str:
    """GB 11714 check character of a 组织机构代码 (digits count as themselves, letters A=10 … Z=35)."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code(rng: random.Random, region: str) -> str:
    """GB 32100: 9 (市场监管登记) 1 (企业), the region, the 组织机构代码 and the check character.

    Companies registered since 2015 have codes beginning MA; older ones kept their all-digit code.
    """
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(_ORG_CHARS) for _ in range(6))
    else:
        body = f"{rng.randrange(10**7, 10**8)}"
    first17 = f"91{region}{body}{org_code_check(body)}"
    return first17 + identity.credit_code_check_char(first17)
