"""What every service call needs besides the session: the rules, the office's facts and the clock."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from workflows.catalogue import Catalogue, MatterVersion
from workflows.localtime import OfficeTime
from workflows.profile import DEMO_PROFILE, OfficeProfile, load_profile
from workflows.workdays import WorkCalendar

if TYPE_CHECKING:
    from workflows.sms import Gateway


class VersionedCase(Protocol):
    """What names a case's matter version: a stored Case and a listed row both have it."""

    @property
    def matter_code(self) -> str: ...

    @property
    def definition_version(self) -> str: ...


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """A member of staff (or the system sweep) acting on cases."""

    username: str
    roles: frozenset[str]
    window: str | None = None
    name: str = ""

    @property
    def is_system(self) -> bool:
        return "system" in self.roles

    def has(self, role: str) -> bool:
        return role in self.roles


SYSTEM = Actor("system", frozenset({"system"}), name="系统")


@functools.cache
def demo_profile() -> OfficeProfile:
    return load_profile(DEMO_PROFILE)


@dataclass
class Office:
    """The catalogue, the working-day calendar, the office profile and the clock of one service centre.

    The office is where other packages plug in, without workflows/ naming them:
    `before_commit` hooks run inside each transition's transaction, after its
    writes and before the commit (keywords session, case, values, event);
    `on_evaluation` hooks run inside an evaluation's (好差评) transaction, after
    its row is written (keywords session, evaluation). A hook that raises rolls
    the whole step back. An `Extension` adds its hooks; whoever builds the office
    (the app factory, the command line, a test) names the extensions.
    """

    catalogue: Catalogue
    calendar: WorkCalendar
    clock: Callable[[], dt.datetime] = utc_now
    before_commit: list[Callable[..., None]] = field(default_factory=list)
    profile: OfficeProfile = field(default_factory=demo_profile)
    on_evaluation: list[Callable[..., None]] = field(default_factory=list)
    # The address applicants reach the service at, for links in text messages; the app factory and the
    # command line set it from the settings. Empty: the profile's `public_base_url`.
    public_base_url: str = ""
    # Where the scheduled sender hands the applicants' text messages (workflows/sms.py), set from the
    # settings by whoever builds the office; None: messages wait in the outbox until one is set.
    sms_gateway: Gateway | None = None

    @property
    def time(self) -> OfficeTime:
        """The one conversion from stored instants to office time (workflows/localtime.py)."""
        return self.profile.time

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """The local date at the service centre, which is what deadlines count in."""
        return self.time.date(self.clock())

    def matter_of(self, case: VersionedCase) -> MatterVersion:
        return self.catalogue.get(case.matter_code, case.definition_version)


Extension = Callable[[Office], None]
"""Plugs a package into an office by adding its hooks (see `Office`); it must be idempotent."""
