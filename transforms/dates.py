"""Resolve the day a sentence speaks of against the article's publication date.

"Sunday" is the latest Sunday on or before publication (not a week earlier, the
fault of dateparser's defaults), "yesterday" and "last night" the day before,
"two days earlier" counts from the day it refers to, and "8 April" is the latest
8 April on or before publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_COUNT = r"(?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)"
_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10}

PATTERNS = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("day_month", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH}(?:,? (?P<year>\d{{4}}))?\b", re.I)),
    ("month_day", re.compile(rf"\b{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<year>\d{{4}}))?", re.I)),
    ("relative", re.compile(rf"\b{_COUNT} (?P<unit>day|week)s? (?P<dir>earlier|before|ago|later|after)\b", re.I)),
    ("day_before", re.compile(r"\b(?:the (?:day before|previous day|day earlier|preceding day))\b", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night)\b", re.I)),
    ("today", re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I)),
    ("weekday", re.compile(r"\b(?P<last>last )?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)),
]


@dataclass(frozen=True)
class DateMention:
    start: int  # character offsets in the sentence
    end: int
    text: str
    day: date | None  # None when publication date is unknown and the mention is relative


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Every day a sentence names, in reading order; relative counts resolve from the day before them."""
    found: list[tuple[int, int, str, re.Match]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), kind, m))
    found.sort()
    mentions: list[DateMention] = []
    for start, end, kind, m in found:
        anchor = next((d.day for d in reversed(mentions) if d.day), published)
        if kind in ("relative", "day_before"):
            day = _relative(kind, m, anchor, published)
        else:
            day = _absolute(kind, m, published)
        if day is not None or published is None:
            mentions.append(DateMention(start, end, m.group(0), day))
    return mentions


def _absolute(kind: str, m: re.Match, published: date | None) -> date | None:
    if kind == "iso":
        return _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if kind in ("day_month", "month_day"):
        month = MONTHS[m["month"].lower()[:3]]
        day = int(m["day"])
        if m["year"]:
            return _safe_date(int(m["year"]), month, day)
        if published is None:
            return None
        candidate = _safe_date(published.year, month, day)
        if candidate and candidate > published:
            candidate = _safe_date(published.year - 1, month, day)
        return candidate
    if published is None:
        return None
    if kind == "yesterday":
        return published - timedelta(days=1)
    if kind == "today":
        return published
    weekday = WEEKDAYS.index(m["weekday"].lower())
    back = (published.weekday() - weekday) % 7
    if m["last"] and back == 0:
        back = 7
    return published - timedelta(days=back)


def _relative(kind: str, m: re.Match, anchor: date | None, published: date | None) -> date | None:
    if kind == "day_before":
        return anchor - timedelta(days=1) if anchor else None
    count = m["count"].lower()
    days = int(count) if count.isdigit() else _COUNTS[count]
    days *= 7 if m["unit"].lower() == "week" else 1
    direction = m["dir"].lower()
    if direction == "ago":
        return published - timedelta(days=days) if published else None
    if anchor is None:
        return None
    return anchor - timedelta(days=days) if direction in ("earlier", "before") else anchor + timedelta(days=days)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
