from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja_include(context, template_name):
    """A Jinja2 template (from the apps' jinja2/ folders) rendered with this template's context, in its place."""
    jinja = engines["jinja2"].get_template(template_name)
    # Jinja2 escapes every value it writes (autoescape): what it returns is HTML, safe to insert as it is.
    return mark_safe(jinja.render(context.flatten(), context.get("request")))
