"""How a referral list page shows its meetings: in which time zone, and only those of a key type."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from core.time import available_timezones, get_zone, zone_city
from referrals.lists import MEDICATION_FRIENDLY, VERIFICATION

# Zones a patient can pick to read the list in; the meeting's own zone is always shown as well.
COMMON_TIMEZONES = [
    ("America/New_York", _("Eastern time (New York)")),
    ("America/Chicago", _("Central time (Chicago)")),
    ("America/Denver", _("Mountain time (Denver)")),
    ("America/Phoenix", _("Arizona (Phoenix)")),
    ("America/Los_Angeles", _("Pacific time (Los Angeles)")),
    ("America/Anchorage", _("Alaska (Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii (Honolulu)")),
    ("America/Puerto_Rico", _("Atlantic time (Puerto Rico)")),
    ("America/Halifax", _("Atlantic time (Halifax)")),
    ("America/Toronto", _("Eastern time (Toronto)")),
    ("America/Vancouver", _("Pacific time (Vancouver)")),
    ("America/Mexico_City", _("Mexico City")),
    ("America/Sao_Paulo", _("São Paulo")),
    ("Europe/London", _("United Kingdom (London)")),
    ("Europe/Dublin", _("Ireland (Dublin)")),
    ("Europe/Madrid", _("Spain (Madrid)")),
    ("Europe/Paris", _("Central Europe (Paris)")),
    ("Europe/Berlin", _("Central Europe (Berlin)")),
    ("Asia/Kolkata", _("India (Kolkata)")),
    ("Asia/Tokyo", _("Japan (Tokyo)")),
    ("Australia/Perth", _("Western Australia (Perth)")),
    ("Australia/Adelaide", _("South Australia (Adelaide)")),
    ("Australia/Brisbane", _("Queensland (Brisbane)")),
    ("Australia/Sydney", _("New South Wales (Sydney)")),
    ("Australia/Melbourne", _("Victoria (Melbourne)")),
    ("Pacific/Auckland", _("New Zealand (Auckland)")),
    ("UTC", _("UTC")),
]


class ListOptionsForm(forms.Form):
    """How the list page shows its meetings: in which zone, and only those of a key type."""

    tz = forms.ChoiceField(
        label=_("Show times in this time zone"),
        choices=[("", _("Each meeting's own time zone"))] + COMMON_TIMEZONES,
        required=False,
    )
    verification = forms.BooleanField(label=_("Only meetings that can sign attendance slips"), required=False)
    medication_friendly = forms.BooleanField(label=_("Only medication-friendly meetings"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A shared link may carry any real zone (e.g. from the search page's wider list): keep it as a choice.
        chosen = self.data.get("tz", "")
        if chosen and chosen not in dict(COMMON_TIMEZONES) and chosen in available_timezones():
            self.fields["tz"].choices = [*self.fields["tz"].choices, (chosen, zone_city(chosen))]

    def options(self):
        """The valid choices: (zone or None, type codes every shown meeting must have, their querystring)."""
        data = self.cleaned_data if self.is_valid() else {}
        only = [
            code
            for code, key in ((VERIFICATION, "verification"), (MEDICATION_FRIENDLY, "medication_friendly"))
            if data.get(key)
        ]
        params = {key: "on" for key in ("verification", "medication_friendly") if data.get(key)}
        if data.get("tz"):
            params = {"tz": data["tz"]} | params
        return get_zone(data["tz"]) if data.get("tz") else None, only, urlencode(params, safe="/")
