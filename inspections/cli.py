"""`python service.py licences import FILE.xlsx|csv` and `python service.py licences expiring [--days N]`."""

from __future__ import annotations

from pathlib import Path

from inspections import importing, register
from workflows.identity import mask_id

LISTED_AT_MOST = 100_000


def run(args, settings) -> int:
    from workflows.bootstrap import load_office
    from workflows.db import make_engine, session as new_session, upgrade

    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        office = load_office(engine, settings.definitions_dir, profile=settings.office_profile)
        with new_session(engine) as session:
            if args.licences_command == "import":
                return _import(session, office, Path(args.file))
            return _expiring(session, office, office.profile.licences.expiry_window_days if args.days is None
                             else args.days)
    finally:
        engine.dispose()


def _import(session, office, path: Path) -> int:
    if not path.is_file():
        print(f"找不到文件：{path}")
        return 1
    try:
        outcome = importing.import_file(session=session, catalogue=office.catalogue, path=path,
                                        today=office.today(), now=office.now())
    except importing.FileProblem as exc:
        print(f"{path}：{exc}；未导入任何证照")
        return 1
    if outcome.problems:
        for problem in outcome.problems:
            print(problem)
        print(f"共 {len(outcome.problems)} 处错误，未导入任何证照（改正后重新导入整个文件）")
        return 1
    print(f"已导入 {outcome.imported} 份证照")
    return 0


def _expiring(session, office, days: int) -> int:
    if days < 0:
        print("--days 不能为负数")
        return 1
    today = office.today()
    rows, total = register.search(session=session, today=today,
                                  filters=register.LicenceFilter(expiring_within=days), limit=LISTED_AT_MOST)
    print(f"{today:%Y-%m-%d} 起 {days} 日内到期的有效证照 {total} 份"
          "（行政许可法第五十条：延续申请应在有效期届满30日前提出）")
    for row in rows:
        name = office.catalogue.get(row.matter_code).definition.name
        print(f"{row.number}\t{name}\t{row.holder_name}\t{mask_id(row.holder_id_no)}\t"
              f"有效期至 {row.expires_on:%Y-%m-%d}\t延续申请截止 {row.renewal_due:%Y-%m-%d}")
    return 0
