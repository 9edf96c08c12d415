"""engine.ids: the IIN/BIN check digit, against real identifiers, one digit at a time and a column at once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.ids import check_digit, is_valid, valid_digits

# Published BINs of Kazakh companies (Halyk Bank, Kaspi Bank, Kazakhtelecom and others) and IINs from
# public examples.
KNOWN_VALID = (
    "940140000385",
    "971240001315",
    "940740000911",
    "171140900016",
    "981240000488",
    "100240019642",
    "990140004654",
    "791028302728",
    # first weighted sum = 10 (mod 11): the check digit comes from the weights 3..11, 1, 2
    "011140001654",
    "011140001666",
    "960240007379",
    "020440002422",
    "061211600012",
)


def digit_rows(values: list[str]) -> np.ndarray:
    return np.frombuffer("".join(values).encode("ascii"), dtype=np.uint8).reshape(-1, 12) - 48


@pytest.mark.parametrize("value", KNOWN_VALID)
def test_known_identifiers_are_valid(value):
    assert check_digit(value[:11]) == int(value[11])
    assert is_valid(value)
    others = [value[:11] + d for d in "0123456789" if d != value[11]]
    assert not any(is_valid(v) for v in others)
    assert list(valid_digits(digit_rows([value, *others]))) == [True] + [False] * 9


def test_second_weights_are_used_only_after_a_first_remainder_of_10():
    # The weights one digit at a time: 1..11 first; 3..11, 1, 2 when the first remainder is 10.
    assert [check_digit("0" * i + "1" + "0" * (10 - i)) for i in range(11)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 0]
    assert check_digit("00000000011") == 3  # first 10 + 11 = 21 = 10 (mod 11); second 1 + 2 = 3
    assert check_digit("30000000000") == 3  # first 3; the second weights would give 9


def test_eleven_digits_without_a_check_digit():
    # Both remainders 10: no twelfth digit makes these eleven valid.
    body = next(f"{n:011d}" for n in range(10**6) if check_digit(f"{n:011d}") is None)
    assert not any(is_valid(body + d) for d in "0123456789")
    assert not valid_digits(digit_rows([body + d for d in "0123456789"])).any()


@pytest.mark.parametrize(
    "value", ["", "94014000038", "9401400003850", "94014000038x", "９４０１４００００３８５", " 940140000385"]
)
def test_not_twelve_ascii_digits(value):
    assert not is_valid(value)


def test_check_digit_wants_eleven_digits():
    with pytest.raises(ValueError):
        check_digit("9401400003")


@given(st.lists(st.text(alphabet="0123456789", min_size=12, max_size=12), min_size=1, max_size=50))
def test_the_column_check_agrees_with_the_single_one(values):
    assert list(valid_digits(digit_rows(values))) == [is_valid(v) for v in values]


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_a_check_digit_makes_a_valid_identifier(body):
    digit = check_digit(body)
    column = valid_digits(digit_rows([body + d for d in "0123456789"]))
    if digit is None:
        assert not column.any()
    else:
        assert list(np.flatnonzero(column)) == [digit]
