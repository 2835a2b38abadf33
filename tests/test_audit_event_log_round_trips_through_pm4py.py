"""The event log export is read by pm4py (test-only dependency) with every case and every event."""

from __future__ import annotations

import pandas as pd
import pm4py
from sqlalchemy import func, select

from audit import eventlog
from audit.scope import Scope
from tests.audit_support import build_month, d
from tests.support import PERSON_ID, CREDIT_CODE
from workflows.identity import mask_id
from workflows.models import Case, CaseEvent


def _counts(engine):
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(Case.__table__)).scalar(),
                conn.execute(select(func.count()).select_from(CaseEvent.__table__)).scalar())


def test_xes_xml_reads_back_with_the_same_cases_and_events(session, office, clock, engine, tmp_path):
    month = build_month(session, office, clock)
    path = tmp_path / "log.xes"
    with engine.connect() as conn:
        path.write_text("".join(eventlog.xes_chunks(conn)), encoding="utf-8")
    log = pm4py.read_xes(str(path))
    cases, events = _counts(engine)
    assert log["case:concept:name"].nunique() == cases == len(month.ids)
    assert len(log) == events
    c = log[log["case:concept:name"] == month.receipts["C"]].sort_values("time:timestamp")
    assert list(c["concept:name"]) == ["receive_window", "notify", "resubmit_window", "accept", "advance",
                                       "decide_approve", "issue", "deliver_mail"]
    assert list(c["visit"]) == [True, False, True, False, False, False, False, False]
    assert set(c["case:matter"]) == {"road-freight-licence"} and "org:resource" in log.columns
    assert str(log["time:timestamp"].dtype).startswith("datetime64")
    terminated = log[(log["concept:name"] == "terminate")]
    assert list(terminated["org:resource"]) == ["system"]
    assert set(log["case:applicant_id"]) == {mask_id(CREDIT_CODE)}


def test_xes_keyed_csv_reads_back_in_pm4py_with_the_same_cases_and_events(session, office, clock, engine, tmp_path):
    build_month(session, office, clock)
    path = tmp_path / "log.csv"
    with engine.connect() as conn:
        path.write_text("".join(eventlog.csv_chunks(conn)), encoding="utf-8")
    frame = pd.read_csv(path)
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], utc=True)
    log = pm4py.format_dataframe(frame, case_id="case:concept:name", activity_key="concept:name",
                                 timestamp_key="time:timestamp")
    cases, events = _counts(engine)
    assert pm4py.get_event_attribute_values(log, "concept:name")["notify"] == 3
    assert log["case:concept:name"].nunique() == cases and len(log) == events
    with engine.connect() as conn:
        visits = conn.execute(select(func.sum(Case.__table__.c.visits))).scalar()
    assert frame["visit"].dtype == bool and frame["visit"].sum() == visits
    assert not frame["case:applicant_id"].astype(str).str.contains(CREDIT_CODE).any()


def test_the_log_of_a_period_has_the_cases_received_in_it(session, office, clock, engine):
    month = build_month(session, office, clock)
    with engine.connect() as conn:
        text = "".join(eventlog.csv_chunks(conn, Scope(d(10, 1), d(10, 31))))
    assert month.receipts["J1"] in text and month.receipts["J2"] in text and month.receipts["A"] not in text
    assert PERSON_ID not in text
