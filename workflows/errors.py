"""One hierarchy of domain errors, each with a stable code and a Chinese message.

The code is the contract with API clients and tests; the message is what a clerk
reads. Each code is one class, defined here whichever layer raises it; an instance
may say the rule more precisely in its message, never with another code.
`windows/errors.py` maps the category classes (BadInput, Forbidden, NotFound,
Conflict, Unavailable) to HTTP status codes in exactly one place, and lists every
code a request can meet in the OpenAPI document, from `every_error()`. The
LoadError branch is what loading a definition or the office profile finds; it
stops start-up and is never an answer to a request.
"""

from __future__ import annotations


class DomainError(Exception):
    code: str = "domain-error"
    message: str = "操作无法完成"

    # The code is the class's: a new code is a new class (tests/test_every_error_is_a_documented_class.py).
    def __init__(self, message: str | None = None, *, field: str | None = None):
        self.message = message or type(self).message
        self.field = field
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
    message = "已评价过，每次到窗口办事和每个办件各只能评价一次"


class BadBadRating(BadInput):
    code = "bad-rating-reason"
    message = "差评（不满意、非常不满意）请选择问题类别或写明具体意见"


class LevelOrScore(BadInput):
    code = "level-or-score"
    message = "请给出评价等级 level，或已弃用的 1—5 分 score，二者只能给出其一"


class VisitNotFound(NotFound):
    code = "visit-not-found"
    message = "该办件没有这次到窗口办事的记录"


class RatingNotFound(NotFound):
    code = "rating-not-found"
    message = "未找到该评价"


class KioskLinkInvalid(Forbidden):
    code = "kiosk-link-invalid"
    message = "评价页面已失效，请窗口工作人员重新打开"


class KioskLinkExpired(Forbidden):
    code = "kiosk-link-expired"
    message = "评价页面已超过有效时间，请窗口工作人员重新打开"


class KioskLinkUsed(Conflict):
    code = "kiosk-link-used"
    message = "这次办事已经评价过，谢谢您"


# ---- 差评 tasks and appeals (workflows/rating_tasks.py, workflows/rating_appeals.py) ----

class TaskNotFound(NotFound):
    code = "rating-task-not-found"
    message = "未找到该差评整改任务"


class NotTaskOwner(Forbidden):
    code = "not-task-owner"
    message = "差评整改任务只能由窗口负责人或系统管理员办理"


class TaskStepOutOfOrder(Conflict):
    code = "task-step-out-of-order"
    message = "差评整改任务不在可办理这一步的状态"


class TaskChanged(Conflict):
    code = "task-changed"
    message = "该任务已被他人更新，请刷新后查看当前状态再办理"


class NotWindowHead(Forbidden):
    code = "not-window-head"
    message = "只有被评价窗口的负责人可以申诉"


class AppealExists(Conflict):
    code = "appeal-exists"
    message = "该评价已提出过申诉，每条评价只能申诉一次"


class AppealNotFound(NotFound):
    code = "appeal-not-found"
    message = "未找到该申诉"


class AppealDecided(Conflict):
    code = "appeal-decided"
    message = "该申诉已有审核结论"


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


# ---- the licence register (inspections/register.py) ------------------------------------------

class LicenceNotFound(NotFound):
    code = "licence-not-found"
    message = "没有这份证照"


class LicenceStatusConflict(Conflict):
    code = "licence-status-conflict"
    message = "该证照现在的状态不能办理这一操作"


class LicenceActionUnknown(BadInput):
    code = "licence-action-unknown"
    message = "证照只能注销或吊销"


# ---- 双随机、一公开 (inspections/draws.py, roster.py, results.py) ------------------------------------

class InspectorNotFound(NotFound):
    code = "inspector-not-found"
    message = "执法检查人员名录库中没有这个人"


class InspectorInvalid(BadInput):
    code = "inspector-invalid"
    message = "执法检查人员须是在用的工作人员账号，并有执法证号和科室"


class InspectorExists(Conflict):
    code = "inspector-exists"
    message = "该工作人员或执法证号已在执法检查人员名录库中"


class InspectionItemNotFound(NotFound):
    code = "inspection-item-not-found"
    message = "抽查事项清单中没有这个事项"


class DrawPeriodInvalid(BadInput):
    code = "draw-period-invalid"
    message = "抽查周期的写法与该事项的抽查频次不符（每年一次写 2026，每半年一次写 2026-H2，每季度一次写 2026-Q4）"


class DrawReasonRequired(BadInput):
    code = "draw-reason-required"
    message = "该事项本周期已有抽查任务，再次抽取须写明理由"


class DrawBeaconInvalid(BadInput):
    code = "draw-beacon-invalid"
    message = "随机数来源须写明公开来源和日期，日期须在公告日之后"


class DrawNotFound(NotFound):
    code = "draw-not-found"
    message = "没有这个抽查任务"


class DrawConflict(Conflict):
    code = "draw-conflict"
    message = "该抽查任务刚被他人操作，请刷新后查看"


class DrawBeaconNotYet(Conflict):
    code = "draw-beacon-not-yet"
    message = "公告的随机数来源日期未到，还不能抽取"


class DrawImpossible(Conflict):
    code = "draw-impossible"
    message = "检查对象或执法检查人员不足，无法抽取"


class InspectionResultInvalid(BadInput):
    code = "inspection-result-invalid"
    message = "检查结果填写有误"


class InspectionNotAssigned(Forbidden):
    code = "inspection-not-assigned"
    message = "您不在这个检查对象的检查组中"


class InspectionResultExists(Conflict):
    code = "inspection-result-exists"
    message = "这个检查对象的检查结果已经登记"


# ---- the auditor's figures and exports (audit/) ----------------------------------------

class DateOutOfRange(BadInput):
    code = "date-out-of-range"
    message = "日期超出统计数据覆盖的范围"


class PeriodNotStarted(BadInput):
    code = "period-not-started"
    message = "所选统计期间尚未开始，没有可统计的数据"


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


# ---- found while loading a file at start-up, never an answer to a request ----------------------

class LoadError(DomainError):
    """A matter definition, the office profile or the catalogue breaks a rule: found at load, it stops
    start-up. No request meets one, so these codes are not among the API's."""
    code = "load-error"
    message = "配置文件有误"


class BrokenRule(LoadError):
    """One rule a file breaks, at one field; `DefinitionError` names the file and lists them all.

    The message says the rule with the file's own names when the loader knows them (which role,
    which material); the class's message says it in general.
    """
    code = "rule-broken"
    message = "违反定义规则"


class NotYaml(BrokenRule):
    code = "yaml-invalid"
    message = "不是有效的 YAML"


class NotAMapping(BrokenRule):
    code = "root-not-mapping"
    message = "文件内容必须是一个映射（字段: 值）"


class FileUnreadable(BrokenRule):
    code = "file-unreadable"
    message = "无法读取文件"


class FieldRetired(BrokenRule):
    code = "field-retired"
    message = "该字段已停用"


class FieldInvalid(BrokenRule):
    code = "field-invalid"
    message = "字段缺失、未知或取值不符合要求"


class CodeNotFileName(BrokenRule):
    code = "code-not-file-name"
    message = "事项编码必须与文件名一致"


class CatalogueEmpty(BrokenRule):
    code = "catalogue-empty"
    message = "没有找到任何事项定义文件 *.yaml"


class PromisedExceedsLegal(BrokenRule):
    code = "promised-exceeds-legal"
    message = "承诺办结时限不得超过法定办结时限"


class PromisedTooShort(BrokenRule):
    code = "promised-too-short"
    message = "承诺件的承诺办结时限至少为 1 个工作日"


class RoleUnknown(BrokenRule):
    code = "role-unknown"
    message = "岗位不存在"


class RoleNotDeclared(BrokenRule):
    code = "role-not-declared"
    message = "岗位未在 roles 中声明"


class DuplicateId(BrokenRule):
    code = "duplicate-id"
    message = "编号重复"


class ConditionMismatch(BrokenRule):
    code = "condition-mismatch"
    message = "情形必要的材料必须写明条件，其他材料不得带条件"


class ConditionEmpty(BrokenRule):
    code = "condition-empty"
    message = "条件至少包含一项比较"


class CaseFieldUnknown(BrokenRule):
    code = "case-field-unknown"
    message = "引用的办件字段未在 case_fields 中声明"


class ToleranceExceedsPromised(BrokenRule):
    code = "tolerance-exceeds-promised"
    message = "容缺材料的补齐期限不得超过承诺办结时限"


class NoCopies(BrokenRule):
    code = "no-copies"
    message = "原件和复印件份数不能都为 0"


class MaterialUnknown(BrokenRule):
    code = "material-unknown"
    message = "引用的材料不在材料清单中"


class CoreMaterialTolerated(BrokenRule):
    code = "core-material-tolerated"
    message = "证明受理条件的材料是核心材料，不得容缺受理（容缺仅适用于次要或辅助材料）"


class StepUnknown(BrokenRule):
    code = "step-unknown"
    message = "特别程序所属环节不存在"


class ProcedureIdIsStepId(BrokenRule):
    code = "procedure-id-is-step-id"
    message = "特别程序编号不得与环节编号相同"


class AttendedProcedureKind(BrokenRule):
    code = "attended-procedure-kind"
    message = "申请人到场的特别程序须为现场勘验或考试，否则到场无法计入到现场次数"


class MandatoryProceduresClash(BrokenRule):
    code = "mandatory-procedures-clash"
    message = "同一环节最多设置一个必经特别程序"


class LicenceNumberInvalid(BrokenRule):
    code = "licence-number-invalid"
    message = "证照编号规则只能含一个 {seq}（可写作 {seq:05d}）和至多一个 {year}"


class LicenceTermMissing(BrokenRule):
    code = "licence-term-missing"
    message = "定了证照编号规则的事项必须写明机器可读的有效期 term"


class LicenceTermLength(BrokenRule):
    code = "licence-term-length"
    message = "有效期按年或按月计的须写 length，长期有效或以决定书载明为准的不得写 length"


class ImmediateWaits(BrokenRule):
    code = "immediate-waits"
    message = "即办件不得包含等待他人（外部门或申请人）的环节"


class ImmediateProcedure(BrokenRule):
    code = "immediate-procedure"
    message = "即办件不得设置特别程序"


class FeeItemsMissing(BrokenRule):
    code = "fee-items-missing"
    message = "收费事项必须列明收费项目、标准和依据，不得留空"


class FeeItemsUncharged(BrokenRule):
    code = "fee-items-uncharged"
    message = "不收费事项不得列收费项目"


class OnTheSpotNotImmediate(BrokenRule):
    code = "on-the-spot-not-immediate"
    message = "只有即办件可以当场送达"


class PostAddressMissing(BrokenRule):
    code = "post-address-missing"
    message = "事项目录中有可邮寄提交或补正的事项，须填写邮寄地址、收件人、邮编和电话"


class OnlineServiceMissing(BrokenRule):
    code = "online-service-missing"
    message = "事项目录中有可网上提交或补正的事项，须填写网上办理的网址和办理方法"


class ProfileMatterUnknown(BrokenRule):
    code = "profile-matter-unknown"
    message = "事项目录中没有该事项"


class MatterWithoutWindow(BrokenRule):
    code = "matter-without-window"
    message = "事项没有可办理的窗口（须有综合窗口或在某窗口的 matters 中列出）"


class UnverifiedText(BrokenRule):
    code = "unverified-text"
    message = "含有未核实的信息，不能印给申请人"


class DefinitionError(LoadError):
    """A matter definition (or the office profile) breaks rules; raised at load, stops start-up.

    Names the file, and for each problem the field and the rule (with its code).
    """
    code = "definition-invalid"
    message = "事项定义文件有误"

    def __init__(self, file: str, problems: list[tuple[str, BrokenRule]], *, what: str = "事项定义文件"):
        self.file = file
        self.problems = problems
        self.field = None
        lines = [f"{file}: {path}: {rule.message}（{rule.code}）" for path, rule in problems]
        self.message = f"{what}有误:\n" + "\n".join(lines)
        Exception.__init__(self, self.message)


class CatalogueError(LoadError):
    """Every bad file of a catalogue at once, each a DefinitionError naming its file."""
    code = "catalogue-invalid"
    message = "事项目录有误"

    def __init__(self, problems: list[DefinitionError]):
        self.errors = problems
        self.field = None
        self.message = "\n".join(str(e) for e in problems)
        Exception.__init__(self, self.message)


def every_error(root: type[DomainError] = DomainError) -> list[type[DomainError]]:
    """The class and its subclasses at any depth, each once."""
    found: list[type[DomainError]] = []
    todo = [root]
    while todo:
        cls = todo.pop(0)
        if cls not in found:
            found.append(cls)
            todo += cls.__subclasses__()
    return found
