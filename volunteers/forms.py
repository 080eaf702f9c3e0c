"""The public suggestion forms: structured, size-limited, no account, a honeypot for bots."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.time import CLOCK_24H, clock
from groups.models import Program
from meetings.models import Attendance, Status, Weekday
from volunteers.models import ChangeRequest
from volunteers.services import meeting_field_text

# The fields a visitor can propose for an existing meeting, in the order the form shows them.
PROPOSED_FIELDS = ["weekday", "start_time", "end_time", "location", "conference_url", "conference_phone", "notes"]


class SuggestionFields(forms.Form):
    """Fields both forms share; every one has a max_length so nothing oversized is stored."""

    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("Starts at"), help_text=_("Local time, e.g. 19:30."))
    end_time = forms.TimeField(label=_("Ends at"), required=False, help_text=_("Leave empty if you are not sure."))
    location = forms.CharField(
        label=_("Where it meets"),
        max_length=300,
        required=False,
        help_text=_("The place and its address; leave empty for an online-only meeting."),
    )
    conference_url = forms.URLField(
        label=_("Link to join online"), max_length=500, required=False, assume_scheme="https"
    )
    conference_phone = forms.CharField(label=_("Phone number to join"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes for people coming"), max_length=2000, required=False, widget=forms.Textarea)
    details = forms.CharField(
        label=_("Anything else we should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text=_("For example how you know. Please do not include anyone's full name."),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        max_length=254,
        required=False,
        help_text=_("Only if you are happy for a volunteer to ask you about this. It is never published."),
    )
    # A field people never see (the hidden attribute) and bots fill in: filled means "pretend, store nothing".
    website = forms.CharField(
        label=_("Leave this empty"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self):
        return bool(self.data.get("website"))

    def text(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            return ""
        if name in ("start_time", "end_time"):
            return clock(value, CLOCK_24H)
        return str(value)


class MeetingUpdateForm(SuggestionFields):
    reason = forms.ChoiceField(
        label=_("What changed?"),
        choices=[c for c in ChangeRequest.Reason.choices if c[0] != ChangeRequest.Reason.NEW],
        widget=forms.RadioSelect,
    )

    field_order = ["reason", *PROPOSED_FIELDS, "details", "contact_email", "website"]

    def __init__(self, *args, meeting, **kwargs):
        self.meeting = meeting
        initial = {name: meeting_field_text(meeting, name) for name in PROPOSED_FIELDS}
        initial["weekday"] = meeting.weekday
        super().__init__(*args, initial=initial, **kwargs)
        for name in PROPOSED_FIELDS:
            # The page carries each value as it was shown, so that what the visitor changed is told apart
            # from a value a volunteer edited after the page was shown (sending that back would undo the edit).
            self.fields[name].show_hidden_initial = True
        self.fields["end_time"].help_text = _(
            "Change it only if the end time changed: if only the start moved, the meeting keeps its length."
        )

    def changes(self):
        """{field: [current, proposed]} for each value the visitor changed, and nothing they left as shown."""
        if self.cleaned_data["reason"] == ChangeRequest.Reason.CLOSED:
            return {"status": [self.meeting.status, Status.INACTIVE.value]}
        changes = {}
        for name in PROPOSED_FIELDS:
            old, new = meeting_field_text(self.meeting, name), self.text(name)
            if name in self.changed_data and old != new:
                changes[name] = [old, new]
        return changes

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.changes() and not cleaned.get("details"):
            raise ValidationError(_("Nothing was changed. Change a value above or tell us what is different."))
        return cleaned

    def save(self):
        return ChangeRequest.objects.create(
            meeting=self.meeting,
            reason=self.cleaned_data["reason"],
            changes=self.changes(),
            details=self.cleaned_data["details"],
            contact_email=self.cleaned_data["contact_email"],
            meeting_updated=self.meeting.updated,
        )


class NewMeetingForm(SuggestionFields):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all(), empty_label=_("Choose…"))
    name = forms.CharField(label=_("Meeting name"), max_length=200)
    attendance = forms.ChoiceField(label=_("How people attend"), choices=Attendance.choices)

    field_order = ["program", "name", "attendance", "weekday", "start_time", "end_time"]

    NEW_FIELDS = ["name", "attendance", "weekday", "start_time", "end_time", "location", "conference_url"]

    def save(self):
        changes = {"program": [None, self.cleaned_data["program"].name]}
        for name in [*self.NEW_FIELDS, "conference_phone", "notes"]:
            if self.text(name):
                changes[name] = [None, self.text(name)]
        return ChangeRequest.objects.create(
            program=self.cleaned_data["program"],
            reason=ChangeRequest.Reason.NEW,
            changes=changes,
            details=self.cleaned_data["details"],
            contact_email=self.cleaned_data["contact_email"],
        )


class ProgramCorrectionForm(forms.Form):
    """A correction to one of a program's facts, from the program itself or anyone who knows better."""

    fact = forms.ChoiceField(label=_("Which fact?"))
    correction = forms.CharField(
        label=_("What is right"),
        max_length=2000,
        widget=forms.Textarea,
        help_text=_("In a few words, what the fact should say."),
    )
    source_url = forms.URLField(
        label=_("Where it is written (a link)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Best: the program's own page or literature."),
    )
    details = SuggestionFields.base_fields["details"]
    contact_email = SuggestionFields.base_fields["contact_email"]
    website = SuggestionFields.base_fields["website"]

    def __init__(self, *args, program, **kwargs):
        self.program = program
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = [
            *((field, label) for field, label in Program.FACT_FIELDS),
            ("founded", _("Founded")),
            ("website", _("Official website")),
            ("status", _("Status")),
            ("description", _("Description")),
            ("other", _("Something else")),
        ]

    def is_bot(self):
        return bool(self.data.get("website"))

    def save(self):
        fact = self.cleaned_data["fact"]
        current = str(getattr(self.program, fact, "")) if fact not in ("other",) else ""
        changes = {fact: [current, self.cleaned_data["correction"]]}
        if self.cleaned_data["source_url"]:
            changes["source"] = [None, self.cleaned_data["source_url"]]
        return ChangeRequest.objects.create(
            program=self.program,
            reason=ChangeRequest.Reason.PROGRAM,
            changes=changes,
            details=self.cleaned_data["details"],
            contact_email=self.cleaned_data["contact_email"],
        )
