"""The demo's applicants form a stable roster: a company keeps one name and one
统一社会信用代码, a person one name and one ID number, each one phone, every
identifier valid; and applicants come back for other matters."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from tests.demo_support import TODAY, demo_history  # noqa: F401  (the fixture)
from workflows import identity


def _pairs(history, kind: str) -> tuple[dict, dict]:
    by_name, by_id = defaultdict(set), defaultdict(set)
    for case in history.cases:
        if case.applicant_kind == kind:
            by_name[case.applicant_name].add(case.applicant_id_no)
            by_id[case.applicant_id_no].add(case.applicant_name)
    return by_name, by_id


def test_each_company_has_one_credit_code_and_each_code_one_company(demo_history):
    by_name, by_code = _pairs(demo_history, "company")

    assert len(by_name) >= 10
    assert {name: codes for name, codes in by_name.items() if len(codes) > 1} == {}
    assert {code: names for code, names in by_code.items() if len(names) > 1} == {}


def test_each_person_has_one_id_number_and_each_number_one_person(demo_history):
    by_name, by_id = _pairs(demo_history, "person")

    assert len(by_name) >= 10
    assert {name: ids for name, ids in by_name.items() if len(ids) > 1} == {}
    assert {id_no: names for id_no, names in by_id.items() if len(names) > 1} == {}


def test_every_credit_code_id_number_and_phone_is_valid(demo_history):
    for case in demo_history.cases:
        if case.applicant_kind == "company":
            assert identity.valid_credit_code(case.applicant_id_no), case.applicant_id_no
        else:
            assert identity.valid_person_id(case.applicant_id_no), case.applicant_id_no
            born = dt.datetime.strptime(case.applicant_id_no[6:14], "%Y%m%d").date()  # a real date
            assert 18 <= (TODAY - born).days // 365 <= 65, case.applicant_id_no
        assert identity.valid_phone(case.applicant_phone), case.applicant_phone
        if case.agent_id_no:
            assert identity.valid_person_id(case.agent_id_no) and case.agent_name


def test_an_applicant_gives_the_same_phone_every_time(demo_history):
    phones = defaultdict(set)
    for case in demo_history.cases:
        phones[case.applicant_id_no].add(case.applicant_phone)

    assert {id_no: p for id_no, p in phones.items() if len(p) > 1} == {}


def test_some_applicants_come_back_for_another_matter(demo_history):
    matters = defaultdict(set)
    for case in demo_history.cases:
        matters[case.applicant_id_no].add(case.matter_code)

    returning = [id_no for id_no, codes in matters.items() if len(codes) > 1]
    assert len(returning) >= 3
