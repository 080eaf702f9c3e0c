"""The Jinja2 environment of the templates in the apps' jinja2/ folders (see TEMPLATES in settings)."""

from django.template.defaulttags import querystring
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment

from core.time import clock
from directory.languages import other_language_links, spanish_offer_url
from referrals.lists import ListLinks
from referrals.templatetags.referral_tags import referral_bar_facts


def environment(**options):
    """Jinja2 with Django's translations (`_`, `gettext`, `ngettext`, `get_language`), `url`, `static`,
    `querystring` (Django's tag: the page's query with some parameters changed), the `clock` filter,
    `widget_context` (a form field's input as Django would draw it), the language links, and the visitor's
    referral list (`referral_links`, `referral_bar`)."""
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # Django's own gettext: `_("in %(city)s") % {...}` as in Python, and `makemessages` finds `{{ _("...") }}` in
    # these templates as it does in Django's.
    env.install_gettext_translations(translation, newstyle=False)
    env.globals.update(
        url=lambda name, *args, **kwargs: reverse(name, args=args, kwargs=kwargs),
        static=static,
        querystring=lambda request, **changes: querystring(None, request.GET, **changes),
        get_language=translation.get_language,
        other_languages=other_language_links,
        spanish_offer=spanish_offer_url,
        widget_context=widget_context,
        referral_links=ListLinks,
        referral_bar=referral_bar_facts,
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
