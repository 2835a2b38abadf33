"""Counter papers carry what the engine recorded: the notice lists exactly the notify event's
items, the 容缺 notice exactly the tolerated gaps, decisions their reasons and remedies."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from guides.papers import PaperKind, PaperNotCalledFor, PaperUnknown, papers_for, render_paper
from guides.pdfcheck import A4_MM, embedded_fonts, flat, flat_text, page_sizes_mm, weasyprint_warnings
from guides.templating import GUIDES_TEMPLATES, build_environment
from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, actor_for, open_complete, run_to_close
from workflows import cases
from workflows.cases import MaterialCheck
from workflows.identity import mask_id
from workflows.queries import events_of

FREIGHT = "road-freight-licence"


@dataclass(frozen=True)
class PaperSettings:
    office_name: str = "嘉兴市交通运输局"
    public_base_url: str = "https://ban.example.gov.cn"


@pytest.fixture(scope="module")
def templates():
    return build_environment([GUIDES_TEMPLATES])


def paper(session, office, case, kind, templates) -> bytes:
    with weasyprint_warnings() as warnings:
        pdf = render_paper(session=session, office=office, case=case, kind=kind, templates=templates,
                           settings=PaperSettings())
    assert not warnings, warnings
    return pdf


def test_one_time_notice_lists_exactly_the_items_the_engine_reported(session, office, templates):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents", "safety_rules"))
    cases.record_materials(session=session, office=office, case=case, clerk=STAFF.clerk,
                           materials={"application_form": MaterialCheck("defective", "申请表未加盖公章")})
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    items = events_of(session, case.id)[-1].payload["items"]
    d = office.matter_of(case).definition

    text = flat_text(paper(session, office, case, PaperKind.NOTICE, templates))

    assert "一次性告知书" in text and f"共{len(items)}项" in text
    for item in items:
        assert flat(d.material(item["material"]).name) in text and flat(item["problem"]) in text
    listed = {i["material"] for i in items}
    for material in d.materials:
        if material.id not in listed:
            assert flat(material.name) not in text, f"{material.name} was not in the notice event"
    assert "窗口现场、网上提交" in text  # the channels for handing the corrections in
    assert case.receipt_no in text and "嘉兴市交通运输局" in text and "专用章" in text
    assert "2026年11月25日" in text


def test_tolerance_notice_names_each_gap_with_due_date_and_channels_and_a_pledge(session, office, templates):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    gaps = events_of(session, case.id)[-1].payload["gaps"]
    d = office.matter_of(case).definition

    pdf = paper(session, office, case, PaperKind.TOLERANCE, templates)
    text = flat_text(pdf)

    assert PaperKind.TOLERANCE in papers_for(case)
    assert "容缺受理通知书" in text and "容缺受理承诺书" in text and "承诺人（签字或盖章）" in text
    for material_id, due in gaps.items():
        y, m, day = (int(x) for x in due.split("-"))
        assert flat(d.material(material_id).name) in text and f"{y}年{m}月{day}日前" in text
    assert "邮寄、网上提交、窗口现场" in text
    assert len(page_sizes_mm(pdf)) == 2  # the 承诺书 on its own page


def test_refusal_gives_the_reason_and_both_remedies(session, office, templates):
    case = open_complete(session, office, "port-operation-licence")
    cases.refuse_case(session=session, office=office, case=case, clerk=STAFF.clerk,
                      reason="申请经营的港口岸线未取得使用批准文件")
    assert papers_for(case) == [PaperKind.RECEIPT, PaperKind.REFUSAL, PaperKind.SERVICE_RECORD]
    text = flat_text(paper(session, office, case, PaperKind.REFUSAL, templates))
    assert "不予受理决定书" in text and "申请经营的港口岸线未取得使用批准文件" in text
    assert "六十日内依法申请行政复议" in text and "六个月内依法向人民法院提起行政诉讼" in text


def test_closed_case_has_receipt_decision_and_service_record_with_tracking_number(session, office, templates):
    case = open_complete(session, office, "oversize-transport-permit")
    run_to_close(session, office, case, tracking_no="EA765432109CN")
    assert papers_for(case) == [PaperKind.RECEIPT, PaperKind.DECISION, PaperKind.SERVICE_RECORD]
    receipt = flat_text(paper(session, office, case, PaperKind.RECEIPT, templates))
    assert "受理通知书" in receipt and "2026年12月2日前办结" in receipt  # 5 working days from Wed 25 Nov
    decision = flat_text(paper(session, office, case, PaperKind.DECISION, templates))
    assert "准予许可决定书" in decision and "《超限运输车辆通行证》" in decision
    record = paper(session, office, case, PaperKind.SERVICE_RECORD, templates)
    assert "EA765432109CN" in flat_text(record) and "送达回证" in flat_text(record)
    assert all(abs(w - A4_MM[0]) < 0.5 and abs(h - A4_MM[1]) < 0.5 for w, h in page_sizes_mm(record))
    assert all(f.embedded and f.subset and "CJK-SC-GB2312" in f.name for f in embedded_fonts(record))


def test_denied_decision_states_reason_and_remedies(session, office, templates):
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    while case.state.startswith("step_"):
        role = office.matter_of(case).compiled.states[case.state].role
        cases.advance_step(session=session, office=office, case=case, actor=actor_for(role))
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=False,
                 reason="拟投入车辆技术等级未达到二级以上")
    text = flat_text(paper(session, office, case, PaperKind.DECISION, templates))
    assert "不予许可决定书" in text and "拟投入车辆技术等级未达到二级以上" in text and "行政复议" in text


def test_new_case_has_only_the_receipt_and_other_papers_are_refused(session, office, templates):
    case = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    assert papers_for(case) == [PaperKind.RECEIPT]
    text = flat_text(paper(session, office, case, PaperKind.RECEIPT, templates))
    assert "收件凭证" in text and "不作为受理凭证" in text
    with pytest.raises(PaperNotCalledFor):
        paper(session, office, case, PaperKind.DECISION, templates)
    with pytest.raises(PaperUnknown):
        paper(session, office, case, "licence", templates)


def test_names_are_escaped_and_id_numbers_shown_in_full_only_to_the_applicant(session, office, templates):
    from tests.support import person

    applicant = person(name="<script>alert(1)</script>张三")
    case = open_complete(session, office, FREIGHT, applicant=applicant)
    run_to_close(session, office, case)
    receipt = flat_text(paper(session, office, case, PaperKind.RECEIPT, templates))
    assert flat("<script>alert(1)</script>张三") in receipt  # printed as text, not parsed as markup
    assert applicant.id_no in receipt  # handed to the applicant themself
    record = flat_text(paper(session, office, case, PaperKind.SERVICE_RECORD, templates))
    assert applicant.id_no not in record and mask_id(applicant.id_no) in record  # stays in the office's file
    assert "13800001234" not in receipt  # phone numbers are always masked
