"""Fast, plain renderings of the search form's controls.

Django's widget templates render one template per <option> and per checkbox; the search form has over
a hundred of them, which cost most of a search page's time. These tags build the same accessible HTML
(a real <label> for every control, aria-invalid on errors) directly.
"""

from html import escape as html_escape

from django import forms, template
from django.core.signals import setting_changed
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceIterator

register = template.Library()

ANY = _("Any")


def fast_escape(value):
    """conditional_escape() without its lazy-argument wrapper: the search form escapes hundreds of labels.

    The same result: HTML stays as it is, anything else is str()-ed (lazy translations too) and escaped
    as django.utils.html.escape() does.
    """
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


class PreparedChoices(list):
    """(value, label) pairs that also keep `pieces`: (value, escaped value, escaped label) for each.

    Escaping (and translating) every label of the form on every page was much of its rendering time;
    search.vocabulary caches these with its choice lists, so a page only joins the pieces.
    """

    def __init__(self, pairs=()):
        super().__init__(pairs)
        self.pieces = _escaped(self)


def _escaped(pairs):
    return [(value, fast_escape(value), fast_escape(label)) for value, label in pairs]


# The escaped HTML of a form's fixed texts, per language: its lazily translated labels and its fixed choice
# lists (shared by every copy of a field) are constants, yet were translated and escaped on every page.
# Keyed by the object's id; each entry holds the object, so that id is not reused while the entry lives.
_kept = {}
KEPT_MAX = 1000  # texts made anew per form would pile up: start again past this many


def _kept_html(source, language, make):
    key = (id(source), language)
    entry = _kept.get(key)
    if entry is None or entry[0] is not source:
        if len(_kept) >= KEPT_MAX:
            _kept.clear()
        entry = _kept[key] = (source, make())
    return entry[1]


def _forget_kept_html(setting, **kwargs):
    # As Django forgets its translations when these change (in tests).
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _kept.clear()


setting_changed.connect(_forget_kept_html, dispatch_uid="form-tags-kept-html")


def _text_html(text, language):
    """fast_escape(text), kept per language when it is a lazy translation (a field's label, "Any")."""
    if isinstance(text, Promise):
        return _kept_html(text, language, lambda: fast_escape(text))
    return fast_escape(text)


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


def _pieces(bound_field, choices, language):
    """(value, escaped value, escaped label) of `choices`, or else of the field's own choices.

    A field's fixed choices (a list given to a django-filter field) are escaped once per language;
    choices from a queryset or a callable are escaped here and now.
    """
    if choices is not None:
        pieces = getattr(choices, "pieces", None)
        return pieces if pieces is not None else _escaped(choices)
    iterator = bound_field.field.choices
    if type(iterator) is ChoiceIterator and isinstance(iterator.choices, list | tuple):
        return _kept_html(iterator, language, lambda: _escaped(_choices(bound_field)))
    return _escaped(_choices(bound_field))


def _errors(bound_field, errors=None):
    errors = bound_field.errors if errors is None else errors
    if not errors:
        return ""
    return format_html('<p class="field-error" id="{}-error">{}</p>', bound_field.auto_id, " ".join(errors))


@register.simple_tag
def select_field(bound_field, empty_label=None, choices=None):
    """A labelled <select> for a single-choice field; `choices` (value, label) stand in for the field's own.

    The search page passes cached lists for fields whose choices come from the database (see
    search.vocabulary.choice_lists); their empty choice ("") comes first, as in the field's own.
    """
    language = get_language()
    selected = _selected_values(bound_field)
    empty_label = _text_html(empty_label or ANY, language)
    options = "".join(
        f'<option value="{value_html}"{" selected" if value in selected else ""}>'
        f"{label_html if value else empty_label}</option>"
        for value, value_html, label_html in _pieces(bound_field, choices, language)
    )
    errors, auto_id = bound_field.errors, bound_field.auto_id
    # format_html's markup, written out: its lazy wrappers cost more than the rest of a select.
    invalid = f' aria-invalid="true" aria-describedby="{auto_id}-error"' if errors else ""
    auto_id = fast_escape(auto_id)
    return mark_safe(
        f'<div class="field{" has-error" if errors else ""}">'
        f'<label for="{auto_id}">{_text_html(bound_field.label, language)}</label>'
        f'<select name="{fast_escape(bound_field.html_name)}" id="{auto_id}"{invalid}>{options}</select>'
        f"{_errors(bound_field, errors)}</div>"
    )


@register.simple_tag
def checkbox_list(bound_field, choices=None):
    """Checkboxes, each inside its own <label>; `choices` narrows them to a subset (value, label)."""
    selected = _selected_values(bound_field)
    start = f'<label class="check"><input type="checkbox" name="{fast_escape(bound_field.html_name)}" value="'
    return mark_safe(
        "".join(
            f'{start}{value_html}"{" checked" if value in selected else ""}> {label_html}</label>'
            for value, value_html, label_html in _pieces(bound_field, choices, get_language())
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
        f'  <label for="{esc(bound_field.auto_id)}">{_text_html(bound_field.label, get_language())}</label>\n'
        f"  {input_widget(bound_field)}\n  {error}\n</div>\n"
    )


@register.filter
def any_value(form, names):
    """Whether any of the comma-separated fields has a value (e.g. to open the <details> holding them)."""
    return any(form[name].value() for name in names.split(","))
