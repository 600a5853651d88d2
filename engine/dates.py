"""Dates as people type them in Flanders and the Netherlands: ISO, 31-03-2026, 31 maart 2026."""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "maa": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "january": 1, "february": 2, "march": 3, "mar": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "october": 10,
}
MONTH_NAMES_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                  "september", "oktober", "november", "december")
MONTH_NAMES_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")
# patterns as text, compiled on first use (re keeps them): most commands parse no date
_NUMERIC = r"^\s*(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})\s*$"
_ISO = r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$"
_WORDS = r"(?i)^\s*(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})\s*$"

def parse_date(text: str) -> date | None:
    """A date from ISO, ``dd-mm-jjjj`` (also / and .) or ``31 maart 2026``; None otherwise."""
    if not isinstance(text, str):
        return None
    for pattern, order in ((_ISO, (0, 1, 2)), (_NUMERIC, (2, 1, 0))):
        match = re.match(pattern, text)
        if match:
            parts = [int(g) for g in match.groups()]
            try:
                return date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    match = re.match(_WORDS, text)
    if match and match.group(2).lower() in MONTHS:
        try:
            return date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            return None
    return None


def is_time_bound(text: str) -> bool:
    """Whether a timing names a real date or a dated period (Q1 2025, maart 2026, week 12
    2026); ``31-02-2026`` does not, nor does ``doorlopend``."""
    return deadline(text) is not None


def format_date(value: date | str | None, lang: str = "nl") -> str:
    """``2026-03-31`` → ``31 maart 2026`` (Dutch) or ``31 March 2026`` (English)."""
    if isinstance(value, str):
        value = parse_date(value)
    if value is None:
        return ""
    if lang == "en":
        return f"{value.day} {MONTH_NAMES_EN[value.month - 1]} {value.year}"
    return f"{value.day} {MONTH_NAMES_NL[value.month - 1]} {value.year}"


def add_days(value: date, days: int) -> date:
    return value + timedelta(days=days)


_LAST_DAY = (
    r"(?i)\b(?:(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"                          # 30-06-2026
    r"|[QK]([1-4])\s*(\d{4})"                                           # Q2 2026
    r"|(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})"  # juni 2026
    r"|(?:week|wk)\s*(\d{1,2})\D{1,12}?(\d{4})"                          # week 12 2026
    r"|(\d{1,2})[-/.](\d{4}))\b")                                        # 06/2026


def deadline(text: str) -> date | None:
    """The last day a timing allows: a date, or the end of the last dated period it names.

    ``30-06-2026`` → 2026-06-30; ``Q2 2026`` → 2026-06-30; ``september 2026 – februari 2027``
    → 2027-02-28. None when the text names no date (``doorlopend``).
    """
    if not isinstance(text, str):
        return None
    exact = parse_date(text)
    if exact:
        return exact
    found = None
    for match in re.finditer(_LAST_DAY, text):
        day, month, year, quarter, qyear, name, nyear, week, wyear, mmonth, myear = \
            match.groups()
        try:
            if day:
                found = date(int(year), int(month), int(day))
            elif quarter:
                found = _month_end(int(qyear), int(quarter) * 3)
            elif name:
                found = _month_end(int(nyear), MONTHS[name.lower()])
            elif week:
                found = date.fromisocalendar(int(wyear), int(week), 7)
            else:
                found = _month_end(int(myear), int(mmonth))
        except ValueError:
            continue
    return found


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month}")
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)
