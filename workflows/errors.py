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


# ---- intake: who applies, how it came in, how the result goes back (workflows/submission.py) ----

class ControlCharacter(BadInput):
    code = "control-character"
    message = "输入含有无法保存的控制字符"


class ApplicantKindInvalid(BadInput):
    code = "applicant-kind-invalid"
    message = "请选择申请人类型：个人或单位"


class ApplicantNameMissing(BadInput):
    code = "applicant-name-missing"
    message = "请填写申请人名称"


class ApplicantIdInvalid(BadInput):
    code = "applicant-id-invalid"
    message = "居民身份证号码或统一社会信用代码格式或校验位不正确"


class ApplicantPhoneInvalid(BadInput):
    code = "applicant-phone-invalid"
    message = "联系电话格式不正确（手机 11 位，或带区号的固定电话）"


class AgentIdInvalid(BadInput):
    code = "agent-id-invalid"
    message = "代理人身份证号码格式或校验位不正确"


class AgentNameMissing(BadInput):
    code = "agent-name-missing"
    message = "填写了代理人证件号，请同时填写代理人姓名"


class PickupNeedsWindow(BadInput):
    code = "pickup-needs-window"
    message = "只有窗口现场申请才能当场领取"


class DeliveryAddressMissing(BadInput):
    code = "delivery-address-missing"
    message = "选择邮寄送达须填写收件地址"


# ---- 好差评 (workflows/feedback.py) -------------------------------------------------

class CaseNotClosed(Conflict):
    code = "case-not-closed"
    message = "办件办结后才能评价"


class AlreadyEvaluated(Conflict):
    code = "already-evaluated"
    message = "该办件已评价过"


# ---- staff accounts and sign-in (workflows/accounts.py, windows/auth.py) ---------------

class UserExists(Conflict):
    code = "user-exists"
    message = "该用户已存在"


class LoginFailed(BadInput):
    code = "login-failed"
    message = "用户名或密码错误"


class LoginLocked(Forbidden):
    code = "login-locked"
    message = "登录失败次数过多，账号已临时锁定，请稍后再试"


class DemoPassword(Forbidden):
    code = "demo-password"
    message = "生产环境不能使用演示密码登录，请管理员重设密码"


class CsrfFailed(Forbidden):
    code = "csrf-failed"
    message = "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试"


class LoginRequired(DomainError):
    code = "login-required"
    message = "请先登录"


class TooManyAttempts(DomainError):
    code = "too-many-attempts"
    message = "失败次数过多，请 15 分钟后再试"


# ---- papers (guides/papers.py) -----------------------------------------------------

class PaperUnknown(NotFound):
    code = "paper-unknown"
    message = "没有这种文书"


class PaperNotCalledFor(Conflict):
    code = "paper-not-called-for"
    message = "该办件的办理记录中没有需要出具此文书的环节"


# ---- the auditor's figures and exports (audit/) ----------------------------------------

class DateOutOfRange(BadInput):
    code = "date-out-of-range"
    message = "日期超出统计数据覆盖的范围"


class UnmaskForbidden(Forbidden):
    code = "unmask-forbidden"
    message = "只有系统管理员可以导出完整证件号码"


# ---- what the HTTP layer refuses before any service runs (windows/errors.py) -------------

class MalformedBody(DomainError):
    code = "malformed-body"
    message = "请求体不是合法的 JSON，或嵌套过深，无法读取"


class MethodNotAllowed(DomainError):
    code = "method-not-allowed"
    message = "此地址不接受这种请求方法"


class NoSuchPath(NotFound):
    code = "no-such-path"
    message = "没有这个地址"


class RequestRefused(DomainError):
    """Any other refusal of the HTTP layer; the response keeps that refusal's status."""
    code = "request-refused"
    message = "请求无法处理"


class DefinitionError(Exception):
    """A matter definition (or the office profile) breaks a rule; raised at load, stops start-up."""

    def __init__(self, file: str, problems: list[tuple[str, str]], *, what: str = "事项定义文件"):
        self.file = file
        self.problems = problems
        lines = [f"{file}: {path}: {rule}" for path, rule in problems]
        super().__init__(f"{what}有误:\n" + "\n".join(lines))
