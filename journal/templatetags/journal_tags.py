"""Template filters for rules the pages share with the code that builds HTML by hand (``journal.grid``, the diary)."""

from django import template

from journal.averages import average_text

register = template.Library()


@register.filter
def average(value) -> str:
    """A weighted average as every page shows it: «4,13», or «» for none (``journal.averages``)."""
    return average_text(value)


@register.simple_tag
def history_head():
    """The end of the history chain now (its hash and number of entries), for the printed documents and the
    dashboard: a database restored from an older backup shows another head (``verify_journal --head``)."""
    from journal.models import HistoryHead

    return HistoryHead.objects.filter(id=1).first()
