"""The Jinja2 environment of the templates in the apps' jinja2/ folders (see TEMPLATES in settings)."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment

from core.time import clock
from referrals.lists import ListLinks


def environment(**options):
    """Jinja2 with Django's translations (`_`, `gettext`, `ngettext`), `url`, `static`, the `clock` filter,
    `widget_context` (a form field's input as Django would draw it) and `referral_links` (the visitor's list)."""
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # Django's own gettext: `_("in %(city)s") % {...}` as in Python, and `makemessages` finds `{{ _("...") }}` in
    # these templates as it does in Django's.
    env.install_gettext_translations(translation, newstyle=False)
    env.globals.update(
        url=lambda name, *args, **kwargs: reverse(name, args=args, kwargs=kwargs),
        static=static,
        widget_context=widget_context,
        referral_links=ListLinks,
    )
    env.filters["clock"] = clock
    return env


def widget_context(field):
    """A bound field's widget as Django's own templates receive it (type, name, value, attrs): what
    field.as_widget() renders, for a template to draw without rendering Django's widget templates."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.get_context(field.html_name, field.value(), attrs)["widget"]
