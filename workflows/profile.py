"""The office profile: the service centre's own facts, declared once for every matter.

Where to come, when, which window, which phone, where to post a 补正 and to
whom, where to upload online, the public address printed in QR codes, the
time zone and the 补正期限. Guides, counter papers and the public pages all
read these from here; a matter definition only says what the matter is.

An administrator edits one YAML file (`ONEVISIT_OFFICE_PROFILE`). It is
validated at start, and a bad file names the file, the field and the rule.
The bundled demo profile (`workflows/offices/demo.yaml`) is complete and
plausible but invented, and says so (`demo: true`): production refuses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from workflows.catalogue import validation_problems
from workflows.definition import Channel
from workflows import errors
from workflows.errors import DefinitionError
from workflows.localtime import DEFAULT_ZONE, OfficeTime

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
DEMO_PROFILE = Path(__file__).parent / "offices" / "demo.yaml"
# Words that mark a fact as not yet checked; nothing carrying them may reach an applicant.
UNVERIFIED_MARKS = ("待核实", "示意", "待定", "TODO", "XXX")
WHAT = "办公信息配置文件"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hall(_Frozen):
    """The service hall (办事大厅) where the windows are."""

    name: Text  # 嘉兴市民服务中心
    address: Text  # full postal address, as an applicant would type it into a map
    hours: Text  # 周一至周五 上午9:00—12:00 …（法定节假日除外）


class ServiceWindowInfo(_Frozen):
    """One window as the public sees it; `code` is the staff accounts' window code."""

    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]
    name: Text  # 综合窗口
    location: Text  # 一楼 A 区 1—8 号
    phone: Text  # the window's direct line
    comprehensive: bool = False  # 综合窗口: takes every matter, and its clerks act on every window's cases
    matters: list[str] = Field(default_factory=list)  # matter codes it takes, when not comprehensive
    # The window's 负责人 (a staff username): owns the 差评 tasks of the window and files its 申诉.
    head: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class RatingTaskLimits(_Frozen):
    """How long a 差评 task has for each step, in working days after the day of the rating."""

    revisit_days: int = Field(default=1, ge=1, le=10)  # 回访核实
    rectify_days: int = Field(default=5, ge=1, le=30)  # 整改


class LicenceSettings(_Frozen):
    """The licence register's (证照库) window for 即将到期 and the first 延续提醒."""

    # Licences expiring within so many days are listed as 即将到期, and their holders get the first 延续提醒
    # on the day they come within it. At least 40: the second reminder comes 37 days before expiry (a week
    # before the 延续 deadline, 行政许可法 第五十条), and the first must come before it.
    expiry_window_days: int = Field(default=60, ge=40, le=180)


class PostAddress(_Frozen):
    """Where materials sent by post (补正, 容缺补齐) go, and to whom."""

    recipient: Text
    address: Text
    postcode: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
    phone: Text


class OnlineService(_Frozen):
    """Where materials are uploaded online."""

    name: Text  # 浙江政务服务网
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    how: Text  # what to do there, step by step in one sentence


class OfficeProfile(_Frozen):
    name: Text  # the issuing office on every paper: 嘉兴市交通运输局
    # The office's short name in document numbers: 嘉交 → 嘉交受字〔2026〕第0012号.
    document_prefix: Annotated[str, StringConstraints(pattern=r"^[\u4e00-\u9fff]{1,6}$")]
    hall: Hall
    windows: list[ServiceWindowInfo] = Field(min_length=1)
    consult_phone: Text
    complaint_phone: Text
    post: PostAddress | None = None
    online: OnlineService | None = None
    correction_days: int = Field(ge=1, le=60)  # 补正期限 in working days after a 一次性告知书
    rating_tasks: RatingTaskLimits = RatingTaskLimits()  # 差评 回访 and 整改 deadlines
    licences: LicenceSettings = LicenceSettings()  # the 证照库's 即将到期 window
    public_base_url: Annotated[str, StringConstraints(pattern=r"^https?://[^/\s]+(/\S*)?$")] | None = None
    timezone: str = DEFAULT_ZONE
    demo: bool = False  # invented facts for trying the service out; production refuses them

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知时区 {value!r}（应为 IANA 名称，如 Asia/Shanghai）") from None
        return value

    @property
    def time(self) -> OfficeTime:
        return OfficeTime.named(self.timezone)

    def window(self, code: str) -> ServiceWindowInfo | None:
        return next((w for w in self.windows if w.code == code), None)

    def windows_for(self, matter_code: str) -> list[ServiceWindowInfo]:
        """The windows an applicant may go to for this matter: its own windows first, then the 综合窗口."""
        own = [w for w in self.windows if not w.comprehensive and matter_code in w.matters]
        return own + [w for w in self.windows if w.comprehensive]


def profile_violations(profile: OfficeProfile, *, offered: set[Channel],
                       matter_codes: set[str]) -> list[tuple[str, errors.BrokenRule]]:
    """Rules across the profile and the catalogue: every channel a matter offers can be described."""
    problems: list[tuple[str, errors.BrokenRule]] = []
    if Channel.POST in offered and profile.post is None:
        problems.append(("post", errors.PostAddressMissing()))
    if Channel.ONLINE in offered and profile.online is None:
        problems.append(("online", errors.OnlineServiceMissing()))
    for i, window in enumerate(profile.windows):
        for j, code in enumerate(window.matters):
            if code not in matter_codes:
                problem = errors.ProfileMatterUnknown(f"事项目录中没有事项 {code}")
                problems.append((f"windows[{i}].matters[{j}]", problem))
    for code in sorted(matter_codes):
        if not profile.windows_for(code):
            problems.append(("windows", errors.MatterWithoutWindow(
                f"事项 {code} 没有可办理的窗口（须有综合窗口或在某窗口的 matters 中列出）")))
    problems += [(path, errors.UnverifiedText(f"含有“{mark}”，未核实的信息不能印给申请人"))
                 for path, mark in _unverified(profile)]
    return problems


def production_violations(profile: OfficeProfile, public_base_url: str | None) -> list[str]:
    """Why this profile may not serve real applicants."""
    reasons = []
    if profile.demo:
        reasons.append("办公信息配置为演示数据（demo: true），请以 ONEVISIT_OFFICE_PROFILE 指定本中心的真实信息")
    if not (public_base_url or "").startswith("https://"):
        reasons.append("公开访问地址（ONEVISIT_PUBLIC_BASE_URL 或办公信息的 public_base_url）须为 https 地址")
    return reasons


def load_profile(path: Path | str = DEMO_PROFILE) -> OfficeProfile:
    """Parse and validate the profile file; raise DefinitionError naming file, field and rule."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DefinitionError(str(path), [("(文件)", errors.FileUnreadable(f"无法读取：{exc.strerror}"))],
                              what=WHAT) from None
    except yaml.YAMLError as exc:
        raise DefinitionError(str(path), [("(YAML)", errors.NotYaml(f"不是有效的 YAML：{exc}"))], what=WHAT) from None
    if not isinstance(raw, dict):
        raise DefinitionError(str(path), [("(根)", errors.NotAMapping())], what=WHAT)
    try:
        return OfficeProfile.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(str(path), validation_problems(exc), what=WHAT) from None


def _unverified(profile: OfficeProfile) -> Iterator[tuple[str, str]]:
    def walk(value: object, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            for mark in UNVERIFIED_MARKS:
                if mark in value:
                    yield path, mark
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, f"{path}[{i}]")

    yield from walk(profile, "")
