"""Small reference tables read on every journal write, kept in the cache.

The edit windows and work types change a few times a year; reading them from the cache keeps a cell save
within its query budget. Saving or deleting a row clears the entry (signals in ``journal.apps``); with
several processes and no Redis the entry also expires after ``TTL`` seconds.
"""

from django.core.cache import cache

from audit.models import EditWindow

from .models import WorkType

TTL = 60
RULES_KEY = "journal:edit-windows:v1"
WORK_TYPES_KEY = "journal:work-types:v1"


def edit_window_rules() -> list[EditWindow]:
    rules = cache.get(RULES_KEY)
    if rules is None:
        rules = list(EditWindow.objects.order_by("-priority", "id"))
        cache.set(RULES_KEY, rules, TTL)
    return rules


def work_types() -> dict[int, WorkType]:
    types = cache.get(WORK_TYPES_KEY)
    if types is None:
        types = {wt.pk: wt for wt in WorkType.objects.order_by("name")}
        cache.set(WORK_TYPES_KEY, types, TTL)
    return types


def default_work_type() -> WorkType:
    types = work_types()
    for work_type in types.values():
        if work_type.is_default:
            return work_type
    return next(iter(types.values()))


def clear(**kwargs) -> None:
    cache.delete_many([RULES_KEY, WORK_TYPES_KEY])
