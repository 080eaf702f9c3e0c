from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


def jinja_html(template_name, context):
    """A Jinja2 template (from the apps' jinja2/ folders) rendered with `context`, as HTML to insert as it is.

    Rendered without the request argument: the context already holds `request` and what Django's context
    processors gave the page, so the Jinja2 backend's own processors would only run twice (and the error page,
    which reads no database, has none)."""
    jinja = engines["jinja2"].get_template(template_name)
    # Jinja2 escapes every value it writes (autoescape): what it returns is HTML, safe to insert as it is.
    return mark_safe(jinja.render(context))


@register.simple_tag(takes_context=True)
def jinja_include(context, template_name):
    """A Jinja2 template rendered with this template's context, in its place."""
    return jinja_html(template_name, context.flatten())
