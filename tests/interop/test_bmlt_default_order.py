"""BMLT's default order (weekday, start, duration) is one an index gives: a page of a day is not a sort of the day."""

from django.http import QueryDict

from interop.bmlt import sort_columns
from meetings.models import Meeting


def test_the_default_order_is_the_order_of_the_bmlt_index():
    sql = str(Meeting.objects.order_by(*sort_columns(QueryDict(""))).query)
    order = sql.split("ORDER BY")[1]
    assert "NULLS FIRST" not in order  # PostgreSQL reads no ascending index for NULLS FIRST
    assert order.index('"weekday"') < order.index('"start_time"') < order.index('"duration_minutes"')
    index = next(index for index in Meeting._meta.indexes if index.name == "meeting_bmlt_order_idx")
    assert index.fields == ["weekday", "start_time", "duration_minutes", "id"]


def test_a_town_still_sorts_missing_first():
    sql = str(Meeting.objects.order_by(*sort_columns(QueryDict("sort_keys=location_municipality"))).query)
    assert "NULLS FIRST" in sql.split("ORDER BY")[1]
