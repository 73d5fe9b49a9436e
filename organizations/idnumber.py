"""Resident ID numbers (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check digit."""

import datetime

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


def normalize(raw: str) -> str:
    """Full-width digits and a lowercase x are common in spreadsheets; strip spaces too."""
    return "".join(str(raw).translate(_FULLWIDTH).split()).upper()


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def validate(raw: str) -> str:
    """Return the normalized number or raise ValueError with a Chinese message."""
    value = normalize(raw)
    if len(value) != 18:
        raise ValueError(f"身份证号应为18位，实际为{len(value)}位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValueError("身份证号只能由数字组成，最后一位可以是X")
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError("身份证号中的出生日期无效") from None
    if check_digit(value[:17]) != value[17]:
        raise ValueError("身份证号校验位错误，请核对")
    return value


def birth_date(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(value: str) -> str:
    return "male" if int(value[16]) % 2 else "female"
