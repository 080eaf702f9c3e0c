"""The fixed choices of a meeting: its weekday, how people attend, whether it meets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    # 0 = Sunday, as in the Meeting Guide format.
    SUNDAY = 0, _("Sunday")
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    INACTIVE = "inactive", _("No longer meets")
