"""Dates as a Thai reader expects them: Bangkok time, Buddhist era (พ.ศ. = ค.ศ. + 543)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_LONG = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
               "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


def buddhist_year(value: date | datetime) -> int:
    return value.year + 543


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(BANGKOK)
    return value


def thai_date(value: date | datetime, long_month: bool = False) -> str:
    """26 พ.ย. 2569"""
    value = _local(value)
    months = MONTHS_LONG if long_month else MONTHS_SHORT
    return f"{value.day} {months[value.month - 1]} {buddhist_year(value)}"


def thai_datetime(value: datetime) -> str:
    """26 พ.ย. 2569 เวลา 11:53 น."""
    local = _local(value)
    return f"{thai_date(local)} เวลา {local:%H:%M} น."


def fiscal_year(value: date | datetime) -> int:
    """The Thai government fiscal year (Buddhist era) a date falls in: October to September."""
    value = _local(value)
    return buddhist_year(value) + (1 if value.month >= 10 else 0)
