"""Failed-login limits per client address, on top of the per-account lock.

`workflows.accounts.authenticate` locks one account after 5 failures (in the
database, so it holds across workers). That does not stop one address from
trying one password against many usernames; this throttle does. It lives in
process memory, one per app (`app.state.login_throttle`): there is no table
for it without a migration, and a counter that resets when the process
restarts or differs between workers only loosens the limit by the number of
workers, while the per-account lock stays exact.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from threading import Lock


@dataclass
class LoginThrottle:
    max_failures: int = 10
    window: dt.timedelta = dt.timedelta(minutes=15)
    _failures: dict[str, deque[dt.datetime]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def blocked(self, key: str, now: dt.datetime) -> bool:
        with self._lock:
            return len(self._recent(key, now)) >= self.max_failures

    def failed(self, key: str, now: dt.datetime) -> None:
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # bound memory against address spraying
                self._forget_idle(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: dt.datetime) -> deque[dt.datetime]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def _forget_idle(self, now: dt.datetime) -> None:
        for key in [k for k, times in self._failures.items() if not times or now - times[-1] > self.window]:
            del self._failures[key]
