"""Kazakhstan's 12-digit IIN (people) and BIN (organisations): the check digit, once.

The twelfth digit is the weighted sum of the first eleven modulo 11, with the
weights 1..11; when that remainder is 10, the sum is taken again with the
weights 3..11, 1, 2; when that is 10 too, the eleven digits have no check
digit and no valid identifier starts with them (RULES.md).

`check_digit` and `is_valid` work on one string (the demo's generator, test
fixtures); `valid_digits` on a whole column at once (ingest: a million rows),
built from the same weights.
"""

from __future__ import annotations

import numpy as np

LENGTH = 12
FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
MODULUS = 11
AGAIN = 10  # a remainder that is no digit: try the second weights, or give up


def check_digit(first11: str) -> int | None:
    """The check digit of 11 digits; None when they have none (both remainders are 10)."""
    digits = [int(c) for c in first11]
    if len(digits) != LENGTH - 1:
        raise ValueError(f"{first11!r}: expected {LENGTH - 1} digits")
    for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights)) % MODULUS
        if remainder != AGAIN:
            return remainder
    return None


def is_valid(value: str) -> bool:
    """12 ASCII digits whose last is the check digit of the first 11."""
    if len(value) != LENGTH or not (value.isascii() and value.isdigit()):
        return False
    return check_digit(value[:-1]) == int(value[-1])


def valid_digits(digits: np.ndarray) -> np.ndarray:
    """`is_valid` of each row of an (n, 12) array of digit values 0..9 (any integer dtype)."""
    # Column by column in int32: a million identifiers never become an 11-column int64 matrix.
    first = np.zeros(len(digits), dtype=np.int32)
    second = np.zeros(len(digits), dtype=np.int32)
    for i, (w1, w2) in enumerate(zip(FIRST_WEIGHTS, SECOND_WEIGHTS)):
        column = digits[:, i].astype(np.int32)
        first += column * w1
        second += column * w2
    first %= MODULUS
    second %= MODULUS
    check = np.where(first == AGAIN, second, first)
    return check == digits[:, LENGTH - 1]  # a check of 10 (none) equals no digit
