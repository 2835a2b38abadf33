"""What the OpenAPI document says each operation can answer besides success, in one place.

Every error body is `ErrorOut` ({code, message, field}); the API answers it as
JSON, the pages (and their downloads) as a Chinese error page unless the caller
asks for JSON. A 422 marked `x-domain-rule` can come from a request that is
well formed by this document but breaks a business rule the schema cannot
express (a check digit, a material the matter does not have, a date outside
the range the figures cover); the property tests read that mark.
"""

from __future__ import annotations

from typing import Any

# FastAPI's type of a route's `responses`: status code (or "default") -> that answer's OpenAPI object.
Responses = dict[int | str, dict[str, Any]]
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
DESCRIPTIONS = {
    303: "未登录的浏览器被转到登录页",
    400: "请求体不是合法的 JSON 或嵌套过深（malformed-body）",
    401: "未登录，或接口令牌无效、已吊销",
    403: "岗位无权操作，或 CSRF 校验失败",
    404: "办件、事项、统计项或令牌不存在",
    409: "办件已被他人改动（case-changed），或当前状态不允许该操作",
    422: "输入有误，field 指出哪一项：或不符合本文档（invalid-input），"
         "或格式正确但违反业务规则（如证件号码校验位错误、事项没有该材料、"
         "日期超出 2000-01-01 至 2099-12-31 的 date-out-of-range）",
    429: "本机查询失败次数过多，请稍后再试",
    503: "数据库暂时不可用，请稍后重试（database-unavailable）",
}
DOMAIN_RULE = {"x-domain-rule": True}


def api_errors(*statuses: int) -> Responses:
    """Errors of a JSON operation (the model also puts ErrorOut among the document's schemas)."""
    from windows.schemas import ErrorOut

    return {s: {"model": ErrorOut, "description": DESCRIPTIONS[s]} | (DOMAIN_RULE if s == 422 else {})
            for s in statuses}


def page_errors(*statuses: int) -> Responses:
    """Errors of a page or a download: the error page, or the JSON body for a caller that accepts JSON."""
    out: Responses = {}
    for s in statuses:
        if s == 303:
            out[s] = {"description": DESCRIPTIONS[s]}
        else:
            out[s] = {"description": DESCRIPTIONS[s], **(DOMAIN_RULE if s == 422 else {}),
                      "content": {"text/html": {"schema": {"type": "string"}},
                                  "application/json": {"schema": ERROR_REF}}}
    return out


def success(*media_types: str, description: str = "成功", json_schema: dict[str, Any] | None = None) -> Responses:
    """A 200 answered in the given media types (binary files as strings of bytes)."""
    content = {m: {"schema": json_schema if m == "application/json" and json_schema
                   else {"type": "string"} if m.startswith("text/") else {"type": "string", "format": "binary"}}
               for m in media_types}
    return {200: {"description": description, "content": content}}


BODY_ERRORS = api_errors(400)  # operations that read a JSON body
