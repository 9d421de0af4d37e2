from datetime import date
from decimal import Decimal

import pytest

from trade.formatting import (
    format_number,
    format_percent,
    format_percent_words,
    format_period,
    format_value,
    plain_number,
    typeset,
)

NNBSP = "\u202f"
# Between a number and its unit: no line break there.
NBSP = "\u00a0"


@pytest.mark.parametrize(
    "value, unit, scale, expected",
    [
        (Decimal("43.8"), "USD", 9, f"43,8{NBSP}milliards de dollars"),
        (Decimal("43.8000"), "USD", 9, f"43,8{NBSP}milliards de dollars"),
        (Decimal("43.82"), "USD", 9, f"43,82{NBSP}milliards de dollars"),
        (Decimal("25"), "USD", 9, f"25{NBSP}milliards de dollars"),
        (Decimal("1.5"), "USD", 9, f"1,5{NBSP}milliard de dollars"),
        (Decimal("286.4"), "CNY", 9, f"286,4{NBSP}milliards de yuans"),
        (Decimal("750"), "USD", 6, f"750{NBSP}millions de dollars"),
        (Decimal("1700"), "USD", 0, f"1{NNBSP}700{NBSP}dollars"),
        (Decimal("9.2"), "PCT", 0, f"+9,2{NNBSP}%"),
        (Decimal("-8.4"), "PCT", 0, f"\u22128,4{NNBSP}%"),
        (Decimal("1782.75"), "KM", 0, f"1{NNBSP}782,75{NBSP}kilomètres"),
        (Decimal("4"), "RNG", 0, "4e"),
        (Decimal("1"), "RNG", 0, "1er"),
    ],
)
def test_values_read_in_french(value, unit, scale, expected):
    assert format_value(value, unit, scale) == expected


def test_a_change_in_words_keeps_its_number_and_unit_together():
    assert format_percent_words(Decimal("9.2")) == f"9,2{NBSP}pour cent"


def test_numbers_group_thousands_and_round_when_asked():
    assert format_number(Decimal("1234567.891")) == f"1{NNBSP}234{NNBSP}567,891"
    assert format_number(Decimal("6.8259"), places=1) == "6,8"
    assert format_number(Decimal("0.05"), places=1) == "0,1"
    assert format_percent(Decimal("0"), places=1) == f"0,0{NNBSP}%"


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2024, 1, 1), date(2024, 12, 31), "2024"),
        (date(2025, 1, 1), date(2025, 6, 30), "premier semestre 2025"),
        (date(2025, 7, 1), date(2025, 12, 31), "deuxième semestre 2025"),
        (date(2024, 4, 1), date(2024, 6, 30), "deuxième trimestre 2024"),
        (date(2024, 3, 1), date(2024, 3, 31), "mars 2024"),
        (date(2023, 1, 1), date(2023, 10, 31), "janvier-octobre 2023"),
        (date(2024, 2, 1), date(2024, 2, 29), "février 2024"),
        (date(2024, 3, 5), date(2024, 3, 20), "du 5 mars 2024 au 20 mars 2024"),
    ],
)
def test_periods_read_in_french(start, end, expected):
    assert format_period(start, end) == expected


@pytest.mark.parametrize(
    "value, places, text",
    [
        ("20.0000", None, "20"),
        ("30", None, "30"),
        ("43.8200", None, "43.82"),
        ("9.2000", None, "9.2"),
        ("-5.2000", None, "-5.2"),
        ("1700", None, "1700"),
        ("-0.0000", None, "0"),
        ("6.8293", 1, "6.8"),
        ("10", 1, "10.0"),
    ],
)
def test_plain_number_writes_no_exponent_and_keeps_given_decimals(
    value, places, text
):
    assert plain_number(Decimal(value), places) == text


@pytest.mark.parametrize(
    "words, expected",
    [
        ("Agence  de presse Kazinform", "Agence de presse Kazinform"),
        ("« record »", "«\u202frecord\u202f»"),
        (
            "Pourquoi ? Ainsi : voilà ; enfin !",
            "Pourquoi\u202f? Ainsi\u202f: voilà\u202f; enfin\u202f!",
        ),
        ("9,2 %", "9,2\u202f%"),
        ("1 700 kilomètres", "1\u202f700\u00a0kilomètres"),
        ("43,8\u00a0milliards", "43,8\u00a0milliards"),
        ("2024 : 43,8 milliards", "2024\u202f: 43,8\u00a0milliards"),
    ],
)
def test_typeset_spaces_what_french_wants_and_leaves_plain_words(words, expected):
    assert typeset(words) == expected
