"""`python service.py inspections …`: the draws (list, verify, announce, run) and the inspectors' roster.

    inspections list                              each draw: id, item, date, status (one a line)
    inspections verify DRAW_ID                    recompute from the recorded inputs; exit 0 match, 1 not
    inspections announce ITEM PERIOD --beacon-source S --beacon-date D [--reason R]
    inspections run DRAW_ID --beacon-value V
    inspections inspector add USER --cert-no N --department D | list | disable USER
    inspections conflict USER HOLDER_ID --relation R
    inspections reference                         the 抽查事项清单 field reference (docs/inspection-item-reference.md)
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from inspections import draws, items as item_files, roster
from workflows import errors
from workflows.office import Actor, Office

# The command line acts as the administrator who runs it (as `calendar load` names its loader).
CLI_ROLES = frozenset({"admin"})


def add_parser(sub) -> None:
    parser = sub.add_parser("inspections", help="双随机、一公开：抽查任务和执法检查人员名录库")
    cmds = parser.add_subparsers(dest="inspections_command", required=True)
    cmds.add_parser("list", help="列出抽查任务：编号、事项、日期、状态")
    verify = cmds.add_parser("verify", help="按记录的输入重新抽取并核对（一致退出码 0，不一致 1）")
    verify.add_argument("draw_id", type=int)
    announce = cmds.add_parser("announce", help="发布抽查公告（锁定名录，指定之后公布的随机数来源）")
    announce.add_argument("item")
    announce.add_argument("period", help="抽查周期：2026、2026-H2 或 2026-Q4，依事项的抽查频次")
    announce.add_argument("--beacon-source", required=True, help="抽取时使用的公开随机数来源，如 上证综合指数收盘点位")
    announce.add_argument("--beacon-date", required=True, help="该随机数公布的日期（YYYY-MM-DD，须在今天之后）")
    announce.add_argument("--reason", default="", help="同一事项同一周期再次抽取的理由")
    run_cmd = cmds.add_parser("run", help="用公告的公开随机数抽取")
    run_cmd.add_argument("draw_id", type=int)
    run_cmd.add_argument("--beacon-value", required=True, help="公告的来源公布的值，照实填写")
    inspector = cmds.add_parser("inspector", help="执法检查人员名录库")
    inspector_cmds = inspector.add_subparsers(dest="inspector_command", required=True)
    add = inspector_cmds.add_parser("add", help="把有 inspector 岗位的工作人员列入名录库")
    add.add_argument("username")
    add.add_argument("--cert-no", required=True, help="执法证号")
    add.add_argument("--department", required=True, help="科室")
    inspector_cmds.add_parser("list", help="列出名录库中在岗的执法检查人员")
    inspector_cmds.add_parser("disable", help="移出名录库（调岗、退休）：此后的抽查不再列入").add_argument("username")
    conflict = cmds.add_parser("conflict", help="登记回避关系：该人员不得检查这一对象")
    conflict.add_argument("username")
    conflict.add_argument("holder_id_no", help="检查对象的身份证号或统一社会信用代码")
    conflict.add_argument("--relation", required=True, help="回避原因，如 近亲属")
    cmds.add_parser("reference", help="输出抽查事项清单的字段说明")


def run(args, settings) -> int:
    if args.inspections_command == "reference":
        sys.stdout.write(item_files.reference())
        return 0
    from workflows.bootstrap import load_office
    from workflows.db import make_engine, session as new_session, upgrade

    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        office = load_office(engine, settings.definitions_dir, profile=settings.office_profile)
        with new_session(engine) as session:
            return _dispatch(args, session, office)
    finally:
        engine.dispose()


def _actor() -> Actor:
    return Actor(username=os.environ.get("USER", "admin"), roles=CLI_ROLES)


def _dispatch(args, session, office: Office) -> int:
    command = args.inspections_command
    if command == "list":
        return _list(session, office)
    if command == "verify":
        return _verify(session, args.draw_id)
    items = item_files.load_items(matters={v.code for v in office.catalogue.matters()})
    if command == "announce":
        try:
            day = dt.date.fromisoformat(args.beacon_date)
        except ValueError:
            raise errors.DrawBeaconInvalid("随机数来源日期须写作 YYYY-MM-DD", field="beacon_date") from None
        draw_id = draws.announce(session=session, office=office, items=items, actor=_actor(), item_code=args.item,
                                 period=args.period, beacon_source=args.beacon_source, beacon_date=day,
                                 reason=args.reason)
        row = draws.record(session=session, draw_id=draw_id)
        print(f"已发布抽查公告 {draw_id}：{row['item_name']} {row['period']}，检查对象 {len(row['targets'])} 户，"
              f"执法检查人员 {len(row['inspectors'])} 名；承诺值 {row['commitment']}")
        return 0
    if command == "run":
        assignments = draws.run(session=session, office=office, actor=_actor(), draw_id=args.draw_id,
                                beacon_value=args.beacon_value)
        print(f"抽查任务 {args.draw_id} 已抽取 {len(assignments)} 个检查对象")
        return 0
    if command == "conflict":
        roster.declare_conflict(session=session, username=args.username, holder_id_no=args.holder_id_no,
                                relation=args.relation, by=_actor().username, now=office.now())
        print(f"已登记 {args.username} 的回避关系")
        return 0
    if args.inspector_command == "add":
        roster.add_inspector(session=session, username=args.username, cert_no=args.cert_no,
                             department=args.department, by=_actor().username, now=office.now())
        print(f"已将 {args.username} 列入执法检查人员名录库")
        return 0
    if args.inspector_command == "disable":
        roster.set_active(session=session, username=args.username, active=False)
        print(f"已将 {args.username} 移出执法检查人员名录库")
        return 0
    for entry in roster.active_roster(session):
        print(f"{entry.cert_no}\t{entry.name}\t{entry.department}\t{entry.username}")
    return 0


def _list(session, office: Office) -> int:
    for s in draws.summaries(session=session):
        print(f"{s.id}\t{s.item_code}\t{s.period}\t{office.time.local(s.announced_at):%Y-%m-%d}\t{s.status}"
              f"\t{s.item_name}\t{s.status_label}")
    return 0


def _verify(session, draw_id: int) -> int:
    result = draws.verify(session=session, draw_id=draw_id)
    for what, ok, detail in result.checks:
        print(f"{'一致' if ok else '不一致'}\t{what}" + (f"\t{detail}" if detail else ""))
    if result.matches:
        print(f"抽查任务 {draw_id}：按记录的输入重新抽取，结果与记录一致")
        return 0
    if all(ok for what, ok, _ in result.checks if what != "抽取结果") and result.checks[-1][2] == "尚未抽取":
        print(f"抽查任务 {draw_id}：尚未抽取；公告的名录和承诺值与记录一致，抽取后才能核对抽取结果")
    else:
        print(f"抽查任务 {draw_id}：核对不通过")
    return 1
