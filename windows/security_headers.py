"""Headers every response carries: framing, sniffing, referrer, caching and the Content-Security-Policy.

Each request gets its own CSP nonce (`request.state.csp_nonce`, given to every
template as `csp_nonce` by windows.rendering); a page's inline <script> runs only
with it, so markup an attacker slipped into a page cannot run script. Pages carry
no inline event handlers (onclick=…), which no nonce can allow.

Styles may be inline ('unsafe-inline' in style-src): the guides' tables size their
columns with style attributes that the print renderer reads too, and CSS cannot run
script; script, the real risk, is nonce-only.

Swagger UI at /docs (fastapi-offline's page) starts itself with inline scripts we do
not template; its responses are allowed exactly those scripts by their SHA-256
hashes, computed from the page as sent, instead of the nonce.

Responses are `Cache-Control: no-store` unless the route set its own caching (the
public guide PDFs do): staff pages and API answers hold personal data, and the
public status page an applicant's case.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

SECURITY_HEADERS = {
    # No page of ours is meant to be framed (the forms would be clickjacking targets),
    # sniffed as another type, or to leak case URLs to other sites through Referer.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
NO_STORE = "no-store"
DOCS_PREFIX = "/docs"
_FIXED = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def policy(script_sources: str) -> str:
    return f"{_FIXED}; script-src 'self' {script_sources}"


def nonce_policy(nonce: str) -> str:
    return policy(f"'nonce-{nonce}'")


def hash_policy(html: bytes) -> str:
    """script-src allowing exactly the inline scripts of this page, by hash (Swagger UI's page)."""
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
              for body in _INLINE_SCRIPT.findall(html)]
    return policy(" ".join(hashes) or "'none'")


class SecurityHeaders:
    """Plain ASGI middleware (no per-request task, unlike @app.middleware) adding the headers above."""

    def __init__(self, app):
        self.app = app
        self.fixed = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        if scope["path"] == DOCS_PREFIX or scope["path"].startswith(DOCS_PREFIX + "/"):
            return await self.app(scope, receive, self._hashed(send))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = self._headers(message.get("headers", []), nonce_policy(nonce))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(self, headers: list, csp: str) -> list:
        present = {name.lower() for name, _ in headers}
        extra = [*self.fixed, (b"content-security-policy", csp.encode()), (b"cache-control", NO_STORE.encode())]
        return [*headers, *(h for h in extra if h[0] not in present)]

    def _hashed(self, send):
        """A `send` that holds the response back until its body is known, to hash its inline scripts."""
        held: dict = {}
        chunks: list[bytes] = []

        async def send_hashed(message):
            if message["type"] == "http.response.start":
                held.update(message)
                return
            if message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            await send({**held, "headers": self._headers(held.get("headers", []), hash_policy(body))})
            await send({"type": "http.response.body", "body": body})

        return send_hashed
