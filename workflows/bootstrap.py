"""Start-up: validate and compile the catalogue, keep every version, load the calendar and the office profile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from collections.abc import Callable, Sequence

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from workflows.calendar_admin import load_calendar
from workflows.accounts import ServiceWindow
from workflows.catalogue import DEFAULT_DIR, Catalogue, load_catalogue
from workflows.documents import install as install_documents
from workflows.db import session as new_session
from workflows.definition import Channel
from workflows.errors import DefinitionError
from workflows.models import DefinitionVersion
from workflows.outbox import install as install_outbox
from workflows.office import Extension, Office, utc_now
from workflows.profile import DEMO_PROFILE, WHAT as PROFILE, OfficeProfile, load_profile, profile_violations


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


def offered_channels(catalogue: Catalogue) -> set[Channel]:
    """Every way a material may reach the office under the current catalogue."""
    offered: set[Channel] = set()
    for version in catalogue.matters():
        d = version.definition
        offered |= set(d.application_channels)
        offered |= {c for m in d.materials if m.tolerance for c in m.tolerance.channels}
    return offered


def check_profile(profile: OfficeProfile, catalogue: Catalogue, file: str) -> None:
    problems = profile_violations(profile, offered=offered_channels(catalogue),
                                  matter_codes={v.code for v in catalogue.matters()})
    if problems:
        raise DefinitionError(file, problems, what=PROFILE)


def sync_windows(session: Session, profile: OfficeProfile) -> None:
    """The staff side's windows follow the profile: which window takes which matters is declared once."""
    for info in profile.windows:
        row = session.get(ServiceWindow, info.code) or ServiceWindow(code=info.code, name=info.name)
        row.name, row.comprehensive, row.matters = info.name, info.comprehensive, list(info.matters)
        session.add(row)
    session.commit()


def load_office(engine: Engine, definitions: Path | str = DEFAULT_DIR,
                clock: Callable[[], dt.datetime] = utc_now, profile: Path | str = DEMO_PROFILE,
                extensions: Sequence[Extension] = ()) -> Office:
    """The office of this catalogue and profile, with the extensions its builder names plugged in."""
    catalogue = load_catalogue(definitions)
    facts = load_profile(profile)
    check_profile(facts, catalogue, str(profile))
    with new_session(engine) as session:
        sync_definitions(session, catalogue, clock())
        sync_windows(session, facts)
        calendar = load_calendar(session)
    office = Office(catalogue=catalogue, calendar=calendar, clock=clock, profile=facts)
    install_documents(office)  # every paper an action issues is numbered in its transaction
    install_outbox(office)  # every notice a transition sends is written in its transaction
    for extend in extensions:
        extend(office)
    return office
