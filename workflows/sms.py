"""Gateways that deliver the outbox's text messages: a file for development and the demo, and 阿里云短信.

A gateway takes one `Sms` and either returns the provider's id for it or raises
`GatewayFailure`; the outbox (workflows/outbox.py) decides about retries. Every
message carries its idempotency key, stable across retries and re-sends after a
crash. Before a message is tried again, `delivered` asks whether the provider already took
that key: the file gateway looks in its file; 阿里云's SendSms is documented as not
idempotent, so the gateway asks QuerySendDetails for the key as `OutId`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx


@dataclass(frozen=True)
class Sms:
    key: str  # the idempotency key
    phone: str
    notice: str  # the notice's kind, which names the provider's template
    params: Mapping[str, str]
    text: str  # the template filled in, as the applicant reads it


class GatewayFailure(Exception):
    """The message was not accepted; it may be tried again later."""


class Gateway(Protocol):
    name: str

    def send(self, sms: Sms) -> str:
        """Hand the message over; the provider's id for it. Raises GatewayFailure."""
        ...

    def delivered(self, sms: Sms, *, since: dt.datetime) -> str | None:
        """Whether the provider already took this message (by its key) since `since`: its id for it, or
        None. Asked before a message is tried again, so that a try whose answer was lost (a sender
        killed, a timeout after the provider took it) is not sent twice. Raises GatewayFailure when it
        cannot tell."""
        ...


# ---- a file of JSON lines ----------------------------------------------------------------

class FileGateway:
    """Appends each message as one JSON line (for development and the demo: nothing leaves the machine).

    A key already in the file is not written again, so a message re-sent after a crash shows once.
    """

    name = "file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._written: set[str] | None = None

    def send(self, sms: Sms) -> str:
        written = self._keys()
        if sms.key in written:
            return sms.key
        line = json.dumps({"key": sms.key, "phone": sms.phone, "notice": sms.notice, "text": sms.text,
                           "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+b") as out:
                out.seek(0, os.SEEK_END)
                if out.tell() and not self._ends_with_newline(out):
                    out.write(b"\n")  # a line torn by a process killed mid-write stays on its own
                self._write(out, (line + "\n").encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise GatewayFailure(f"写入短信文件失败：{exc}") from exc
        written.add(sms.key)
        return sms.key

    def delivered(self, sms: Sms, *, since: dt.datetime) -> str | None:
        return sms.key if sms.key in self._keys() else None

    def _write(self, out: _Appendable, data: bytes) -> None:
        out.write(data)

    def _keys(self) -> set[str]:
        if self._written is None:
            self._written = set()
            if self.path.exists():
                for raw in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                    try:
                        self._written.add(json.loads(raw)["key"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a torn line: its message was not sent, and is sent again
        return self._written

    @staticmethod
    def _ends_with_newline(out: _Appendable) -> bool:
        out.seek(-1, os.SEEK_END)
        last = out.read(1)
        out.seek(0, os.SEEK_END)
        return last == b"\n"


class _Appendable(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def seek(self, offset: int, whence: int = ..., /) -> int: ...

    def read(self, size: int = ..., /) -> bytes: ...

    def tell(self) -> int: ...


# ---- 阿里云短信服务 (Dysmsapi, SendSms, API version 2017-05-25) ---------------------------

ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
CHINA = ZoneInfo("Asia/Shanghai")  # QuerySendDetails' SendDate is a day in China
QUERY_PAGE = 50  # QuerySendDetails' largest PageSize
QUERY_DAYS = 30  # how far back QuerySendDetails reaches


def percent_encode(text: str) -> str:
    """阿里云 RPC 签名的编码: RFC 3986, UTF-8; space as %20, `*` as %2A, `~` kept (not Python's `+`)."""
    return quote(text, safe="-_.~")


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    """Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)), as the RPC signature mechanism documents it."""
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass
class AliyunSms:
    """SendSms over HTTPS GET with the RPC signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0).

    `templates` maps each notice kind to the TemplateCode the provider approved for its text
    (workflows/notices.py TEXTS, registered with the same placeholders).
    """

    access_key_id: str
    access_key_secret: str = field(repr=False)
    sign_name: str
    templates: Mapping[str, str]
    endpoint: str = ALIYUN_ENDPOINT
    region: str = "cn-hangzhou"
    timeout: float = 10.0
    name: str = "aliyun"
    client: httpx.Client | None = field(default=None, repr=False)

    def params(self, sms: Sms, *, nonce: str, now: dt.datetime) -> dict[str, str]:
        template = self.templates.get(sms.notice)
        if not template:
            raise GatewayFailure(f"未配置“{sms.notice}”短信的模板编号（TemplateCode）")
        return {**self.common("SendSms", nonce=nonce, now=now), "OutId": sms.key, "PhoneNumbers": sms.phone,
                "SignName": self.sign_name, "TemplateCode": template,
                "TemplateParam": json.dumps(dict(sms.params), ensure_ascii=False, separators=(",", ":"))}

    def common(self, action: str, *, nonce: str, now: dt.datetime) -> dict[str, str]:
        return {"AccessKeyId": self.access_key_id, "Action": action, "Format": "JSON", "RegionId": self.region,
                "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce, "SignatureVersion": "1.0",
                "Timestamp": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25"}

    def query_params(self, sms: Sms, day: dt.date, page: int, *, nonce: str, now: dt.datetime) -> dict[str, str]:
        """QuerySendDetails: the messages sent to one number on one day (China time), a page at a time."""
        return {**self.common("QuerySendDetails", nonce=nonce, now=now), "PhoneNumber": sms.phone,
                "SendDate": day.strftime("%Y%m%d"), "PageSize": str(QUERY_PAGE), "CurrentPage": str(page)}

    def signed_url(self, sms: Sms, *, nonce: str, now: dt.datetime) -> str:
        return self.url_for(self.params(sms, nonce=nonce, now=now))

    def url_for(self, params: Mapping[str, str]) -> str:
        query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
        sig = percent_encode(signature(self.access_key_secret, "GET", params))
        return f"{self.endpoint.rstrip('/')}/?Signature={sig}&{query}"

    def send(self, sms: Sms) -> str:
        body = self._call(self.signed_url(sms, nonce=str(uuid.uuid4()), now=dt.datetime.now(dt.UTC)))
        return str(body.get("BizId", ""))

    def delivered(self, sms: Sms, *, since: dt.datetime) -> str | None:
        """SendSms is not idempotent (its documentation says so), so before a message is tried again this
        asks QuerySendDetails for the number's messages of each day since the first try (the provider
        keeps 30 days) and looks for the message's key as OutId. One the provider reports failed
        (SendStatus 2) was not delivered, and is sent again."""
        now = dt.datetime.now(dt.UTC)
        last = now.astimezone(CHINA).date()
        day = max(since.astimezone(CHINA).date(), last - dt.timedelta(days=QUERY_DAYS - 1))
        while day <= last:
            if self._took_on(sms, day, now):
                return sms.key  # the provider files it under OutId = key (its detail records carry no BizId)
            day += dt.timedelta(days=1)
        return None

    def _took_on(self, sms: Sms, day: dt.date, now: dt.datetime) -> bool:
        page = 1
        while True:
            body = self._call(self.url_for(self.query_params(sms, day, page, nonce=str(uuid.uuid4()), now=now)))
            found = (body.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
            if any(isinstance(item, dict) and item.get("OutId") == sms.key and item.get("SendStatus") != 2
                   for item in found):
                return True
            if not found or page * QUERY_PAGE >= int(body.get("TotalCount") or 0):
                return False
            page += 1

    def _call(self, url: str) -> dict[str, Any]:
        try:
            if self.client is not None:
                answer = self.client.get(url, timeout=self.timeout)
            else:
                answer = httpx.get(url, timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise GatewayFailure("短信平台超时未应答") from exc
        except httpx.HTTPError as exc:
            raise GatewayFailure(f"连接短信平台失败：{type(exc).__name__}") from exc
        try:
            body = answer.json()
        except ValueError:
            body = {}
        if answer.status_code != 200 or not isinstance(body, dict) or body.get("Code") != "OK":
            code = body.get("Code", "") if isinstance(body, dict) else ""
            message = body.get("Message", "") if isinstance(body, dict) else ""
            raise GatewayFailure(f"短信平台拒绝：HTTP {answer.status_code} {code} {message}".strip())
        return body
