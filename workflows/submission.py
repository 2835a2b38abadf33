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
    sms_opt_out: bool = False  # asked for no text messages about the case


def applicant_problems(applicant: Applicant) -> list[errors.BadInput]:
    """Every problem with who applies and who comes for them, at most one per field."""
    found: list[errors.BadInput] = []
    texts = {"applicant_name": applicant.name, "applicant_id_no": applicant.id_no, "applicant_phone": applicant.phone,
             "agent_name": applicant.agent_name, "agent_id_no": applicant.agent_id_no}
    for field, value in texts.items():
        if "\x00" in (value or ""):  # no text column stores NUL (PostgreSQL refuses it)
            found.append(errors.ControlCharacter(field=field))
    if found:
        return found
    id_no, agent_id = applicant.id_no.strip().upper(), (applicant.agent_id_no or "").strip().upper()
    if applicant.kind not in KINDS:
        found.append(errors.ApplicantKindInvalid(field="applicant_kind"))
    if not applicant.name.strip():
        found.append(errors.ApplicantNameMissing(field="applicant_name"))
    if applicant.kind == "person" and not identity.valid_person_id(id_no):
        found.append(errors.ApplicantIdInvalid("居民身份证号码格式或校验位不正确", field="applicant_id_no"))
    if applicant.kind == "company" and not identity.valid_credit_code(id_no):
        found.append(errors.ApplicantIdInvalid("统一社会信用代码格式或校验位不正确", field="applicant_id_no"))
    if not identity.valid_phone(applicant.phone.strip()):
        found.append(errors.ApplicantPhoneInvalid(field="applicant_phone"))
    if agent_id and not identity.valid_person_id(agent_id):
        found.append(errors.AgentIdInvalid(field="agent_id_no"))
    if agent_id and not (applicant.agent_name or "").strip():
        found.append(errors.AgentNameMissing(field="agent_name"))
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
        found.append(errors.PickupNeedsWindow(field="delivery_method"))
    if delivery_method == Delivery.MAIL.value and not (delivery_address or "").strip():
        found.append(errors.DeliveryAddressMissing(field="delivery_address"))
    return found


def submission_problems(definition: MatterDefinition, applicant: Applicant, *, channel: str, delivery_method: str,
                        delivery_address: str | None) -> list[errors.BadInput]:
    return [*applicant_problems(applicant),
            *routing_problems(definition, channel=channel, delivery_method=delivery_method,
                              delivery_address=delivery_address)]
