"""The inspections import format (JSON, and the shape an XLSX sheet is read into), as pydantic models.

Offices transcribe paper inspection sheets; every value is checked here for its form (times with a zone,
counts 1–99, 明查/暗访…) so that the store checks that follow only deal with names and codes.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)

from inspector_app.core.checklists.models import Strict
from inspector_app.core.fileformat import schema_json
from inspector_app.core.i18n import tr
from inspector_app.core.recording import MAX_COUNT, MAX_NOTE

FORMAT = "inspector-app/inspections"
VERSION = 1
NAIVE_IS_LOCAL = "naive_is_local"  # validation context key: a table's times without zone are local time
MODE_WORDS = {"open": "open", "明查": "open", "covert": "covert", "暗访": "covert"}

_WHEN = re.compile(
    r"^(?P<y>\d{4})[-/.年](?P<mo>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:(?:T|\s+)(?P<h>\d{1,2})[:：](?P<mi>\d{2})(?:[:：](?P<s>\d{2})(?:[.,](?P<f>\d{1,6})\d*)?)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.ASCII | re.IGNORECASE,
)
EXAMPLE_TIME = "2026-03-05T09:30:00+08:00"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _zone(text: str) -> timezone:
    if text.upper() == "Z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def _from_text(text: str) -> datetime:
    match = _WHEN.match(text)
    if match is None:
        raise ValueError(tr("must be a date and time, e.g. {example}", example=EXAMPLE_TIME))
    parts = match.groupdict()
    if parts["h"] is None:
        raise ValueError(tr("add the time of day, e.g. 2026-03-05 09:30"))
    try:
        return datetime(int(parts["y"]), int(parts["mo"]), int(parts["d"]), int(parts["h"]), int(parts["mi"]),
                        int(parts["s"] or 0), int((parts["f"] or "0").ljust(6, "0")),
                        tzinfo=_zone(parts["z"]) if parts["z"] else None)
    except ValueError:
        raise ValueError(tr("{text} is not a real date and time", text=text)) from None


def parse_when(value: Any, naive_is_local: bool = False) -> datetime:
    """A date and time with a zone; ISO 8601 plus the 2026/3/5 9:30 and 2026年3月5日 9:30 people type."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        raise ValueError(tr("add the time of day, e.g. 2026-03-05 09:30"))
    elif isinstance(value, str):
        moment = _from_text(value.strip())
    else:
        raise ValueError(tr("must be a date and time, e.g. {example}", example=EXAMPLE_TIME))
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # also keeps UTC conversion away from year 1 and 9999
        raise ValueError(tr("the year must be between {first} and {last}", first=FIRST_YEAR, last=LAST_YEAR))
    if moment.tzinfo is None or moment.utcoffset() is None:
        if not naive_is_local:
            raise ValueError(tr("the time needs a time zone, e.g. {example}", example=EXAMPLE_TIME))
        moment = moment.astimezone()  # the machine's local zone
    return moment


def _when(value: Any, info: ValidationInfo) -> datetime:
    return parse_when(value, bool((info.context or {}).get(NAIVE_IS_LOCAL)))


def _mode(value: Any) -> str:
    found = MODE_WORDS.get(value.strip().casefold()) if isinstance(value, str) else None
    if found is None:
        raise ValueError(tr("must be 明查 (open) or 暗访 (covert)"))
    return found


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COUNT:
        raise ValueError(tr("must be a whole number from 1 to {max}", max=MAX_COUNT))
    return value


def _number_as_text(value: Any) -> Any:
    # a 工号 written as a JSON number (1001) means the text "1001"
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _format_tag(value: Any) -> Any:
    if value != FORMAT:
        raise ValueError(tr("this is not an inspections import file (format must be {format})", format=FORMAT))
    return value


When = Annotated[datetime, BeforeValidator(_when),
                 Field(description=f"Date and time with time zone, e.g. {EXAMPLE_TIME}")]
Mode = Annotated[str, BeforeValidator(_mode),
                 WithJsonSchema({"type": "string", "enum": ["open", "covert", "明查", "暗访"]}),
                 Field(description="open 明查 or covert 暗访")]
Count = Annotated[int, BeforeValidator(_count),
                  WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_COUNT}),
                  Field(description="Occurrences (次数), a whole number from 1 to 99")]
StaffNo = Annotated[str, Field(min_length=1, max_length=32, description="工号"), BeforeValidator(_number_as_text)]
Name = Annotated[str, Field(min_length=1, max_length=64)]


class _Model(Strict):
    model_config = ConfigDict(str_strip_whitespace=True)


class ImportedDeduction(_Model):
    """One line of a paper sheet: an item, who is charged (nobody named = the department), how often."""

    item: Annotated[str, Field(min_length=1, max_length=32, description="Item code in the checklist, e.g. A3")]
    staff: list[StaffNo] = Field(default_factory=list, max_length=50,
                                 description="工号 of the people charged; empty or absent: the department")
    count: Count = 1
    note: Annotated[str, Field(max_length=MAX_NOTE, description="备注: what was seen")] = ""
    recorded_at: When | None = Field(default=None, description="When it was seen; the start time when absent")


class ImportedInspection(_Model):
    """One paper inspection sheet."""

    checklist: Annotated[str, Field(min_length=1, max_length=64, description="Checklist id, e.g. svc-001-assessment")]
    checklist_version: Annotated[int, Field(ge=1, strict=True)] | None = Field(
        default=None, description="When given, must be the version available on this computer")
    department: Annotated[str, Field(min_length=1, max_length=100, description="Department code or name (科室/窗口)")]
    inspector: Annotated[Name, Field(description="督查员 name")]
    inspector_no: Annotated[str, Field(max_length=32), BeforeValidator(_number_as_text)] | None = Field(
        default=None, description="督查员工号")
    co_inspector: Annotated[str, Field(max_length=64)] | None = Field(default=None, description="同行督查员")
    mode: Mode = "open"
    location: Annotated[str, Field(max_length=128)] | None = Field(default=None, description="地点")
    started_at: When
    finished_at: When | None = Field(default=None, description="The last deduction's time or the start when absent")
    deductions: list[ImportedDeduction] = Field(default_factory=list)

    def finish_time(self) -> datetime:
        times = [self.started_at] + [d.recorded_at for d in self.deductions if d.recorded_at is not None]
        return self.finished_at or max(times)


class PartialDeduction(ImportedDeduction):
    """A deduction with its faulty fields set aside (see `salvage`)."""

    item: str | None = None  # type: ignore[assignment]


class PartialInspection(ImportedInspection):
    """What is left of an inspection once its faulty fields are set aside.

    Checking the rest against the store anyway means one pass lists every problem of a file.
    """

    checklist: str | None = None  # type: ignore[assignment]
    department: str | None = None  # type: ignore[assignment]
    inspector: str | None = None  # type: ignore[assignment]
    started_at: When | None = None  # type: ignore[assignment]
    deductions: list[PartialDeduction] = Field(default_factory=list)  # type: ignore[assignment]


def salvage(raw: Any, exc: ValidationError, context: dict[str, Any]) -> tuple[PartialInspection, list[int]] | None:
    """The valid part of a faulty inspection, with the file positions of the deductions kept."""
    if not isinstance(raw, dict):
        return None
    faulty: set[Any] = set()
    faulty_in: dict[int, set[Any]] = {}  # deduction position -> its faulty fields ("" = all of it)
    for error in exc.errors():
        loc = error["loc"]
        if len(loc) >= 2 and loc[0] == "deductions" and isinstance(loc[1], int):
            faulty_in.setdefault(loc[1], set()).add(loc[2] if len(loc) > 2 else "")
        elif loc:
            faulty.add(loc[0])
    kept = {key: value for key, value in raw.items() if key not in faulty}
    deductions = kept.get("deductions") or []
    positions = [j for j in range(len(deductions)) if "" not in faulty_in.get(j, set())]
    if positions or deductions:
        kept["deductions"] = [{key: value for key, value in deductions[j].items() if key not in faulty_in.get(j, ())}
                              for j in positions]
    try:
        return PartialInspection.model_validate(kept, context=context), positions
    except ValidationError:
        return None


class Envelope(_Model):
    """The file around the inspections; each inspection is then checked on its own, so all faults show."""

    format: Annotated[Literal["inspector-app/inspections"], BeforeValidator(_format_tag)]
    version: Literal[1]
    inspections: Annotated[list[Any], Field(min_length=1)]


class ImportFile(Envelope):
    """An inspections import file: inspections recorded on paper or elsewhere, to be added to the store."""

    inspections: Annotated[list[ImportedInspection], Field(min_length=1)]


def import_schema() -> str:
    """The JSON Schema of the import file, for offices writing it with other tools."""
    return schema_json(ImportFile)
