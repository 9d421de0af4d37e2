"""French number, amount and period formatting: the one place that writes them.

« 43,8 milliards de dollars », « +9,2 % », « 9,2 pour cent », « premier
semestre 2025 »: the story body, the key-figures box, the table, the chart and
the downloads' labels all call these functions.
"""

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from articles.markdown_fr import french_spacing
from articles.templatetags.gazette import MONTHS, french_date

NNBSP = "\u202f"
# Between a number and its unit: « 43,8 milliards » never breaks across lines.
NBSP = "\u00a0"
MINUS = "\u2212"

_SCALE_WORDS = {6: ("million", "millions"), 9: ("milliard", "milliards")}
_CURRENCY_WORDS = {"USD": "dollars", "CNY": "yuans"}
_ORDINALS = {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième"}


def format_number(value, places=None) -> str:
    """« 43,82 », « 1 700 », « −8,4 »: decimal comma, narrow spaces in thousands.

    ``places`` rounds to that many decimals; by default the value keeps the
    precision it was given with (43.80 stored as 43.8000 prints « 43,8 »).
    """
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    sign = MINUS if value < 0 else ""
    integer, _, decimals = f"{abs(value):f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = NNBSP.join(groups)
    return f"{sign}{text},{decimals}" if decimals else f"{sign}{text}"


def typeset(words: str) -> str:
    """Words quoting a number as French sets it (the story body's rules):
    narrow no-break spaces in its thousands (« 1 700 ») and before « % »,
    a no-break space before its unit (« 1 700 kilomètres » never breaks)."""
    return french_spacing(" ".join(words.split()))


def plain_number(value, places=None) -> str:
    """« 20 », « 43.82 », « -5.2 »: a value as downloads write it, dot decimal
    and never an exponent (``Decimal.normalize`` alone gives « 2E+1 »).

    ``places`` rounds as ``format_number`` does; by default the value keeps
    the decimals it was given with.
    """
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        value = value.normalize()
    if value == 0:
        value = abs(value)  # no « -0 »
    return f"{value:f}"


def format_percent(value, places=None, signed=True) -> str:
    """« +9,2 % », « −8,4 % »: signed by default, since it is a change."""
    text = format_number(value, places)
    if signed and Decimal(value) > 0:
        text = "+" + text
    return f"{text}{NNBSP}%"


def format_percent_words(value, places=None) -> str:
    """« 9,2 pour cent »: a change as prose writes it after « une hausse de »."""
    return f"{format_number(value, places)}{NBSP}pour cent"


def format_rank(value) -> str:
    """« 1er », « 4e »: a rank as French abbreviates it."""
    number = format_number(value)
    return f"{number}er" if number == "1" else f"{number}e"


def format_value(value, unit: str, scale: int, places=None) -> str:
    """A figure in words: « 43,8 milliards de dollars », « 1 milliard de dollars »,
    « 1 782,75 kilomètres », « 4e »; no line break between number and unit."""
    if unit == "PCT":
        return format_percent(value, places)
    if unit == "RNG":
        return format_rank(value)
    number = format_number(value, places)
    # French keeps the unit singular below two: « 1,5 milliard ».
    few = abs(Decimal(value)) < 2
    if unit == "KM":
        return f"{number}{NBSP}{'kilomètre' if few else 'kilomètres'}"
    currency = _CURRENCY_WORDS[unit]
    if scale == 0:
        return f"{number}{NBSP}{currency}"
    singular, plural = _SCALE_WORDS[scale]
    return f"{number}{NBSP}{singular if few else plural} de {currency}"


def unit_words(unit: str, scale: int) -> str:
    """« milliards de dollars », « % »: the unit of an axis or a column."""
    if unit == "PCT":
        return "%"
    if unit == "KM":
        return "kilomètres"
    if unit == "RNG":
        return "rang"
    if scale == 0:
        return _CURRENCY_WORDS[unit]
    return f"{_SCALE_WORDS[scale][1]} de {_CURRENCY_WORDS[unit]}"


def is_calendar_year(start: date, end: date) -> bool:
    return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
        start.year == end.year
    )


def format_period(start: date, end: date) -> str:
    """« 2024 », « premier semestre 2025 », « janvier-octobre 2023 », « mars 2024 »."""
    if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
        return f"du {french_date(start, False)} au {french_date(end, False)}"
    if start.year != end.year:
        if start.month == 1 and end.month == 12:
            return f"{start.year}-{end.year}"
        first, last = MONTHS[start.month - 1], MONTHS[end.month - 1]
        return f"{first} {start.year}-{last} {end.year}"
    months = end.month - start.month + 1
    year = start.year
    if months == 12:
        return str(year)
    if months == 6 and start.month in (1, 7):
        return f"{_ORDINALS[1 if start.month == 1 else 2]} semestre {year}"
    if months == 3 and start.month % 3 == 1:
        return f"{_ORDINALS[(start.month + 2) // 3]} trimestre {year}"
    if months == 1:
        return f"{MONTHS[start.month - 1]} {year}"
    return f"{MONTHS[start.month - 1]}-{MONTHS[end.month - 1]} {year}"

