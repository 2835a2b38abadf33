"""The office profile: the centre's own facts in one file, validated at start, refused in production when invented."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workflows.bootstrap import check_profile, load_office
from workflows.catalogue import load_catalogue
from workflows.errors import DefinitionError
from workflows.profile import DEMO_PROFILE, load_profile, production_violations

PRODUCTION = Path(__file__).parent / "fixtures" / "office-production.yaml"
CATALOGUE = load_catalogue()


def written(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "office.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(DefinitionError) as caught:
        check_profile(load_profile(path), CATALOGUE, str(path))
    assert str(path) in str(caught.value) and "办公信息配置文件有误" in str(caught.value)
    return caught.value.problems


def test_the_demo_profile_is_complete_for_the_whole_catalogue():
    check_profile(load_profile(DEMO_PROFILE), CATALOGUE, str(DEMO_PROFILE))


@pytest.mark.parametrize(("change", "field", "rule"), [
    (lambda raw: raw["hall"].pop("address"), "hall.address", "缺少必填字段"),
    (lambda raw: raw["post"].update(postcode="31400"), "post.postcode", ""),
    (lambda raw: raw.update(timezone="Asia/Jiaxing"), "timezone", "未知时区"),
    (lambda raw: raw.pop("post"), "post", "邮寄地址"),
    (lambda raw: raw["windows"][1]["matters"].append("no-such-matter"), "windows[1].matters[5]", "no-such-matter"),
    (lambda raw: raw["windows"][0].update(phone="0573-8210xxxx（待核实）"), "windows[0].phone", "待核实"),
    (lambda raw: raw["windows"].pop(0), "windows", "没有可办理的窗口"),
    (lambda raw: raw.update(licences={"expiry_window_days": 30}), "licences.expiry_window_days", "40"),
])
def test_a_wrong_profile_names_the_file_the_field_and_the_rule(tmp_path, change, field, rule):
    path = written(tmp_path, change)
    if field in ("hall.address", "post.postcode", "timezone", "licences.expiry_window_days"):  # by the model, at load
        with pytest.raises(DefinitionError) as caught:
            load_profile(path)
        found = caught.value.problems
    else:
        found = problems_of(path)
    assert any(at == field and rule in broken.message for at, broken in found), found


def test_production_refuses_the_demo_profile_and_an_address_that_is_not_https():
    demo = load_profile(DEMO_PROFILE)
    assert any("演示数据" in r for r in production_violations(demo, "https://ban.example.gov.cn"))
    real = load_profile(PRODUCTION)
    assert production_violations(real, "https://ban.example.gov.cn") == []
    assert any("https" in r for r in production_violations(real, "http://10.0.0.5:8000"))


def test_a_production_start_with_the_demo_profile_stops_with_one_line(database_url, tmp_path):
    import service

    settings = service.Settings(database_url=database_url, secret_key="p" * 40, production=True,
                                public_base_url="https://onevisit.example", guide_cache_dir=tmp_path / "g",
                                sms_file_in_production=True)
    with pytest.raises(SystemExit) as stopped:
        service.create_app(settings)
    assert "拒绝以生产模式启动" in str(stopped.value) and "demo: true" in str(stopped.value)


def test_the_windows_staff_work_at_follow_the_profile(engine, clock):
    from sqlmodel import select

    from workflows.accounts import ServiceWindow
    from workflows.db import session as new_session

    office = load_office(engine, clock=clock)
    with new_session(engine) as s:
        rows = {w.code: w for w in s.exec(select(ServiceWindow))}
    for window in office.profile.windows:
        assert (rows[window.code].name, rows[window.code].comprehensive, rows[window.code].matters) == \
            (window.name, window.comprehensive, list(window.matters))


def test_the_public_address_comes_from_the_environment_then_the_profile_then_the_server(monkeypatch):
    import service

    demo, real = load_profile(DEMO_PROFILE), load_profile(PRODUCTION)
    assert service.Settings(public_base_url="https://a.example/").public_url(real) == "https://a.example"
    assert service.Settings().public_url(real) == "https://onevisit.example"
    assert service.Settings().public_url(demo) == service.DEV_BASE_URL
    assert service.served_url("127.0.0.1", 8001) == "http://127.0.0.1:8001"
    monkeypatch.setattr("socket.gethostname", lambda: "counter-7")
    assert service.served_url("0.0.0.0", 8000) == "http://counter-7:8000"


def test_serving_on_another_port_prints_that_port_on_papers(monkeypatch, tmp_path):
    import service

    served = {}
    # serve writes the address it works out into the environment for its worker processes: set it
    # through monkeypatch first, so that it is restored (absent) for the tests that follow.
    monkeypatch.setenv("ONEVISIT_PUBLIC_BASE_URL", "")
    monkeypatch.delenv("ONEVISIT_PUBLIC_BASE_URL")
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.update(options))
    monkeypatch.setattr(service, "create_app", lambda settings: served.update(url=settings.public_base_url))
    settings = service.Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite'}", secret_key="k" * 40)
    service.cmd_serve(service.build_parser().parse_args(["serve", "--port", "8123"]), settings)
    assert served["url"] == "http://127.0.0.1:8123" and served["port"] == 8123


def _field_paths(model, prefix: str = ""):
    """Every field of a pydantic model, nested ones as `a.b` and items of lists as `a[].b`."""
    import types
    import typing

    from pydantic import BaseModel

    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        annotation = info.annotation
        optional = typing.get_origin(annotation) in (typing.Union, types.UnionType)
        inner = [a for a in typing.get_args(annotation) if a is not type(None)] if optional else [annotation]
        for candidate in inner:
            if typing.get_origin(candidate) is list:
                item = typing.get_args(candidate)[0]
                if isinstance(item, type) and issubclass(item, BaseModel):
                    yield from _field_paths(item, f"{path}[].")
            elif isinstance(candidate, type) and issubclass(candidate, BaseModel):
                yield from _field_paths(candidate, f"{path}.")


def test_every_profile_field_is_documented():
    from workflows.profile import OfficeProfile

    doc = (Path(__file__).resolve().parents[1] / "docs" / "office-profile.md").read_text(encoding="utf-8")
    missing = [path for path in _field_paths(OfficeProfile) if f"| `{path}` |" not in doc]
    assert not missing, f"docs/office-profile.md does not document: {missing}"
