"""Which gateway sends is a setting; production refuses the file gateway unless a setting allows it, and an
阿里云 gateway without its credentials, signature or templates. `service.py outbox send` sends what is due."""

from __future__ import annotations

import json

import pytest

from tests.support import run_cli
from workflows.notices import Notice
from workflows.sms import AliyunSms, FileGateway


def settings(**values):
    import service

    return service.Settings(database_url="postgresql://u@db/onevisit", secret_key="p" * 40, production=True,
                            **values)


def test_production_refuses_the_file_gateway_unless_allowed():
    with pytest.raises(SystemExit) as stopped:
        settings().checked()
    assert "ONEVISIT_SMS_FILE_IN_PRODUCTION" in str(stopped.value)
    assert settings(sms_file_in_production=True).checked().unsafe_reasons() == []


PRODUCTION = {"ONEVISIT_PRODUCTION": "true", "ONEVISIT_DATABASE_URL": "postgresql://u@127.0.0.1:1/onevisit",
              "ONEVISIT_SECRET_KEY": "p" * 40}


def test_the_production_worker_refuses_the_file_gateway_before_it_sends_anything():
    """On PostgreSQL the worker is the only sender: it is checked as serve is, before it connects."""
    stopped = run_cli("worker", env=PRODUCTION)
    assert stopped.returncode != 0
    assert "拒绝以生产模式启动" in stopped.stderr and "ONEVISIT_SMS_FILE_IN_PRODUCTION" in stopped.stderr


def test_the_production_worker_refuses_the_demo_office_whose_phone_its_texts_would_print():
    stopped = run_cli("worker", env=PRODUCTION | {"ONEVISIT_SMS_FILE_IN_PRODUCTION": "true",
                                                  "ONEVISIT_PUBLIC_BASE_URL": "https://ywtb.example.gov.cn"})
    assert stopped.returncode != 0
    assert "拒绝以生产模式启动" in stopped.stderr and "演示" in stopped.stderr


def test_production_refuses_an_aliyun_gateway_missing_its_facts():
    reasons = settings(sms_gateway="aliyun", aliyun_sms_templates={"received": "SMS_1"}).unsafe_reasons()
    assert any("ALIBABA_CLOUD_ACCESS_KEY_ID" in r for r in reasons)
    assert any("签名" in r for r in reasons)
    assert any("decided" in r and "received" not in r.split("：")[-1] for r in reasons)


def test_the_aliyun_gateway_takes_its_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIkey")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cret")
    monkeypatch.setenv("ONEVISIT_SMS_GATEWAY", "aliyun")
    monkeypatch.setenv("ONEVISIT_ALIYUN_SMS_SIGN_NAME", "嘉兴市民服务中心")
    monkeypatch.setenv("ONEVISIT_ALIYUN_SMS_TEMPLATES", json.dumps({n.value: f"SMS_{i}" for i, n in enumerate(Notice)}))
    made = settings().checked()
    gateway = made.sms_gateway_for()
    assert isinstance(gateway, AliyunSms) and made.unsafe_reasons() == []
    assert (gateway.access_key_id, gateway.access_key_secret) == ("LTAIkey", "s3cret")
    assert gateway.sign_name == "嘉兴市民服务中心"
    assert "s3cret" not in repr(gateway)  # nor in a log line or a traceback that prints the gateway


def test_development_writes_to_the_file(tmp_path):
    import service

    made = service.Settings(sms_file=tmp_path / "sms.jsonl")
    assert isinstance(made.sms_gateway_for(), FileGateway) and made.sms_gateway_for().path == tmp_path / "sms.jsonl"


def test_outbox_send_writes_the_due_messages_to_the_file_once(session, office, database_url, tmp_path):
    from tests.support import open_complete

    case = open_complete(session, office, "road-freight-licence")
    env = {"DATABASE_URL": database_url, "ONEVISIT_SMS_FILE": str(tmp_path / "sms.jsonl")}
    first = run_cli("outbox", "send", env=env)
    again = run_cli("outbox", "send", env=env)
    listed = run_cli("outbox", "list", env=env)

    assert first.returncode == 0 and "已发送 1 条" in first.stdout, first.stderr
    assert "已发送 0 条" in again.stdout
    (line,) = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["text"].startswith("您的道路货物运输经营许可申请已收件") and case.receipt_no in line
    assert "已发送" in listed.stdout and "139****5678" in listed.stdout and "13900005678" not in listed.stdout
