"""Time limits for code pop runs but did not write: templates and plugins' hooks.

In the main thread a SIGALRM raises :class:`TooSlow` inside the running code (and again every
second, should that code swallow the first); elsewhere (``pop serve``'s worker threads) the
caller gets the deadline to check itself.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .errors import UsageError
from .i18n import _

try:  # the C module itself: the `signal` wrapper's enums cost every plugin call's start 0.7 ms
    import _signal as signal
except ImportError:  # pragma: no cover - another Python
    import signal  # type: ignore[no-redef]


class TooSlow(Exception):  # noqa: N818 - reads as what happened: the code was too slow
    """Raised inside code that ran past its time limit."""


def seconds_from_env(name: str, default: float) -> float:
    """A limit in seconds from the variable ``name`` (0: no limit), else ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):  # also NaN
        raise UsageError(_("{name}={value!r} is not a number of seconds (0: no limit)").format(
            name=name, value=raw))
    return seconds


def signals_work() -> bool:
    return hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float) -> Iterator[float | None]:
    """Raise :class:`TooSlow` in the code running after ``seconds``.

    Yields the monotonic deadline (None for no limit), so that callers can also check it where
    no signal can be used. Restores the previous SIGALRM handler and timer afterwards, so
    limits nest (a plugin's check inside a template's render).
    """
    if not seconds:
        yield None
        return
    end = time.monotonic() + seconds
    if not signals_work():
        yield end
        return

    armed = [True]

    def expired(signum: int, frame: Any) -> None:
        if armed[0]:
            raise TooSlow

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    outer = signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield end
    finally:
        armed[0] = False  # a late alarm does nothing from here on
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if outer[0] > 0:  # someone else's timer: what was left of it
            left = max(outer[0] - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer[1])
