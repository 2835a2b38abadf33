"""`service.py token issue|list|revoke`: API tokens from the command line.

The first token has to come from somewhere: the admin endpoints want a token
(or a browser session plus its CSRF header), so the operator of the server
issues one here. Tokens issued here are recorded as created by "cli".
"""

from __future__ import annotations

import datetime as dt
import sys

from workflows import accounts
from workflows.db import make_engine, session, upgrade
from workflows.errors import DomainError
from workflows.office import Actor

OPERATOR = Actor("cli", frozenset({"admin"}), name="服务器操作员")


def run(args, settings) -> int:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    now = dt.datetime.now(dt.UTC)
    with session(engine) as s:
        try:
            if args.token_command == "issue":
                token = accounts.issue_token(session=s, username=args.username, label=args.label, admin=OPERATOR,
                                             now=now)
                print(token)
                print("请妥善保存：令牌只显示这一次。请求时使用 Authorization: Bearer <令牌>", file=sys.stderr)
            elif args.token_command == "revoke":
                row = accounts.revoke_token(session=s, token_id=args.token_id, admin=OPERATOR, now=now)
                print(f"已吊销令牌 {row.id}（{row.username}，{row.label}）")
            else:
                for row in accounts.list_tokens(s):
                    state = f"已吊销 {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "有效"
                    print(f"{row.id}\t{row.username}\t{row.label}\t{row.created_by}\t{row.created_at:%Y-%m-%d}\t{state}")
        except DomainError as exc:
            print(f"错误 [{exc.code}] {exc.message}", file=sys.stderr)
            return 1
    engine.dispose()
    return 0
