"""What a submission must hold before a case is opened: who applies, who comes for them, how it came in
and how the result goes back.

The counter's form and the API ask the same question here, so a wrong agent ID number or an
on-the-spot pickup for a posted application is refused the same way, with the same code, whichever
way it came in. `cases.open_case` raises the first problem; the counter's form shows them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows import errors, identity
from workflows.definition import Channel, Delivery, MatterDefinition

KINDS = ("person", "company")


@dataclass(frozen=True)
class Applicant:
    kind: str  # person | company
    name: str
    id_no: str  # 居民身份证号码 or 统一社会信用代码
    phone: str
    agent_name: str | None = None
    agent_id_no: str | None = None


def _problem(field: str, code: str, message: str) -> errors.BadInput:
    return errors.BadInput(message, field=field, code=code)


def applicant_problems(applicant: Applicant) -> list[errors.BadInput]:
    """Every problem with who applies and who comes for them, at most one per field."""
    found: list[errors.BadInput] = []
    texts = {"applicant_name": applicant.name, "applicant_id_no": applicant.id_no, "applicant_phone": applicant.phone,
             "agent_name": applicant.agent_name, "agent_id_no": applicant.agent_id_no}
    for field, value in texts.items():
        if "\x00" in (value or ""):  # no text column stores NUL (PostgreSQL refuses it)
            found.append(_problem(field, "control-character", "输入含有无法保存的控制字符"))
    if found:
        return found
    id_no, agent_id = applicant.id_no.strip().upper(), (applicant.agent_id_no or "").strip().upper()
    if applicant.kind not in KINDS:
        found.append(_problem("applicant_kind", "applicant-kind-invalid", "请选择申请人类型：个人或单位"))
    if not applicant.name.strip():
        found.append(_problem("applicant_name", "applicant-name-missing", "请填写申请人名称"))
    if applicant.kind == "person" and not identity.valid_person_id(id_no):
        found.append(_problem("applicant_id_no", "applicant-id-invalid", "居民身份证号码格式或校验位不正确"))
    if applicant.kind == "company" and not identity.valid_credit_code(id_no):
        found.append(_problem("applicant_id_no", "applicant-id-invalid", "统一社会信用代码格式或校验位不正确"))
    if not identity.valid_phone(applicant.phone.strip()):
        found.append(_problem("applicant_phone", "applicant-phone-invalid",
                              "联系电话格式不正确（手机 11 位，或带区号的固定电话）"))
    if agent_id and not identity.valid_person_id(agent_id):
        found.append(_problem("agent_id_no", "agent-id-invalid", "代理人身份证号码格式或校验位不正确"))
    if agent_id and not (applicant.agent_name or "").strip():
        found.append(_problem("agent_name", "agent-name-missing", "填写了代理人证件号，请同时填写代理人姓名"))
    return found


def routing_problems(definition: MatterDefinition, *, channel: str, delivery_method: str,
                     delivery_address: str | None) -> list[errors.BadInput]:
    """Every problem with how the application came in and how its result goes back."""
    found: list[errors.BadInput] = []
    if channel not in {c.value for c in definition.application_channels}:
        found.append(errors.ChannelNotAllowed("该事项不接受此申请方式", field="channel"))
    if delivery_method not in {m.value for m in definition.delivery_methods}:
        found.append(errors.ChannelNotAllowed("该事项不提供此送达方式", field="delivery_method"))
    elif delivery_method == Delivery.ON_THE_SPOT.value and channel != Channel.WINDOW.value:
        # 当场领取 means the applicant is at the counter: a posted or online application is not.
        found.append(_problem("delivery_method", "pickup-needs-window", "只有窗口现场申请才能当场领取"))
    if delivery_method == Delivery.MAIL.value and not (delivery_address or "").strip():
        found.append(_problem("delivery_address", "delivery-address-missing", "选择邮寄送达须填写收件地址"))
    return found


def submission_problems(definition: MatterDefinition, applicant: Applicant, *, channel: str, delivery_method: str,
                        delivery_address: str | None) -> list[errors.BadInput]:
    return [*applicant_problems(applicant),
            *routing_problems(definition, channel=channel, delivery_method=delivery_method,
                              delivery_address=delivery_address)]
