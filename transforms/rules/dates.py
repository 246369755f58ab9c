"""Resolve the day a sentence speaks of against the article's publication date.

"Sunday" is the latest Sunday on or before publication (not a week earlier, the
fault of dateparser's defaults), "yesterday" and "last night" the day before,
"two days earlier" counts from the day it refers to, and "8 April" is the latest
8 April on or before publication. Every day carries an ACLED-like precision:
1 the day itself, 2 about that day or within that week ("overnight", "last
week"), 3 within that month ("in early March": its first day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
MONTHS = {name[:3]: number for number, name in enumerate(MONTH_NAMES, 1)}   # "jan" -> 1
_MONTH_NAME = r"(?P<month>" + "|".join(name.capitalize() for name in MONTH_NAMES) + ")"
_COUNT = r"(?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)"
_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10}

PATTERNS = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("day_month", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH}(?:,? (?P<year>\d{{4}}))?\b",
                             re.I)),
    ("month_day", re.compile(rf"\b{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<year>\d{{4}}))?", re.I)),
    ("relative", re.compile(rf"\b{_COUNT} (?P<unit>day|week)s? (?P<dir>earlier|before|ago|later|after)\b", re.I)),
    ("day_before", re.compile(r"\b(?:the (?:day before|previous day|day earlier|preceding day))\b", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night)\b", re.I)),
    ("overnight", re.compile(r"\bovernight\b", re.I)),
    ("week", re.compile(r"\b(?P<which>last|past|this|earlier this) week\b", re.I)),
    # Case-sensitive and after a preposition or "early", so that "may" the verb and "march" the walk are no month.
    ("month", re.compile(r"\b(?:[Ii]n|[Ss]ince|by|until|during|[Ee]arly|[Mm]id|[Ll]ate)[- ]"
                         rf"(?:(?:early|mid|late)[- ])?{_MONTH_NAME}(?: (?P<year>\d{{4}}))?\b")),
    ("today", re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I)),
    ("weekday", re.compile(r"\b(?P<last>last )?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
                           re.I)),
]


PRECISION = {"overnight": 2, "week": 2, "month": 3}
# A day without a year this soon after publication is upcoming (or a later update's), not the year before's.
UPCOMING_DAYS = 31
# How far into an article the dateline runs: "KABUL, Afghanistan (Dec. 24) - ...".
DATELINE_CHARS = 400
_YEAR = re.compile(r"\b(?P<year>(?:19|20)\d\d)\b")


@dataclass(frozen=True)
class DateMention:
    start: int  # character offsets in the sentence
    end: int
    text: str
    day: date | None  # None when publication date is unknown and the mention is relative
    precision: int = 1  # 1 day, 2 about that day or that week, 3 that month


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
            precision = 2 if kind == "relative" and m["unit"].lower() == "week" else PRECISION.get(kind, 1)
            mentions.append(DateMention(start, end, m.group(0), day, precision))
    return mentions


def dateline_date(text: str) -> date | None:
    """The day an article's opening gives, for articles that come without a publication date.

    A full date ("March 24, 2011") is taken as it is; a day without a year ("(Dec. 24)") takes
    the first year written near it (press-release numbers such as "2009-12-CA-080" carry one).
    """
    head = text[:DATELINE_CHARS]
    days = [d for d in find_dates(head, None) if d.day is not None]
    if days:
        return days[0].day
    year = _YEAR.search(head)
    if year is None:
        return None
    for kind in ("day_month", "month_day"):
        for m in dict(PATTERNS)[kind].finditer(head):
            if not m["year"]:
                return _safe_date(int(year["year"]), MONTHS[m["month"].lower()[:3]], int(m["day"]))
    return None


def _absolute(kind: str, m: re.Match, published: date | None) -> date | None:
    if kind == "iso":
        return _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if kind in ("day_month", "month_day"):
        return _day_of_month(m, published)
    if kind == "month":
        return _latest_month(m, published)
    if published is None:
        return None
    return _from_publication(kind, m, published)


def _day_of_month(m: re.Match, published: date | None) -> date | None:
    """ "5 July", "July 5, 2022": in its year if given, else the latest such day by publication."""
    month = MONTHS[m["month"].lower()[:3]]
    day = int(m["day"])
    if m["year"]:
        return _safe_date(int(m["year"]), month, day)
    if published is None:
        return None
    candidate = _safe_date(published.year, month, day)
    if candidate and candidate > published:
        if (candidate - published).days <= UPCOMING_DAYS:
            return None  # "talks on July 5" in a July 3 article, an update dated a day later: not last year's
        candidate = _safe_date(published.year - 1, month, day)
    return candidate


def _from_publication(kind: str, m: re.Match, published: date) -> date | None:
    """ "yesterday", "today", "last week", "on Tuesday": counted back from the publication day."""
    if kind in ("yesterday", "overnight"):
        return _shift(published, -1)
    if kind == "today":
        return published
    if kind == "week":
        return _shift(published, -7) if m["which"].lower() in ("last", "past") else published
    weekday = WEEKDAYS.index(m["weekday"].lower())
    back = (published.weekday() - weekday) % 7
    if m["last"] and back == 0:
        back = 7
    return _shift(published, -back)


def _latest_month(m: re.Match, published: date | None) -> date | None:
    """The first day of the month named, in its year if given, else the latest such month by publication."""
    month = MONTHS[m["month"].lower()[:3]]
    if m["year"]:
        return _safe_date(int(m["year"]), month, 1)
    if published is None:
        return None
    return _safe_date(published.year if month <= published.month else published.year - 1, month, 1)


def _relative(kind: str, m: re.Match, anchor: date | None, published: date | None) -> date | None:
    if kind == "day_before":
        return _shift(anchor, -1) if anchor else None
    count = m["count"].lower()
    days = int(count) if count.isdigit() else _COUNTS[count]
    days *= 7 if m["unit"].lower() == "week" else 1
    direction = m["dir"].lower()
    if direction == "ago":
        return _shift(published, -days) if published else None
    if anchor is None:
        return None
    return _shift(anchor, -days if direction in ("earlier", "before") else days)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _shift(day: date, days: int) -> date | None:
    """``day`` moved by ``days``; None when that leaves the calendar ("3000000 days ago", "in March 0000")."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None
