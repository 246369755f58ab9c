"""Read numbers written as digits or words: "2,600", "twenty-one", "1.5 million", "a dozen"."""

from __future__ import annotations

import math
import re

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1, "single": 1,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NOUN_NUMBERS = {"dozen": 12, "score": 20, "couple": 2, "pair": 2}

NUMBER_WORDS = set(UNITS) - {"a", "an", "single"} | set(TENS) | set(SCALES) | set(NOUN_NUMBERS)
MAX_COUNT = 2**63 - 1
_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+(\.\d+)?$")


def is_number_word(word: str) -> bool:
    word = word.lower()
    return bool(_DIGITS.match(word)) or word in NUMBER_WORDS or _hyphenated(word) is not None


def parse_number(words: list[str]) -> int | None:
    """The integer that a run of number tokens spells, or None when it spells none.

    >>> parse_number(["1.5", "million"]), parse_number(["twenty-one"]), parse_number(["a", "dozen"])
    (1500000, 21, 12)
    """
    words = [w.lower().replace("\u2009", "") for w in words if w.lower() not in ("and", "-")]
    if not words:
        return None
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if (value := _added_value(word)) is not None:
            current += value
        elif word in NOUN_NUMBERS:
            current = (current or 1) * NOUN_NUMBERS[word]
        elif word in SCALES:
            scale = SCALES[word]
            if scale == 100:
                current = (current or 1) * scale
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
        seen = True
    if not seen or not math.isfinite(total + current):
        return None
    number = int(round(total + current))
    # Beyond any 64-bit column: no count a report gives, and no row could hold it.
    return number if number <= MAX_COUNT else None


def _added_value(word: str) -> float | None:
    """What a word adds to the number being read ("1,200", "seven", "forty", "forty-two"); None for a scale."""
    if _DIGITS.match(word):
        return float(word.replace(",", ""))
    if word in UNITS:
        return UNITS[word]
    if word in TENS:
        return TENS[word]
    return _hyphenated(word)


def _hyphenated(word: str) -> int | None:
    parts = word.split("-")
    if len(parts) == 2 and parts[0] in TENS and parts[1] in UNITS and UNITS[parts[1]] < 10:
        return TENS[parts[0]] + UNITS[parts[1]]
    return None
