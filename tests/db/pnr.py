"""Valid Swedish personal identity numbers for tests, made with the Luhn rule."""


def check_digit(ten_minus_one: str) -> int:
    """The Luhn check digit over YYMMDDNNN (nine digits)."""
    total = 0
    for i, ch in enumerate(ten_minus_one):
        d = int(ch) * (2 - i % 2)
        total += d // 10 + d % 10
    return (10 - total % 10) % 10


def number(yyyymmdd: str, serial: str = "238") -> str:
    """A valid 12-digit number for a birth date (day + 60 for a coordination number)."""
    body = yyyymmdd[2:] + serial
    return yyyymmdd + serial + str(check_digit(body))


def with_wrong_check_digit(valid: str) -> str:
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)
