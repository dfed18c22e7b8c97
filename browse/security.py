"""Headers that keep archived content inert, and the access-token gate.

Replay isolation, in three layers (any one of them alone stops an archived script):

1. Replayed bytes are served with ``Content-Security-Policy: sandbox`` (no ``allow-scripts``,
   no ``allow-same-origin``) plus ``script-src 'none'`` and ``default-src 'none'``. The
   browser gives the document an opaque origin and runs none of its scripts, even when the
   raw URL is opened directly in a tab, so it can reach neither the UI's DOM, cookies nor
   storage, and it loads nothing from the live web.
2. The UI embeds replays in ``<iframe sandbox>`` (empty: every restriction), so the frame
   could not script its parent or navigate the top window even without layer 1.
3. UI pages carry a strict policy of their own (``script-src 'none'``; the UI needs no
   JavaScript), are never framed (``frame-ancestors 'none'``), and Jinja escapes every
   archived string they show.

A separate origin (a second port or host for replays) would give the same isolation, but it
needs a second listener, a second token check and cross-origin links, and breaks behind a
single reverse-proxy path; the sandbox gets there on one origin.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UI_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
          "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; script-src 'none'")
REPLAY_CSP = ("sandbox; default-src 'none'; script-src 'none'; object-src 'none'; "
              "style-src 'unsafe-inline'; img-src data:; font-src data:; form-action 'none'; "
              "base-uri 'none'; frame-ancestors 'self'")
COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
COOKIE = "newsvault_browse"


class SecurityHeaders:
    """Adds the UI's headers to every response; a response that set its own
    Content-Security-Policy (replay) keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in headers}
                extra = dict(COMMON)
                if "content-security-policy" not in present:
                    extra |= {"content-security-policy": UI_CSP, "x-frame-options": "DENY"}
                headers += [(k.encode(), v.encode()) for k, v in extra.items()
                            if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def cookie_value(token: str) -> str:
    """What the cookie holds: a digest of the token, so the cookie never reveals it."""
    return hashlib.sha256(f"newsvault-browse:{token}".encode()).hexdigest()


class TokenGate:
    """With a token configured, every request needs it: ``Authorization: Bearer <token>``,
    or the cookie set after opening any page once with ``?token=<token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token, self.cookie = app, token, cookie_value(token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.token:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                          keep_blank_values=True)
        given = dict(query).get("token")
        if given is not None and hmac.compare_digest(given, self.token):
            await self._remember(scope, send, [(k, v) for k, v in query if k != "token"])
            return
        bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
        cookies = _cookies(headers.get("cookie", ""))
        if (bearer and hmac.compare_digest(bearer, self.token)) or hmac.compare_digest(
                cookies.get(COOKIE, ""), self.cookie):
            await self.app(scope, receive, send)
            return
        await _plain(send, 401, "This newsvault archive needs its access token: open it "
                     "with ?token=<NEWSVAULT_BROWSE_TOKEN>, or send 'Authorization: Bearer "
                     "<token>'.\n", [(b"www-authenticate", b"Bearer")])

    async def _remember(self, scope: Scope, send: Send, rest: list[tuple[str, str]]) -> None:
        location = scope.get("root_path", "") + scope["path"] + (
            "?" + urlencode(rest) if rest else "")
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{COOKIE}={self.cookie}; Path=/; HttpOnly; SameSite=Strict{secure}"
        await _plain(send, 303, "", [(b"location", location.encode("latin-1")),
                                     (b"set-cookie", cookie.encode("latin-1"))])


def _cookies(header: str) -> dict[str, str]:
    pairs = (part.strip().split("=", 1) for part in header.split(";") if "=" in part)
    return {k: v for k, v in pairs}


async def _plain(send: Send, status: int, body: str,
                 headers: list[tuple[bytes, bytes]]) -> None:
    data = body.encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(data)).encode()), *headers]})
    await send({"type": "http.response.body", "body": data})
