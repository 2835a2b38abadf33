"""Demo windows and staff accounts with published passwords, for trying the counter out.

The passwords are in the README on purpose; the login refuses them when the
service runs in production mode (`is_demo_password`), so a demo account
carried into production cannot be used until an administrator resets it.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlmodel import Session

from workflows import accounts

@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    roles: tuple[str, ...]
    window: str | None

    @property
    def password(self) -> str:
        return f"onevisit-{self.username}"


DEMO_USERS = (
    DemoUser("clerk", "王晓燕（综合窗口）", ("clerk",), "W01"),
    DemoUser("clerk2", "李建国（交通专窗）", ("clerk",), "W02"),
    # The windows' 负责人 (office profile windows[].head): owns the 差评 tasks, takes no applications in the demo.
    DemoUser("lead", "陈卫东（窗口负责人）", ("clerk",), "W01"),
    DemoUser("reviewer", "赵敏（审查）", ("reviewer",), None),
    DemoUser("approver", "钱立新（审批）", ("approver",), None),
    DemoUser("auditor", "孙海平（效能监察）", ("auditor",), None),
    DemoUser("admin", "周志强（系统管理员）", ("admin",), None),
    # 执法检查人员 of the 双随机 demo (inspections/demo.py puts them in the roster with their 执法证号);
    # their names alone, as the public page prints them beside the 执法证号.
    DemoUser("inspector", "吴建华", ("inspector",), None),
    DemoUser("inspector2", "郑丽娟", ("inspector",), None),
    DemoUser("inspector3", "冯志刚", ("inspector",), None),
    DemoUser("inspector4", "陈晓东", ("inspector",), None),
    DemoUser("inspector5", "褚文静", ("inspector",), None),
    DemoUser("inspector6", "卫国强", ("inspector",), None),
)
_PASSWORDS = {u.username: u.password for u in DEMO_USERS}


def create_demo_users(session: Session, now: dt.datetime) -> list[DemoUser]:
    """Create the demo users; users that already exist are left as they are.

    Their windows (W01, W02) are the demo office profile's, which every start writes
    to the windows table (workflows.bootstrap.sync_windows).
    """
    created = []
    for user in DEMO_USERS:
        if session.get(accounts.StaffUser, user.username) is None:
            accounts.add_user(session=session, username=user.username, password=user.password,
                              roles=list(user.roles), display_name=user.display_name, window=user.window, now=now)
            created.append(user)
    return created


def is_demo_password(username: str, password: str) -> bool:
    expected = _PASSWORDS.get(username)
    return expected is not None and hmac.compare_digest(expected.encode(), password.encode())
