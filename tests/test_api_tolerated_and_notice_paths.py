"""容缺受理 with a posted supplement, and 一次性告知 with a second visit, over the API."""

from tests.api_fixtures import act, act_ok, allowed, as_role, open_case, tokens, triggers  # noqa: F401
from tests.support import FREIGHT_GAP, VEHICLES_BOUGHT


def _to_issuing(client, as_role, case):
    case = act_ok(client, as_role["reviewer"], case, "advance")
    return act_ok(client, as_role["approver"], case, "decide_approve")


def test_tolerated_gap_blocks_issuing_until_the_posted_supplement_arrives(client, app, as_role):
    clerk = as_role["clerk"]
    case = open_case(client, clerk, app.state.office, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    assert case["verdict"]["outcome"] == "tolerate"
    assert [p["material"] for p in case["verdict"]["problems"]] == [FREIGHT_GAP]
    assert case["verdict"]["gaps"] == [{"name": "车辆技术等级评定结论复印件", "due": "2026-11-30", "provisional": False,
                                        "channels": "邮寄、网上提交、窗口现场"}]
    assert "accept" not in allowed(case) and "accept_tolerated" in allowed(case)

    unsigned = act(client, clerk, case, "accept_tolerated")
    assert unsigned.status_code == 409 and unsigned.json()["code"] == "pledge-not-signed"

    case = act_ok(client, clerk, case, "accept_tolerated", pledge_signed=True)
    row = next(m for m in case["materials"] if m["id"] == FREIGHT_GAP)
    assert (row["status"], row["gap_due"]) == ("tolerated", "2026-11-30")  # 3 working days after Wed 25 Nov
    case = _to_issuing(client, as_role, case)

    clerk_view = client.get(f"/api/cases/{case['id']}", headers=clerk).json()
    assert triggers(clerk_view)["issue"] == "尚有 1 项容缺材料未补齐，不能出证"
    blocked = act(client, clerk, clerk_view, "issue")
    assert blocked.status_code == 409 and blocked.json()["code"] == "tolerated-gap-open"

    case = act_ok(client, clerk, clerk_view, "supplement_post", material=FREIGHT_GAP, note="EMS 寄达")
    assert next(m for m in case["materials"] if m["id"] == FREIGHT_GAP)["status"] == "supplied"
    case = act_ok(client, clerk, case, "issue")
    case = act_ok(client, clerk, case, "deliver_mail", tracking_no="EA000000001CN")
    assert case["state"] == "closed"
    assert case["visits"] == 1  # the post is no visit
    assert case["events"][-3]["channel"] == "post" and not case["events"][-3]["visit"]


def test_one_time_notice_lists_every_gap_and_the_correction_is_a_second_visit(client, app, as_role):
    clerk = as_role["clerk"]
    case = open_case(client, clerk, app.state.office, missing=("application_form", "safety_rules"))
    assert case["verdict"]["outcome"] == "notify"
    assert allowed(case) >= {"notify", "refuse", "withdraw"} and "accept_tolerated" not in allowed(case)

    assert [p["kind"] for p in case["papers"]] == ["receipt"]
    case = act_ok(client, clerk, case, "notify", notes={"application_form": "申请表未加盖公章"})
    assert case["state"] == "awaiting_correction"
    notice = next(p for p in case["papers"] if p["kind"] == "notice")
    assert notice == {"kind": "notice", "label": "一次性告知书", "href": f"/papers/{case['id']}/notice.pdf"}
    assert client.get(notice["href"], headers=clerk).headers["content-type"] == "application/pdf"
    items = case["events"][-1]["payload"]["items"]
    assert items == [{"material": "application_form", "problem": "申请表未加盖公章"},
                     {"material": "safety_rules", "problem": "未提交"}]

    case = act_ok(client, clerk, case, "resubmit_window",
                  materials={"application_form": {"status": "ok"}, "safety_rules": {"status": "ok"}})
    assert case["state"] == "received"
    assert case["verdict"]["outcome"] == "accept"
    assert case["visits"] == 2
    assert [(e["visit_purpose"], e["visit_cause"]) for e in case["events"] if e["visit"]] == [
        ("递交", "applicant"), ("补正", "applicant")]
    case = act_ok(client, clerk, case, "accept")
    assert case["state"] == "step_review"


def test_defective_material_needs_a_written_problem(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office, missing=("application_form",))
    response = act(client, as_role["clerk"], case, "record_materials",
                   materials={"application_form": {"status": "defective", "note": " "}})
    assert response.status_code == 422
    assert response.json()["field"] == "materials.application_form"
