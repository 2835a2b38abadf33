"""Start-up: validate and compile the catalogue, keep every version, load the calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from audit.facts import install as install_audit
from workflows.calendar_admin import load_calendar
from workflows.catalogue import DEFAULT_DIR, Catalogue, load_catalogue
from workflows.db import session as new_session
from workflows.models import DefinitionVersion
from workflows.office import Office, utc_now


def sync_definitions(session: Session, catalogue: Catalogue, now: dt.datetime) -> None:
    """Record the current version of each matter, and compile the older ones cases still use."""
    stored = {(row.matter_code, row.key): row for row in session.exec(select(DefinitionVersion))}
    for version in catalogue.matters():
        if (version.code, version.key) not in stored:
            d = version.definition
            session.add(DefinitionVersion(matter_code=d.code, key=version.key, version=d.version,
                                          effective_date=d.effective_date, file=Path(version.file).name,
                                          source_text=version.source_text, registered_at=now))
    session.commit()
    for (code, key), row in stored.items():
        if not catalogue.has_version(code, key):
            catalogue.add_old_version(row.source_text, f"{row.file} (数据库存档 {key})")


def load_office(engine: Engine, definitions: Path | str = DEFAULT_DIR,
                clock: Callable[[], dt.datetime] = utc_now) -> Office:
    catalogue = load_catalogue(definitions)
    with new_session(engine) as session:
        sync_definitions(session, catalogue, clock())
        calendar = load_calendar(session)
    office = Office(catalogue=catalogue, calendar=calendar, clock=clock)
    install_audit(office)  # the auditor's facts and counters follow every transition, in its transaction
    return office
