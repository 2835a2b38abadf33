"""A local stand-in for 阿里云短信's SendSms and QuerySendDetails that checks each request as the provider
documents it.

It recomputes the RPC signature from the query it received, with its own code written from
the signature mechanism's steps (not with workflows.sms): sort every parameter but Signature,
percent-encode names and values (URL-encode in UTF-8, then "+" → "%20", "*" → "%2A",
"%7E" → "~"), join them with "&" and "=", StringToSign = "GET&%2F&" + the encoded canonical
query, Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)). Then it checks
every common parameter and those of the action, and answers as the provider does. `script` scripts
the answers to SendSms: "ok", "500" (a server error), "hang" (no answer within the client's timeout,
the message not taken), "take-hang" (the message taken, then no answer: the lost answer a sender
must not send twice); `delay` slows every answer. QuerySendDetails answers from the messages taken:
those to the number on the day asked (China time), a page at a time, each with its OutId.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus, urlsplit

KEY_ID, SECRET = "LTAI5tTestKeyId0001", "test/secret+with=signs"
COMMON = {"AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod", "SignatureNonce", "SignatureVersion",
          "Timestamp", "Version"}
SEND_SMS = {"PhoneNumbers", "SignName", "TemplateCode", "TemplateParam", "OutId"}
QUERY = {"PhoneNumber", "SendDate", "PageSize", "CurrentPage"}
CHINA = dt.timezone(dt.timedelta(hours=8))


def encode(text: str) -> str:
    return quote_plus(text, safe="*").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def expected_signature(params: dict[str, str]) -> str:
    canonical = "&".join(f"{encode(k)}={encode(params[k])}" for k in sorted(params))
    to_sign = "GET&" + encode("/") + "&" + encode(canonical)
    return base64.b64encode(hmac.new((SECRET + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class Provider:
    def __init__(self, script: list[str] | None = None, *, delay: float = 0.0) -> None:
        self.script = list(script or [])
        self.delay = delay  # seconds each answer takes, so that a sender can be caught in the middle of one
        self.received: list[dict[str, str]] = []  # the SendSms requests
        self.queries: list[dict[str, str]] = []  # the QuerySendDetails requests
        self.taken: list[dict[str, str | int]] = []  # the messages it took: OutId, PhoneNum, SendDate (China day)
        self.problems: list[str] = []
        self.nonces: set[str] = set()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def check(self, raw_query: str) -> tuple[dict[str, str], list[str]]:
        pairs = parse_qsl(raw_query, keep_blank_values=True, strict_parsing=True)
        params = dict(pairs)
        problems = []
        if len(params) != len(pairs):
            problems.append("a parameter is repeated")
        signature = params.pop("Signature", "")
        if signature != expected_signature(params):
            problems.append("SignatureDoesNotMatch")
        action = params.get("Action")
        expected = COMMON | (QUERY if action == "QuerySendDetails" else SEND_SMS)
        if set(params) != expected:
            problems.append(f"parameters {sorted(set(params) ^ expected)}")
        fixed = {"AccessKeyId": KEY_ID, "Format": "JSON", "SignatureMethod": "HMAC-SHA1",
                 "SignatureVersion": "1.0", "Version": "2017-05-25"}
        problems += [f"{k}={params.get(k)!r}" for k, v in fixed.items() if params.get(k) != v]
        if action not in ("SendSms", "QuerySendDetails"):
            problems.append(f"Action={action!r}")
        try:
            stamp = dt.datetime.strptime(params.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            if abs(dt.datetime.now(dt.UTC) - stamp) > dt.timedelta(minutes=15):
                problems.append("InvalidTimeStamp.Expired")
        except ValueError:
            problems.append("InvalidTimeStamp.Format")
        nonce = params.get("SignatureNonce", "")
        if not nonce or nonce in self.nonces:
            problems.append("SignatureNonceUsed")
        self.nonces.add(nonce)
        if action == "QuerySendDetails":
            return params, problems + self.check_query(params)
        try:
            if not isinstance(json.loads(params.get("TemplateParam", "")), dict):
                problems.append("TemplateParam is not a JSON object")
        except ValueError:
            problems.append("TemplateParam is not JSON")
        return params, problems

    @staticmethod
    def check_query(params: dict[str, str]) -> list[str]:
        """QuerySendDetails: SendDate yyyyMMdd within the last 30 days, PageSize 1–50, CurrentPage from 1."""
        problems = []
        try:
            day = dt.datetime.strptime(params.get("SendDate", ""), "%Y%m%d").date()
            if not 0 <= (dt.datetime.now(CHINA).date() - day).days < 30:
                problems.append("isv.DAY_LIMIT_CONTROL")
        except ValueError:
            problems.append("SendDate format")
        if not params.get("PageSize", "").isdigit() or not 1 <= int(params["PageSize"]) <= 50:
            problems.append("PageSize")
        if not params.get("CurrentPage", "").isdigit() or int(params["CurrentPage"]) < 1:
            problems.append("CurrentPage")
        return problems

    def details(self, params: dict[str, str]) -> dict:
        mine = [t for t in self.taken if t["PhoneNum"] == params["PhoneNumber"] and t["day"] == params["SendDate"]]
        size, page = int(params["PageSize"]), int(params["CurrentPage"])
        shown = [{k: v for k, v in t.items() if k != "day"} for t in mine[(page - 1) * size:page * size]]
        return {"Code": "OK", "Message": "OK", "RequestId": "0A974B78-02BF-4C79-ADF3-90CFBA1B55B1",
                "TotalCount": len(mine), "SmsSendDetailDTOs": {"SmsSendDetailDTO": shown}}

    def take(self, params: dict[str, str]) -> None:
        now = dt.datetime.now(CHINA)
        self.taken.append({"OutId": params["OutId"], "PhoneNum": params["PhoneNumbers"], "SendStatus": 3,
                           "ErrCode": "DELIVERED", "TemplateCode": params["TemplateCode"], "Content": "",
                           "SendDate": now.strftime("%Y-%m-%d %H:%M:%S"), "day": now.strftime("%Y%m%d")})

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        params, problems = self.check(urlsplit(handler.path).query)
        query = params.get("Action") == "QuerySendDetails"
        (self.queries if query else self.received).append(params)
        self.problems += problems
        step = "ok" if query else (self.script.pop(0) if self.script else "ok")
        if step in ("take-hang", "ok") and not query and not problems:
            self.take(params)  # taken on receipt: a sender killed while it waits for the answer has sent it
        time.sleep(self.delay)
        if step in ("hang", "take-hang"):
            time.sleep(2)
            return
        if problems:
            status, body = 400, {"Code": problems[0], "Message": "; ".join(problems)}
        elif step == "500":
            status, body = 500, {"Code": "isp.SYSTEM_ERROR", "Message": "系统错误"}
        elif query:
            status, body = 200, self.details(params)
        else:
            status, body = 200, {"Code": "OK", "Message": "OK", "BizId": f"9{len(self.received):05d}^0",
                                 "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}
        data = json.dumps(body, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json;charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
