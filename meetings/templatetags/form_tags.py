"""Fast, plain renderings of the search form's controls.

Django's widget templates render one template per <option> and per checkbox; the search form has over
a hundred of them, which cost most of a search page's time. These tags build the same accessible HTML
(a real <label> for every control, aria-invalid on errors) directly.
"""

from html import escape as html_escape

from django import forms, template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def fast_escape(value):
    """conditional_escape() without its lazy-argument wrapper: the search form escapes hundreds of labels.

    The same result: HTML stays as it is, anything else is str()-ed (lazy translations too) and escaped
    as django.utils.html.escape() does.
    """
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


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
def select_field(bound_field, empty_label=None, choices=None):
    """A labelled <select> for a single-choice field; `choices` (value, label) stand in for the field's own.

    The search page passes cached lists for fields whose choices come from the database (see
    meetings.search_state.choice_lists); their empty choice ("") comes first, as in the field's own.
    """
    selected = _selected_values(bound_field)
    empty_label = fast_escape(empty_label or _("Any"))
    options = mark_safe(
        "".join(
            f'<option value="{fast_escape(value)}"{" selected" if value in selected else ""}>'
            f"{fast_escape(label) if value else empty_label}</option>"
            for value, label in (choices if choices is not None else _choices(bound_field))
        )
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
    name = fast_escape(bound_field.html_name)
    return mark_safe(
        "".join(
            f'<label class="check"><input type="checkbox" name="{name}" value="{fast_escape(value)}"'
            f"{' checked' if value in selected else ''}> {fast_escape(label)}</label>"
            for value, label in items
        )
    )


@register.filter
def field_errors(bound_field):
    return _errors(bound_field) or conditional_escape("")


@register.simple_tag
def input_widget(bound_field):
    """What {{ bound_field }} renders for an <input> widget, without rendering Django's widget templates.

    Attributes come from Django itself (BoundField.build_widget_attrs and Widget.get_context: id, required,
    maxlength, min/max/step, aria-invalid...); only the markup of input.html and attrs.html is written here.
    Any other widget is rendered by Django.
    """
    field = bound_field.field
    widget = field.widget
    if not isinstance(widget, forms.widgets.Input) or field.show_hidden_initial or field.localize:
        return bound_field.as_widget()
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    esc = fast_escape
    html = [f'<input type="{esc(context["type"])}" name="{esc(context["name"])}"']
    if context["value"] is not None:
        html.append(f' value="{esc(context["value"])}"')
    for name, value in context["attrs"].items():
        if value is True:
            html.append(f" {esc(name)}")
        elif value is not False:
            html.append(f' {esc(name)}="{esc(value)}"')
    html.append(">")
    return mark_safe("".join(html))


@register.simple_tag
def input_field(bound_field):
    """A labelled <input>: the HTML of includes/field.html (which other pages may still include)."""
    esc, errors = fast_escape, bound_field.errors
    # {{ field.errors|join:" " }}: each message escaped.
    # The id is the one Django's widget names in aria-describedby ("id_q_error"), so the message is announced.
    error = (
        f'<p class="field-error" id="{esc(bound_field.auto_id)}_error">{" ".join(esc(e) for e in errors)}</p>'
        if errors
        else ""
    )
    return mark_safe(
        f'<div class="field{" has-error" if errors else ""}">\n'
        f'  <label for="{esc(bound_field.auto_id)}">{esc(bound_field.label)}</label>\n'
        f"  {input_widget(bound_field)}\n  {error}\n</div>\n"
    )


@register.filter
def any_value(form, names):
    """Whether any of the comma-separated fields has a value (e.g. to open the <details> holding them)."""
    return any(form[name].value() for name in names.split(","))
