"""Dates in and around an article: the date it carries (front matter, page metadata, a dateline), the
dates and weekdays its text mentions, and the relative times ("last week") that need such a date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from copydesk.document import Article, Block

MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], 1)}
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
              "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

# Metadata keys that date an article: front matter, <meta> properties, schema.org names.
DATE_KEYS = ("date", "published", "published_at", "publish_date", "pubdate", "pub_date", "date_published",
             "datepublished", "article:published_time", "og:published_time", "article:modified_time",
             "updated", "dateline", "created", "dc.date", "sailthru.date", "parsely-pub-date")

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_WEEKDAY = r"(?:(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?)?"
# "22 December 1996" (day first) and "December 22, 1996" / "May 9" (month first). "May" alone is a verb far
# more often than a month, so a month-first date needs its day.
DMY = re.compile(_WEEKDAY + r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
                 + r"(?:,?\s+(?P<year>1[89]\d\d|20\d\d))?\b")
MDY = re.compile(_WEEKDAY + r"\b" + _MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:%|percent|per cent))"
                 r"(?:,?\s+(?P<year>1[89]\d\d|20\d\d))?(?![\d:])")
ISO = re.compile(r"\b(?P<year>1[89]\d\d|20\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")


@dataclass
class DateMention:
    block: Block
    start: int
    end: int
    style: str  # dmy | mdy | iso
    date: dt.date | None  # None when the year is not given or the date does not exist
    month: int
    day: int
    year: int | None
    weekday: str | None


def _month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.get(name) or MONTH_ABBR.get(name[:4]) or MONTH_ABBR.get(name[:3], 0)


def _make(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(value: object) -> dt.date | None:
    """A date from a metadata value: ISO (2025-05-09, with or without time), or written out."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = ISO.search(value)
    if m:
        return _make(int(m["year"]), int(m["month"]), int(m["day"]))
    for pattern in (MDY, DMY):
        m = pattern.search(value)
        if m and m["year"]:
            return _make(int(m["year"]), _month_number(m["month"]), int(m["day"]))
    return None


def mentions(block: Block) -> Iterator[DateMention]:
    """The calendar dates written in a block, with the style each is written in."""
    for found in _mentions(block.text):
        yield DateMention(block, *found)


@lru_cache(maxsize=4096)  # a pure function of the text: a warm re-check reads only the blocks that changed
def _mentions(text: str) -> tuple[tuple, ...]:
    return tuple(_find_mentions(text))


def _find_mentions(text: str) -> Iterator[tuple]:
    taken: list[tuple[int, int]] = []
    for style, pattern in (("dmy", DMY), ("mdy", MDY), ("iso", ISO)):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            month = int(m["month"]) if style == "iso" else _month_number(m["month"])
            day, year = int(m["day"]), int(m["year"]) if m["year"] else None
            if not month or not 1 <= day <= 31:
                continue
            if style == "mdy" and m["month"].lower().startswith("may") and not (year or m["weekday"]):
                # "may 9" could be "may nine...": take May only with a capital
                if not m["month"][0].isupper():
                    continue
            taken.append((m.start(), m.end()))
            weekday = m.groupdict().get("weekday")
            yield (m.start(), m.end(), style, _make(year, month, day), month, day, year,
                   weekday.lower() if weekday else None)


# A dateline opens the story: "OSTERBY, May 9 (Reuters) -", "May 9, 2025 —", "Published 9 May 2025".
DATELINE = re.compile(r"^(?:[A-Z][A-Za-z .'-]{1,40},\s+)?(?:" + MDY.pattern + "|" + DMY.pattern.replace("?P<", "?P<d_")
                      + r")\s*(?:\([^)]{1,40}\))?\s*[-–—:]", re.M)
PUBLISHED = re.compile(r"^\s*(?:published|posted|updated|last updated|first published|date)\b[:\s]", re.I)


def article_date(article: Article) -> dt.date | None:
    """The date the article carries: its metadata, or a dateline or 'Published ...' line near the top."""
    if "date" in article.cache:
        return article.cache["date"]
    found = None
    for key in DATE_KEYS:
        value = article.meta.get(key)
        found = parse_date(value)
        if found:
            break
    if found is None:
        for block in article.body[:12]:
            if DATELINE.search(block.text) or PUBLISHED.match(block.text) or block.kind == "byline":
                dates = [m.date for m in mentions(block) if m.date]
                if dates:
                    found = dates[0]
                    break
    article.cache["date"] = found
    return found


def has_dateline(article: Article) -> bool:
    """The article tells the reader when it was written, even without a year ("MOSCOW, May 9 -")."""
    if article_date(article):
        return True
    return any(DATELINE.search(b.text) or (PUBLISHED.match(b.text) and any(True for _ in mentions(b)))
               for b in article.body[:12])
