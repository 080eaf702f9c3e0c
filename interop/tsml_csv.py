"""The 12 Step Meeting List CSV (data/tsml-template.csv columns) that volunteers edit in a spreadsheet."""

import csv
import datetime as dt
import io
import json
import re
from functools import lru_cache
from pathlib import Path

from django.utils.text import slugify

from core.time import CLOCK_12H, clock, zone_city
from interop.importing import (
    TEMPORARILY_CLOSED_CODE,
    FeedError,
    Place,
    Record,
    RecordError,
    Rejection,
    parse_updated,
    read_items,
)
from interop.meeting_guide import region_names, spec_codes
from meetings.models import MeetingType, Region, Status, Weekday

DATA = Path(__file__).resolve().parent / "data"
# Two columns TSML also reads, after the template's own, so join details are not lost in a round trip.
EXTRA_COLUMNS = ["Conference URL Notes", "Conference Phone Notes"]
TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*([AaPp]\.?[Mm]\.?)?$")
DAY_NAMES = {day.label.lower(): day.value for day in Weekday}
# Names TSML's own template uses for codes whose spec name differs.
TYPE_ALIASES = {"step meeting": "ST", "temporary closure": "TC", "location temporarily closed": "TC"}
IGNORED_TYPES = {"online meeting", "onl"}
# A spreadsheet runs a cell that starts with these as a formula; a leading apostrophe keeps it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@lru_cache(maxsize=1)
def template_columns():
    with open(DATA / "tsml-template.csv", newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def columns():
    return template_columns() + EXTRA_COLUMNS


def _type_lookup():
    spec = json.loads((DATA / "spec-types.json").read_text(encoding="utf-8"))
    lookup = {}
    rows = MeetingType.objects.values_list("code", "name", "meeting_guide_code")
    for code, name, _ in rows:
        lookup[code.lower()] = code
        lookup[name.lower()] = code
    for code, _, mg_code in rows:
        if mg_code:
            lookup.setdefault(mg_code.lower(), code)
            if mg_code in spec:
                lookup.setdefault(spec[mg_code]["en"].lower(), code)
    by_mg = {mg.lower(): code for code, _, mg in rows if mg}
    for alias, mg_code in TYPE_ALIASES.items():
        if mg_code.lower() in by_mg:
            lookup.setdefault(alias, by_mg[mg_code.lower()])
    return lookup


def _unformula(value):
    if value.startswith("'") and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def _cell(value):
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def parse_time(value, name):
    match = TIME.match(value.strip())
    if not match:
        raise RecordError(f"{name} {value[:20]!r} is not a time such as 6:00 PM or 18:00.")
    hours, minutes, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem:
        if not 1 <= hours <= 12:
            raise RecordError(f"{name} {value[:20]!r} is not a time of day.")
        hours = hours % 12 + (12 if meridiem[0].lower() == "p" else 0)
    if hours > 23 or minutes > 59:
        raise RecordError(f"{name} {value[:20]!r} is not a time of day (00:00 to 23:59).")
    return dt.time(hours, minutes)


def _days(value):
    days = []
    for part in re.split(r"[,/;]", value):
        part = part.strip().lower()
        if not part:
            continue
        # isdecimal, not isdigit (int() refuses "²"), and short (int() refuses thousands of digits).
        if part.isdecimal() and len(part) <= 9 and 0 <= int(part) <= 6:
            days.append(int(part))
        elif part in DAY_NAMES:
            days.append(DAY_NAMES[part])
        else:
            raise RecordError(f"Day {part[:20]!r} is not a day of the week (Sunday to Saturday).")
    if not days:
        raise RecordError("Day is empty (meetings by appointment are not listed).")
    return list(dict.fromkeys(days))


def _row_records(row, position, *, lookup, warnings):
    name = row.get("name", "")
    if not name:
        raise RecordError("Name is empty.")
    days = _days(row.get("day", ""))
    if not row.get("time"):
        raise RecordError("Time is empty.")
    start = parse_time(row["time"], "Time")
    end = parse_time(row["end time"], "End Time") if row.get("end time") else None
    slug = row.get("slug") or slugify(f"{name} {row.get('day', '')} {row.get('time', '')}")
    codes, unknown = [], []
    for label in (part.strip() for part in row.get("types", "").split(",")):
        if not label or label.lower() in IGNORED_TYPES:
            continue
        code = lookup.get(label.lower())
        (codes if code else unknown).append(code or label)
    if unknown:
        warnings.append(Rejection(position, slug, f"types ignored (not known): {', '.join(unknown)}"))
    address = row.get("address", "")
    place = Place(name=row.get("location", ""), formatted_address=address, notes=row.get("location notes", ""))
    keys = [slug] if len(days) == 1 else [f"{slug}-{day}" for day in days]
    return [
        Record(
            position=position,
            external_key=key[:200],
            slug_hint=key,
            name=name[:200],
            weekday=day,
            start_time=start,
            end_time=end,
            timezone=row.get("timezone", ""),
            place=place if address else None,
            conference_url=row.get("conference url", ""),
            conference_url_notes=row.get("conference url notes", ""),
            conference_phone=row.get("conference phone", ""),
            conference_phone_notes=row.get("conference phone notes", ""),
            type_codes=codes,
            notes=row.get("notes", ""),
            group=row.get("group", ""),
            regions=[r for r in (row.get("region", ""), row.get("sub region", "")) if r],
            updated=parse_updated(row.get("updated", "")),
        )
        for key, day in zip(keys, days, strict=True)
    ]


def _rows(text):
    """The CSV's rows, read one at a time (a whole sheet as lists of cells costs far more than its text)."""
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as error:
        raise FeedError(f"The file is not a readable CSV: {error}.") from None


def records_from_bytes(data, *, warnings=None, known=None):
    """Records and Rejections of a TSML CSV, row by row; FeedError if it is not such a CSV."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise FeedError("The file is not text in UTF-8; save the spreadsheet as CSV UTF-8.") from None
    rows = _rows(text)
    first = next(rows, None)
    if first is None:
        raise FeedError("The CSV is empty.")
    # NUL in the column names means binary data (a zipped spreadsheet, say). NUL in a cell further down is only
    # that row's problem: the import rejects the row and keeps the others.
    if any("\x00" in column for column in first):
        raise FeedError("The file is not a CSV (it contains binary data).")
    header = [column.strip().lower() for column in first]
    missing = [column for column in ("name", "day", "time") if column not in header]
    if missing:
        raise FeedError(
            "This is not a 12 Step Meeting List CSV: the first row must name the columns, and "
            f"{', '.join(column.title() for column in missing)} {'is' if len(missing) == 1 else 'are'} missing."
        )
    lookup = _type_lookup()
    warnings = [] if warnings is None else warnings

    def read(row, position):
        try:
            return list(_row_records(row, position, lookup=lookup, warnings=warnings))
        except RecordError as error:
            return [Rejection(position, row.get("slug", "")[:80], str(error))]

    # Position counts spreadsheet rows (the header is row 1), which is what a volunteer sees.
    items = (
        (position, {column: _unformula(cell.strip()) for column, cell in zip(header, cells, strict=False)})
        for position, cells in enumerate(rows, start=2)
        if any(cell.strip() for cell in cells)
    )
    yield from read_items(items, read=read, known=known, warnings=warnings)


def meeting_rows(meetings):
    """Rows (lists in columns() order) for meetings, without loading them all at once."""
    regions = {pk: (name, parent) for pk, name, parent in Region.objects.values_list("pk", "name", "parent")}
    mg_names = json.loads((DATA / "spec-types.json").read_text(encoding="utf-8"))
    codes = spec_codes()
    queryset = (
        meetings.listed()
        .select_related("location", "group")
        .prefetch_related("types")
        .order_by("weekday", "start_time", "pk")
    )
    index = {column: n for n, column in enumerate(columns())}
    for meeting in queryset.iterator(chunk_size=500):
        row = [""] * len(index)
        location = meeting.location
        chain = region_names(location.region_id, regions) if location else []
        labels = []
        for meeting_type in meeting.types.all():
            mg_code = meeting_type.meeting_guide_code
            labels.append(mg_names[mg_code]["en"] if mg_code in codes else meeting_type.name)
        if meeting.status == Status.TEMPORARILY_CLOSED and not any(
            t.code == TEMPORARILY_CLOSED_CODE for t in meeting.types.all()
        ):
            labels.append(mg_names["TC"]["en"])
        values = {
            "Time": clock(meeting.start_time, CLOCK_12H),
            "End Time": clock(meeting.end_time, CLOCK_12H),
            "Day": Weekday(meeting.weekday).label,
            "Name": meeting.name,
            "Location": location.name if location else "",
            "Address": location.formatted_address if location else zone_city(meeting.timezone),
            "Region": chain[-2] if len(chain) >= 2 else (chain[0] if chain else ""),
            "Sub Region": chain[-1] if len(chain) >= 2 else "",
            "Types": ", ".join(sorted(labels)),
            "Notes": meeting.notes,
            "Location Notes": location.notes if location else "",
            "Timezone": meeting.timezone,
            "Group": meeting.group.name if meeting.group else "",
            "Conference URL": meeting.conference_url,
            "Conference Phone": meeting.conference_phone,
            "Conference URL Notes": meeting.conference_url_notes,
            "Conference Phone Notes": meeting.conference_phone_notes,
            "Slug": meeting.slug,
            "Updated": meeting.updated.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        }
        for column, value in values.items():
            row[index[column]] = _cell(value)
        yield row


def write_csv(meetings, handle):
    writer = csv.writer(handle)
    writer.writerow(columns())
    for row in meeting_rows(meetings):
        writer.writerow(row)


class _Echo:
    def write(self, value):
        return value


def csv_lines(meetings):
    """The CSV line by line, for a streamed download."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns())
    for row in meeting_rows(meetings):
        yield writer.writerow(row)
