"""Template filters for rules the pages share with the code that builds HTML by hand (``journal.grid``, the diary)."""

from django import template

from journal.averages import average_text

register = template.Library()


@register.filter
def average(value) -> str:
    """A weighted average as every page shows it: «4,13», or «» for none (``journal.averages``)."""
    return average_text(value)
