"""Fast, plain renderings of the search form's controls.

Django's widget templates render one template per <option> and per checkbox; the search form has over
a hundred of them, which cost most of a search page's time. These tags build the same accessible HTML
(a real <label> for every control, aria-invalid on errors) directly.
"""

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _selected_values(bound_field):
    value = bound_field.value()
    if value is None:
        return set()
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {str(value)}


def _choices(bound_field):
    for value, label in bound_field.field.choices:
        value = getattr(value, "value", value)  # ModelChoiceIteratorValue
        yield ("" if value is None else str(value)), label


def _errors(bound_field):
    if not bound_field.errors:
        return ""
    return format_html(
        '<p class="field-error" id="{}-error">{}</p>', bound_field.auto_id, " ".join(bound_field.errors)
    )


@register.simple_tag
def select_field(bound_field, empty_label=None):
    """A labelled <select> for a single-choice field."""
    selected = _selected_values(bound_field)
    empty_label = empty_label or _("Any")
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value in selected else "", label if value else empty_label)
            for value, label in _choices(bound_field)
        ),
    )
    invalid = (
        mark_safe(f' aria-invalid="true" aria-describedby="{bound_field.auto_id}-error"') if bound_field.errors else ""
    )
    return format_html(
        '<div class="field{}"><label for="{}">{}</label><select name="{}" id="{}"{}>{}</select>{}</div>',
        " has-error" if bound_field.errors else "",
        bound_field.auto_id,
        bound_field.label,
        bound_field.html_name,
        bound_field.auto_id,
        invalid,
        options,
        _errors(bound_field),
    )


@register.simple_tag
def checkbox_list(bound_field, choices=None):
    """Checkboxes, each inside its own <label>; `choices` narrows them to a subset (value, label)."""
    selected = _selected_values(bound_field)
    items = choices if choices is not None else _choices(bound_field)
    return format_html_join(
        "",
        '<label class="check"><input type="checkbox" name="{}" value="{}"{}> {}</label>',
        (
            (bound_field.html_name, value, mark_safe(" checked") if value in selected else "", label)
            for value, label in items
        ),
    )


@register.filter
def field_errors(bound_field):
    return _errors(bound_field) or conditional_escape("")
