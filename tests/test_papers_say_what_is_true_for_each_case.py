"""Every counter paper states what is true for its case, read from the PDF's text.

Per outcome: a 收件凭证 for a case not accepted, a 受理通知书 that says 齐全 only
when the set was complete, a 容缺受理通知书 that names each gap with its due date
and every way to send it, a 一次性告知书 with one 补正期限 and the ways, a
终止办理告知书 for a default. Materials that do not apply are left off, times
are office times, each paper has a Chinese-style number and a one-page paper
fits one page.
"""

from __future__ import annotations

import datetime as dt

import pytest

from guides.papers import PaperKind, PaperNotCalledFor, PaperUnknown, paper_title, papers_for, render_paper
from guides.pdfcheck import A4_MM, embedded_fonts, flat, flat_text, page_sizes_mm, weasyprint_warnings
from guides.templating import GUIDES_TEMPLATES, build_environment
from tests.support import STAFF, actor_for, company, open_complete, person, run_to_close
from tests.test_guide_qr_codes_and_first_page_render import decoded, rasterise
from workflows import accounts, cases
from workflows.cases import MaterialCheck
from workflows.catalogue import load_catalogue
from workflows.identity import mask_id
from workflows.localtime import OfficeTime
from workflows.queries import events_of
from workflows.sweep import sweep_overdue_gaps

FREIGHT = "road-freight-licence"
BASE_URL = "https://ban.example.gov.cn"
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def templates():
    return build_environment([GUIDES_TEMPLATES], time=OfficeTime.named())


def paper(session, office, case, kind, templates) -> bytes:
    with weasyprint_warnings() as warnings:
        pdf = render_paper(session=session, office=office, case=case, kind=kind, templates=templates,
                           base_url=BASE_URL)
    assert not warnings, warnings
    return pdf


def text_of(session, office, case, kind, templates) -> str:
    return flat_text(paper(session, office, case, kind, templates))


def tolerable(code: str) -> str:
    """A material this matter may take in with a gap, one that applies to every case where there is one."""
    materials = [m for m in CATALOGUE.get(code).definition.materials if m.tolerance]
    return next((m.id for m in materials if m.condition is None), materials[0].id)


def applying(code: str, material_id: str) -> dict:
    """Case data under which the material applies (its condition's first comparison made true)."""
    condition = CATALOGUE.get(code).definition.material(material_id).condition
    if condition is None:
        return {}
    first = (condition.any_of or condition.all_of)[0]
    value = first.value
    if first.op not in ("eq", "ge", "le"):  # gt or lt: a number just past the bound
        assert isinstance(value, int | float), first
        value = value + 1 if first.op == "gt" else value - 1
    return {first.field: value} | {c.field: c.value for c in condition.all_of[1:] if c.op == "eq"}


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---- per outcome ----------------------------------------------------------------------

def test_a_case_not_accepted_gets_a_receipt_that_says_it_is_not_an_acceptance(session, office, templates):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    assert papers_for(case) == [PaperKind.RECEIPT]
    assert paper_title(case, PaperKind.RECEIPT, office.matter_of(case).definition) == "收件凭证"
    text = text_of(session, office, case, PaperKind.RECEIPT, templates)
    assert "收件凭证" in text and "不是受理凭证" in text and "五日内" in text
    assert "受理通知书" not in text and "予以受理" not in text
    with pytest.raises(PaperNotCalledFor):
        paper(session, office, case, PaperKind.ACCEPTANCE, templates)
    with pytest.raises(PaperUnknown):
        paper(session, office, case, "licence", templates)


def test_a_complete_case_gets_an_acceptance_that_says_complete_with_its_promised_date(session, office, templates):
    case = open_complete(session, office, "oversize-transport-permit")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert papers_for(case) == [PaperKind.RECEIPT, PaperKind.ACCEPTANCE]
    assert paper_title(case, PaperKind.ACCEPTANCE, office.matter_of(case).definition) == "受理通知书"
    text = text_of(session, office, case, PaperKind.ACCEPTANCE, templates)
    assert "受理通知书" in text and "申请材料齐全、符合法定形式，本机关决定予以受理" in text
    assert "2026年12月2日前办结" in text  # 5 working days after Wednesday 25 November
    assert "容缺" not in text


def test_a_tolerated_case_is_told_each_gap_its_due_date_and_every_way_to_send_it(session, office, templates):
    gap = tolerable(FREIGHT)
    case = open_complete(session, office, FREIGHT, missing=(gap,), data=applying(FREIGHT, gap))
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    due = dt.date.fromisoformat(events_of(session, case.id)[-1].payload["gaps"][gap])
    definition = office.matter_of(case).definition
    profile = office.profile

    assert paper_title(case, PaperKind.ACCEPTANCE, office.matter_of(case).definition) == "容缺受理通知书"
    pdf = paper(session, office, case, PaperKind.ACCEPTANCE, templates)
    text = flat_text(pdf)

    assert "容缺受理通知书" in text and "除下列容缺材料外" in text and "予以容缺受理" in text
    assert "申请材料齐全、符合法定形式，本机关决定予以受理" not in text  # never the plain wording
    assert flat(f"{definition.material(gap).name}{cn(due)}前") in text
    for way in definition.material(gap).tolerance.channels:
        assert {"post": "邮寄提交", "online": "网上提交", "window": "到窗口提交"}[way] in text
    assert flat(profile.post.address) in text and flat(profile.post.recipient) in text
    assert profile.post.postcode in text and flat(profile.post.phone) in text
    assert flat(profile.online.url) in text
    assert flat(profile.hall.hours) in text
    assert "容缺受理承诺书" in text and "承诺人（签字或盖章）" in text
    assert len(page_sizes_mm(pdf)) == 2  # the notice on one page, the 承诺书 on its own


def test_a_one_time_notice_lists_exactly_the_items_with_one_deadline_and_the_ways(session, office, templates):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents", "principal_id"))
    cases.record_materials(session=session, office=office, case=case, clerk=STAFF.clerk,
                           materials={"application_form": MaterialCheck("defective", "申请表未加盖公章")})
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    event = events_of(session, case.id)[-1]
    definition = office.matter_of(case).definition
    due = office.calendar.add_workdays(dt.date(2026, 11, 25), office.profile.correction_days).due
    assert event.payload["due"] == due.isoformat()

    text = text_of(session, office, case, PaperKind.NOTICE, templates)

    assert "一次性告知书" in text and f"共{len(event.payload['items'])}项" in text
    for item in event.payload["items"]:
        assert flat(definition.material(item["material"]).name) in text and flat(item["problem"]) in text
    listed = {i["material"] for i in event.payload["items"]}
    for material in definition.materials:
        if material.id not in listed:
            assert flat(material.name) not in text, f"{material.name} was not in the notice event"
    assert f"请于{cn(due)}前一次补正上述全部材料" in text
    assert "网上提交" in text and flat(office.profile.online.url) in text and "邮寄提交" not in text  # as offered
    assert "到窗口提交" in text and flat(office.profile.hall.address) in text
    for window in office.profile.windows_for(FREIGHT):
        assert flat(window.location) in text and flat(window.phone) in text


def test_a_refusal_gives_the_reason_and_both_remedies(session, office, templates):
    case = open_complete(session, office, "port-operation-licence")
    cases.refuse_case(session=session, office=office, case=case, clerk=STAFF.clerk,
                      reason="申请经营的港口岸线未取得使用批准文件")
    assert papers_for(case) == [PaperKind.RECEIPT, PaperKind.REFUSAL, PaperKind.SERVICE_RECORD]
    text = text_of(session, office, case, PaperKind.REFUSAL, templates)
    assert "不予受理决定书" in text and "申请经营的港口岸线未取得使用批准文件" in text
    assert "六十日内依法申请行政复议" in text and "六个月内依法向人民法院提起行政诉讼" in text


def test_a_default_is_ended_with_a_termination_notice_naming_the_gap_and_its_deadline(session, office, clock,
                                                                                    templates):
    gap = tolerable(FREIGHT)
    case = open_complete(session, office, FREIGHT, missing=(gap,), data=applying(FREIGHT, gap))
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    due = dt.date.fromisoformat(case.progress["gaps"][gap])
    clock.set_local(due + dt.timedelta(days=1), 0, 30)
    assert sweep_overdue_gaps(session=session, office=office).terminated == [case.receipt_no]
    session.refresh(case)

    assert papers_for(case)[-1] is PaperKind.TERMINATION
    text = text_of(session, office, case, PaperKind.TERMINATION, templates)
    name = office.matter_of(case).definition.material(gap).name
    assert "终止办理告知书" in text and flat(f"{name}{cn(due)}前") in text
    assert "决定终止办理本申请" in text and "重新提出申请" in text and "行政复议" in text
    assert "自收到本告知书之日起" in text and "本决定书" not in text  # the paper names itself
    assert "经办人" not in text  # the system's sweep is nobody to name


def test_a_closed_case_has_decision_and_service_record_with_tracking_number(session, office, templates):
    case = open_complete(session, office, "oversize-transport-permit")
    run_to_close(session, office, case, tracking_no="EA765432109CN")
    assert papers_for(case) == [PaperKind.RECEIPT, PaperKind.ACCEPTANCE, PaperKind.DECISION,
                                PaperKind.SERVICE_RECORD]
    decision = text_of(session, office, case, PaperKind.DECISION, templates)
    assert "准予许可决定书" in decision and "《超限运输车辆通行证》" in decision
    record = paper(session, office, case, PaperKind.SERVICE_RECORD, templates)
    assert "EA765432109CN" in flat_text(record) and "送达回证" in flat_text(record)
    assert all(abs(w - A4_MM[0]) < 0.5 and abs(h - A4_MM[1]) < 0.5 for w, h in page_sizes_mm(record))
    assert all(f.embedded and f.subset and "CJK-SC-GB2312" in f.name for f in embedded_fonts(record))


def test_a_filing_is_decided_as_a_filing_not_as_a_licence(session, office, templates):
    case = open_complete(session, office, "vehicle-repair-filing")
    run_to_close(session, office, case)
    definition = office.matter_of(case).definition
    assert paper_title(case, PaperKind.DECISION, definition) == "备案通知书"
    text = text_of(session, office, case, PaperKind.DECISION, templates)
    assert "备案通知书" in text and "本机关决定予以机动车维修经营备案" in text
    assert "许可" not in text
    assert "备案通知书" in text_of(session, office, case, PaperKind.SERVICE_RECORD, templates)


def test_a_filings_intake_papers_cite_its_own_rules_not_the_licensing_law(session, office, templates):
    """A 备案 is not taken in under 行政许可法 art. 32: no five-day deemed acceptance is promised."""
    filing = "vehicle-repair-filing"
    basis = next(b for b in office.matter_of(open_complete(session, office, filing)).definition.legal_bases
                 if b.kind == "实施依据")
    own = flat(basis.law + basis.article)
    noticed = open_complete(session, office, filing, missing=("management_rules",))
    cases.issue_correction_notice(session=session, office=office, case=noticed, clerk=STAFF.clerk)
    refused = open_complete(session, office, filing)
    cases.refuse_case(session=session, office=office, case=refused, clerk=STAFF.clerk,
                      reason="营业执照经营范围不含机动车维修")
    for case, kind in ((noticed, PaperKind.RECEIPT), (noticed, PaperKind.NOTICE), (refused, PaperKind.REFUSAL)):
        text = text_of(session, office, case, kind, templates)
        assert "行政许可法" not in text and "即为受理" not in text, kind
        assert own in text, kind


def test_a_licences_intake_papers_cite_article_32_of_the_licensing_law(session, office, templates):
    noticed = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    cases.issue_correction_notice(session=session, office=office, case=noticed, clerk=STAFF.clerk)
    refused = open_complete(session, office, FREIGHT)
    cases.refuse_case(session=session, office=office, case=refused, clerk=STAFF.clerk,
                      reason="申请事项不属于本机关职权范围")
    receipt = text_of(session, office, noticed, PaperKind.RECEIPT, templates)
    assert "逾期不告知的，自收到申请材料之日起即为受理（《中华人民共和国行政许可法》第三十二条）" in receipt
    assert "根据《中华人民共和国行政许可法》第三十二条第一款第（四）项" in text_of(
        session, office, noticed, PaperKind.NOTICE, templates)
    assert "依据：《中华人民共和国行政许可法》第三十二条第一款。" in text_of(
        session, office, refused, PaperKind.REFUSAL, templates)


def test_a_filings_flow_and_timeline_never_speak_of_a_licence():
    from guides.flow import FlowDiagrams

    version = CATALOGUE.get("vehicle-repair-filing")
    labels = [a.label for a in version.compiled.actions.values()]
    assert "作出予以备案决定" in labels and "作出不予备案决定" in labels
    assert not any("许可" in label for label in labels)
    assert "许可" not in FlowDiagrams().svg(version)


def test_a_denied_decision_states_reason_and_remedies(session, office, templates):
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    while case.state.startswith("step_"):
        role = office.matter_of(case).compiled.states[case.state].role
        cases.advance_step(session=session, office=office, case=case, actor=actor_for(role))
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=False,
                 reason="拟投入车辆技术等级未达到二级以上")
    assert paper_title(case, PaperKind.DECISION, office.matter_of(case).definition) == "不予许可决定书"
    text = text_of(session, office, case, PaperKind.DECISION, templates)
    assert "不予许可决定书" in text and "拟投入车辆技术等级未达到二级以上" in text and "行政复议" in text


# ---- only what applies ------------------------------------------------------------------

def test_materials_whose_condition_does_not_hold_are_left_off(session, office, templates):
    definition = office.catalogue.get(FREIGHT).definition
    in_person = open_complete(session, office, FREIGHT, data={"by_agent": False, "vehicles_ready": False})
    cases.accept_case(session=session, office=office, case=in_person, clerk=STAFF.clerk)
    text = text_of(session, office, in_person, PaperKind.ACCEPTANCE, templates)
    assert flat(definition.material("agent_id_and_mandate").name) not in text  # came in person
    assert flat(definition.material("vehicle_licence_copies").name) not in text  # no vehicle bought yet
    assert flat(definition.material("vehicle_commitment").name) in text  # which is why the 承诺书 is owed
    assert "未提交" not in text

    with_vehicles = open_complete(session, office, FREIGHT, data={"vehicles_ready": True})
    text = text_of(session, office, with_vehicles, PaperKind.RECEIPT, templates)
    assert flat(definition.material("vehicle_licence_copies").name) in text
    assert flat(definition.material("vehicle_commitment").name) not in text


# ---- time, address, numbers, layout ---------------------------------------------------------

@pytest.mark.parametrize(("hour", "minute", "printed"), [(7, 30, "2026年12月3日07:30"), (0, 5, "2026年12月3日00:05"),
                                                         (16, 2, "2026年12月3日16:02")])
def test_a_receipt_prints_the_office_time_of_the_submission(session, office, clock, templates, hour, minute, printed):
    clock.set_local(dt.date(2026, 12, 3), hour, minute)
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    text = text_of(session, office, case, PaperKind.RECEIPT, templates)
    assert f"于{printed}提交" in text
    assert "2026年12月2日" not in text  # 00:00–08:00 in 嘉兴 is the previous day in UTC, never on paper


def test_a_person_is_addressed_as_you_and_a_unit_as_your_unit(session, office, templates):
    person_case = open_complete(session, office, FREIGHT, applicant=person(), missing=("driver_documents",))
    unit_case = open_complete(session, office, FREIGHT, applicant=company(), missing=("driver_documents",))
    to_person = text_of(session, office, person_case, PaperKind.RECEIPT, templates)
    to_unit = text_of(session, office, unit_case, PaperKind.RECEIPT, templates)
    assert "张三：你于" in to_person and "你单位" not in to_person
    assert "你单位于" in to_unit
    assert "你（单位）" not in to_person + to_unit


def test_document_numbers_are_chinese_serials_per_series_kept_on_reprint(session, office, templates):
    first = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    second = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    for case in (first, second):
        cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    refused = open_complete(session, office, FREIGHT)
    cases.refuse_case(session=session, office=office, case=refused, clerk=STAFF.clerk, reason="不属于本机关许可权限")

    assert "嘉交补字〔2026〕第0001号" in text_of(session, office, first, PaperKind.NOTICE, templates)
    assert "嘉交补字〔2026〕第0002号" in text_of(session, office, second, PaperKind.NOTICE, templates)
    assert "嘉交收字〔2026〕第0003号" in text_of(session, office, refused, PaperKind.RECEIPT, templates)
    refusal = text_of(session, office, refused, PaperKind.REFUSAL, templates)
    assert "嘉交不受字〔2026〕第0001号" in refusal
    assert refusal == text_of(session, office, refused, PaperKind.REFUSAL, templates)  # a reprint is the same paper
    for kind in papers_for(refused):
        text = text_of(session, office, refused, kind, templates)
        assert "-receipt" not in text and "-refusal" not in text and "-notice" not in text


def test_staff_are_named_on_papers_by_their_names(session, office, templates, clock):
    accounts.add_user(session=session, username=STAFF.clerk.username, password="x" * 12, roles=["clerk"],
                      display_name="王晓燕", window="W01", now=clock())
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    text = text_of(session, office, case, PaperKind.RECEIPT, templates)
    assert "经办人：王晓燕" in text and STAFF.clerk.username not in text
    assert flat(office.profile.windows_for(FREIGHT)[-1].phone) in text  # W01's own line


@pytest.mark.parametrize("code", [v.code for v in CATALOGUE.matters()])
def test_one_page_papers_fit_on_one_page_and_print_no_placeholder_for_every_matter(session, office, templates, code):
    definition = CATALOGUE.get(code).definition
    notified = open_complete(session, office, code, missing=tuple(m.id for m in definition.materials
                                                                  if m.necessity.value == "required"))
    cases.issue_correction_notice(session=session, office=office, case=notified, clerk=STAFF.clerk)
    closed = open_complete(session, office, code)
    run_to_close(session, office, closed)
    pages = {(notified.receipt_no, k): paper(session, office, notified, k, templates) for k in papers_for(notified)}
    pages |= {(closed.receipt_no, k): paper(session, office, closed, k, templates) for k in papers_for(closed)}
    if any(m.tolerance for m in definition.materials):
        gap = tolerable(code)
        tolerated = open_complete(session, office, code, missing=(gap,), data=applying(code, gap))
        cases.accept_with_tolerance(session=session, office=office, case=tolerated, clerk=STAFF.clerk,
                                    pledge_signed=True)
        assert len(page_sizes_mm(paper(session, office, tolerated, PaperKind.ACCEPTANCE, templates))) == 2
    for (receipt_no, kind), pdf in pages.items():
        assert len(page_sizes_mm(pdf)) == 1, f"{code} {kind} ({receipt_no}) runs onto a second page"
        text = flat_text(pdf)
        # No maintainer's note, engine word or local address.
        for word in ("待核实", "示意", "状态机", "DOMAIN", "127.0.0.1"):
            assert word not in text, f"{code} {kind} prints {word}"


def test_names_are_escaped_and_id_numbers_shown_in_full_only_to_the_applicant(session, office, templates):
    applicant = person(name="<script>alert(1)</script>张三")
    case = open_complete(session, office, FREIGHT, applicant=applicant)
    run_to_close(session, office, case)
    acceptance = text_of(session, office, case, PaperKind.ACCEPTANCE, templates)
    assert flat("<script>alert(1)</script>张三") in acceptance  # printed as text, not parsed as markup
    assert applicant.id_no in acceptance  # handed to the applicant themself
    record = text_of(session, office, case, PaperKind.SERVICE_RECORD, templates)
    assert applicant.id_no not in record and mask_id(applicant.id_no) in record  # stays in the office's file
    assert "13800001234" not in acceptance  # phone numbers are always masked


def test_the_printed_lookup_and_its_qr_code_point_at_the_configured_address(session, office, templates, tmp_path):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    pdf = paper(session, office, case, PaperKind.RECEIPT, templates)
    lookup = f"{BASE_URL}/public/status?receipt_no={case.receipt_no}"
    assert flat(lookup) in flat_text(pdf) and "127.0.0.1" not in flat_text(pdf)
    assert decoded(rasterise(pdf, tmp_path, 1)) == {lookup}


def test_served_papers_point_at_the_address_the_service_is_configured_with(database_url, clock, tmp_path):
    import service
    from fastapi.testclient import TestClient

    from tests.page_helpers import add_staff, login_as
    from workflows.db import session as new_session

    settings = service.Settings(database_url=database_url, secret_key="s" * 40, guide_cache_dir=tmp_path / "g",
                                public_base_url="https://ycb.jiaxing.example")
    app = service.create_app(settings, clock=clock)
    try:
        with new_session(app.state.engine) as s:
            add_staff(s)
            case = open_complete(s, app.state.office, FREIGHT, missing=("driver_documents",))
        with TestClient(app) as client:
            login_as(client, "clerk")
            response = client.get(f"/papers/{case.id}/receipt.pdf")
        assert response.status_code == 200
        disposition = response.headers["content-disposition"]
        assert "收件凭证" in disposition or "%E6%94%B6" in disposition
        assert f"https://ycb.jiaxing.example/public/status?receipt_no={case.receipt_no}" in flat_text(response.content)
    finally:
        service.close_app(app)
