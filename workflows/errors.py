"""One hierarchy of domain errors, each with a stable code and a Chinese message.

The code is the contract with API clients and tests; the message is what a clerk
reads. `windows/` maps the category classes (BadInput, Forbidden, NotFound,
Conflict) to HTTP status codes in exactly one place.
"""

from __future__ import annotations


class DomainError(Exception):
    code: str = "domain-error"
    message: str = "操作无法完成"

    def __init__(self, message: str | None = None, *, field: str | None = None, code: str | None = None):
        self.message = message or type(self).message
        self.field = field
        if code:
            self.code = code
        super().__init__(f"[{self.code}] {self.message}")

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


# ---- categories -----------------------------------------------------------

class BadInput(DomainError):
    code = "invalid-input"
    message = "输入有误"


class Forbidden(DomainError):
    code = "role-forbidden"
    message = "您的岗位无权执行此操作"


class NotFound(DomainError):
    code = "not-found"
    message = "未找到对应记录"


class Conflict(DomainError):
    code = "conflict"
    message = "操作与办件当前状态冲突"


# ---- concrete errors --------------------------------------------------------

class ConcurrentChange(Conflict):
    code = "case-changed"
    message = "该办件刚被其他人员处理过，请刷新后按最新状态重新操作"


class ActionNotAllowed(Conflict):
    code = "action-not-allowed"
    message = "办件当前状态下不能执行此操作"


class MaterialsIncomplete(Conflict):
    code = "materials-incomplete"
    message = "申请材料不齐全或不符合法定形式，不能直接受理"


class MaterialNotTolerable(Conflict):
    code = "material-not-tolerable"
    message = "缺少的材料不在可容缺清单内，不能容缺受理"


class NothingToTolerate(Conflict):
    code = "nothing-to-tolerate"
    message = "材料已齐全，应直接受理，无需容缺"


class PledgeNotSigned(Conflict):
    code = "pledge-not-signed"
    message = "申请人未签署容缺受理承诺书"


class NoticeEmpty(Conflict):
    code = "notice-empty"
    message = "材料齐全，无需出具一次性告知书"


class NoticeIncomplete(Conflict):
    code = "notice-incomplete"
    message = "一次性告知书必须一次列明全部缺失和不符合要求的材料"


class NoticeAddsItems(Conflict):
    code = "notice-adds-items"
    message = "同一申请已作一次性告知，再次告知不得增加新的补正事项"


class PreconditionNotMet(Conflict):
    code = "precondition-not-met"
    message = "不符合受理条件"


class ToleratedGapOpen(Conflict):
    code = "tolerated-gap-open"
    message = "容缺材料尚未补齐，不能出证"


class StepMaterialsMissing(Conflict):
    code = "step-materials-missing"
    message = "本环节所需材料尚未齐备"


class NoOpenGap(Conflict):
    code = "no-open-gap"
    message = "该材料没有待补齐的容缺事项"


class ChannelNotAllowed(BadInput):
    code = "channel-not-allowed"
    message = "该事项不接受此方式"


class ReasonRequired(BadInput):
    code = "reason-required"
    message = "请填写理由"


class UnknownMatter(NotFound):
    code = "unknown-matter"
    message = "事项目录中没有该事项"


class CaseNotFound(NotFound):
    code = "case-not-found"
    message = "未找到该办件"


class DefinitionError(Exception):
    """A matter definition (or the office profile) breaks a rule; raised at load, stops start-up."""

    def __init__(self, file: str, problems: list[tuple[str, str]], *, what: str = "事项定义文件"):
        self.file = file
        self.problems = problems
        lines = [f"{file}: {path}: {rule}" for path, rule in problems]
        super().__init__(f"{what}有误:\n" + "\n".join(lines))
