"""What every page of ``pop serve`` gets: strict headers, tokens compared in constant time, a
CSRF token on every form, and a pause for an address that keeps guessing tokens (behind a
reverse proxy, ``pop serve --behind-proxy`` takes the address from ``X-Forwarded-For``).

No page runs script, so the Content-Security-Policy allows none; styles come from pop's own
stylesheet (a pack's print view also carries its own ``<style>``). Nothing is cached: every
page holds someone's plan.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
#: A pack's HTML document carries its styles inline; still no script, no outside resource.
DOCUMENT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                   "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
           "x-frame-options": "DENY", "cache-control": "no-store",
           "cross-origin-opener-policy": "same-origin"}
LEADER_COOKIE = "pop_leader"
PERSON_COOKIE = "pop_person"
MAX_MISSES = 10  # wrong tokens from one address before a pause
PAUSE_SECONDS = 60
MAX_ADDRESSES = 10_000


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a token (any input, any length)."""
    return hmac.compare_digest((given or "").encode("utf-8", "surrogatepass"),
                               expected.encode("utf-8"))


class Guard:
    """The leader's token, and the count of wrong tokens by address."""

    def __init__(self, leader_token: str | None = None):
        self.leader_token = leader_token or secrets.token_urlsafe(24)
        self._misses: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def csrf(credential: str) -> str:
        """The form token of whoever holds ``credential`` (their cookie's secret token): only
        they can know it, and it survives a restart of the server (an open form stays good)."""
        return hashlib.sha256(b"pop csrf\0" + credential.encode("utf-8", "surrogatepass")
                              ).hexdigest()

    def csrf_ok(self, credential: str, given: str | None) -> bool:
        return bool(credential) and same(given, self.csrf(credential))

    def paused(self, address: str) -> bool:
        """Too many wrong tokens from this address lately."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._misses.get(address, []) if now - t < PAUSE_SECONDS]
            if recent:
                self._misses[address] = recent
            else:
                self._misses.pop(address, None)
            return len(recent) >= MAX_MISSES

    def missed(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._misses) > MAX_ADDRESSES:  # forget the quiet ones: memory stays bounded
                self._misses = {a: t for a, t in self._misses.items()
                                if t and now - t[-1] < PAUSE_SECONDS}
            self._misses.setdefault(address, []).append(now)
            del self._misses[address][:-MAX_MISSES]


ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]],
                   Awaitable[None]]


class SecureHeaders:
    """ASGI middleware: the headers above on every response; the page policy unless the
    response set its own (a print view)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _value in headers}
                for name, value in HEADERS.items():
                    if name.encode() not in names:
                        headers.append((name.encode(), value.encode()))
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
