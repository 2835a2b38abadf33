"""One hierarchy of domain errors, each with a stable code and a Chinese message.

The code is the contract with API clients and tests; the message is what a clerk
reads. `windows/` maps the category classes (BadInput, Forbidden, NotFound,
Conflict, Unavailable) to HTTP status codes in exactly one place.
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


class Unavailable(DomainError):
    """The database could not do its part: nothing was changed, and the same request may be tried again.

    `workflows.db_faults` is the one place that tells which database failure is which.
    """
    code = "database-unavailable"
    message = "数据库暂时无法访问，本次操作未完成，请稍后重试"
    retry_after_s = 10


# ---- database faults (all Unavailable) ---------------------------------------

class DatabaseBusy(Unavailable):
    code = "database-busy"
    message = "数据库繁忙，未能在规定时间内完成，本次操作未完成，请稍后重试"


class TransactionLost(Unavailable):
    code = "transaction-lost"
    message = "办理中与数据库的连接中断，本次操作未保存，可以按原样重新办理"
    retry_after_s = 2


class CommitOutcomeUnknown(Unavailable):
    code = "commit-outcome-unknown"
    message = "提交时与数据库的连接中断，无法确定本次操作是否已保存；请刷新查看办件当前状态后再决定是否重新办理"
    retry_after_s = 2


class DatabaseFull(Unavailable):
    code = "database-full"
    message = "数据库存储空间已满，本次操作未保存；请通知系统管理员清理磁盘后重试"
    retry_after_s = 300


class DatabaseReadOnly(Unavailable):
    code = "database-read-only"
    message = "数据库当前只读，本次操作未保存；请通知系统管理员"
    retry_after_s = 300


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


class UnknownAction(BadInput):
    code = "unknown-action"
    message = "没有该操作"


class ReasonRequired(BadInput):
    code = "reason-required"
    message = "请填写理由"


class OtherWindow(Forbidden):
    code = "other-window"
    message = "该办件属于其他窗口，须由该窗口或综合窗口办理，或经转办后办理"


class TransferTarget(BadInput):
    code = "transfer-target"
    message = "请选择办理本事项的其他窗口"


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
