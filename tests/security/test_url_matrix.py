"""Who may open which page: every URL of the URLconf × every role of the cast → the expected status (GET)."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

#: The admin's own URLs (each model's add/change/delete/history…) are Django's; the matrix keeps its index and
#: one changelist, the rest of the admin is covered by ``journal/tests/test_admin*.py``.
ADMIN_KEPT = {"admin:index", "admin:audit_latechangerequest_changelist"}


def walk(patterns, namespace: str | None = None):
    """(name with namespaces, converter keywords) of every named URL, through every ``include()``."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, sorted(pattern.pattern.converters)


def walked() -> list[tuple[str, list[str]]]:
    seen = {}
    for name, kwargs in walk(get_resolver().url_patterns):
        if name.startswith("admin:") and name not in ADMIN_KEPT:
            continue
        seen.setdefault(name, kwargs)
    return sorted(seen.items())


def url_for(name: str, kwargs: list[str], world: dict) -> str:
    own = world.get(name, {})
    return reverse(name, kwargs={key: own.get(key, world[key]) for key in kwargs})


# --- The expectations -------------------------------------------------------------------------------------------
# A status, or where a redirect goes: LOGIN (our login page), ADMIN_LOGIN (the admin's), or "→<prefix>".
LOGIN = "→/accounts/login/"
ADMIN_LOGIN = "→/admin/login/"
TEACHERS = ("teacher", "other_teacher", "class_teacher")
ADMINISTRATION = ("deputy", "director", "sysadmin")
STAFF = TEACHERS + ADMINISTRATION
FAMILY = ("parent", "other_parent", "student", "other_student")


def row(default, anonymous=LOGIN, **roles):
    """Every role → ``default``, the anonymous visitor → the login page, unless named otherwise."""
    expected = dict.fromkeys(STAFF + FAMILY, default)
    expected["anonymous"] = anonymous
    expected.update(roles)
    return expected


def only(allowed: dict, default=403):
    """403 for everyone but the roles named in ``allowed``."""
    return row(default, **allowed)


#: POST-only endpoints: GET is refused for everyone logged in.
POST_ONLY = row(405)
#: /diary/<other_student>/…: staff 403; the 5А family (parent, student) 404, as for any foreign object; 5Б's own 200.
DIARY_OF_OTHER = row(403, parent=404, student=404, other_parent=200, other_student=200)
#: /journal/ and /plan/ktp/ of other_teacher's assignment: the owner 200, other teachers 404, everyone else 403.
OWN_ASSIGNMENT = row(403, teacher=404, class_teacher=404, other_teacher=200)
#: Read-only reports of the administration (deputy and director).
ADMINISTRATION_REPORT = only({"deputy": 200, "director": 200})
#: Planning data that the deputy and the sysadmin keep.
PLANNING = only({"deputy": 200, "sysadmin": 200})
#: Reports that need ?class=…&period=… (404 without them) for the deputy and the director.
ADMINISTRATION_FILE = only({"deputy": 404, "director": 404})

EXPECTED = {
    # Site and accounts
    "home": row(
        "→/diary/",
        teacher="→/journal/",
        other_teacher="→/journal/",
        class_teacher="→/journal/",
        deputy="→/audit/",
        director="→/audit/",
        sysadmin="→/admin/",
    ),
    "no_role": row(403),
    "healthz": row(200, anonymous=200),
    "login": row("→/", anonymous=200),
    "logout": POST_ONLY,
    "password_change": row(200),
    "password_change_done": row(200),
    "sessions": row(200),
    # Journal (teachers)
    "journal:index": only(dict.fromkeys(TEACHERS, 200)),
    "journal:grid": OWN_ASSIGNMENT,
    "journal:cell": POST_ONLY,
    # GET without ?lesson=…&student=… finds no cell
    "journal:cell_details": row(403, teacher=404, other_teacher=404, class_teacher=404),
    "journal:period_mark": POST_ONLY,
    "journal:fill_topics": POST_ONLY,
    "journal:work_type_css": row(200),
    "journal:lesson": OWN_ASSIGNMENT,
    "journal:lesson_attendance": POST_ONLY,
    # the lesson has no attached file: 404 even for its own teacher
    "journal:lesson_file": row(403, teacher=404, other_teacher=404, class_teacher=404),
    # Diary (parents and students)
    "diary:index": row(403, **dict.fromkeys(FAMILY, "→/diary/")),
    "diary:school": row(403, **dict.fromkeys(FAMILY, 200)),
    "diary:week": DIARY_OF_OTHER,
    "diary:marks": DIARY_OF_OTHER,
    "diary:attendance": DIARY_OF_OTHER,
    "diary:timetable": DIARY_OF_OTHER,
    # the lesson has homework but no attached file: 404 even for 5Б's own family
    "diary:homework": row(403, **dict.fromkeys(FAMILY, 404)),
    # Planning
    "onboarding:index": only(
        {"teacher": 200, "other_teacher": 200, "class_teacher": 200, "deputy": 200, "sysadmin": 200}
    ),
    "onboarding:timetable": PLANNING,
    "onboarding:timetable_copy": POST_ONLY,
    "onboarding:slot_delete": POST_ONLY,
    "onboarding:bells": PLANNING,
    "onboarding:calendar": PLANNING,
    "onboarding:holiday_delete": POST_ONLY,
    "onboarding:transfer_delete": POST_ONLY,
    "onboarding:generate": PLANNING,
    "onboarding:lessons": PLANNING,
    "onboarding:lesson_add": POST_ONLY,
    "onboarding:lesson": PLANNING,
    "onboarding:ktp_list": only(dict.fromkeys(TEACHERS, 200)),
    "onboarding:ktp": OWN_ASSIGNMENT,
    "onboarding:ktp_import": OWN_ASSIGNMENT,
    "onboarding:ktp_report": OWN_ASSIGNMENT,
    "onboarding:topic": OWN_ASSIGNMENT,
    "onboarding:topic_delete": POST_ONLY,
    "onboarding:topic_move": POST_ONLY,
    "onboarding:people_import": only({"sysadmin": 200}),
    "onboarding:accounts": PLANNING,
    "onboarding:slips": POST_ONLY,
    "onboarding:staff_accounts": only({"sysadmin": 200}),
    "onboarding:staff_slips": POST_ONLY,
    "onboarding:user_slip": POST_ONLY,
    "onboarding:receipt": POST_ONLY,
    "onboarding:application_add": POST_ONLY,
    "onboarding:application_register": POST_ONLY,
    "onboarding:application_approve": POST_ONLY,
    "onboarding:application_reject": POST_ONLY,
    "onboarding:school_card": PLANNING,
    # other_teacher's card: their own and the deputy's
    "onboarding:teacher_cards": only({"deputy": 200}),
    "onboarding:my_card": only(dict.fromkeys(TEACHERS, "→/plan/teachers/")),
    "onboarding:teacher_card": only({"teacher": 404, "class_teacher": 404, "other_teacher": 200, "deputy": 200}),
    "onboarding:student_cards": only({"class_teacher": 200, "deputy": 200}),
    # other_student (5Б): class_teacher leads 5А only
    "onboarding:student_card": only({"class_teacher": 404, "deputy": 200}),
    # only the forced change at the first login is here; anyone else goes to the page that asks the old password
    "onboarding:password": row("→/accounts/password/"),
    # Audit: compliance
    "audit:dashboard": ADMINISTRATION_REPORT,
    "audit:criterion": ADMINISTRATION_REPORT,
    "audit:criterion_class": ADMINISTRATION_REPORT,
    "audit:criterion_teacher": ADMINISTRATION_REPORT,
    "audit:my_class": only({"class_teacher": 200}),
    # Audit: late changes (the request is other_teacher's, about 5Б, which has no class teacher)
    "audit:late_change_list": row(403, **dict.fromkeys(STAFF, 200)),
    "audit:late_change_new": only(dict.fromkeys((*TEACHERS, "deputy"), 200)),
    "audit:late_change_detail": row(
        403, teacher=404, class_teacher=404, other_teacher=200, deputy=200, director=200, sysadmin=200
    ),
    "audit:late_change_decide": POST_ONLY,
    "audit:late_change_apply": POST_ONLY,
    # no scan attached: 404 for every reader
    "audit:late_change_scan": row(403, **dict.fromkeys(STAFF, 404)),
    "audit:change_table": ADMINISTRATION_REPORT,
    "audit:change_table_xlsx": ADMINISTRATION_FILE,
    "audit:summary_sheet_pdf": ADMINISTRATION_FILE,
    "audit:summary_sheets": ADMINISTRATION_REPORT,
    "audit:summary_sheets_status": ADMINISTRATION_REPORT,
    # the batch has not been built yet
    "audit:summary_sheets_download": ADMINISTRATION_FILE,
    "audit:late_change_register": ADMINISTRATION_REPORT,
    "audit:late_change_register_pdf": ADMINISTRATION_FILE,
    # the sysadmin's absence (п. 4.4) is recorded by the director and the deputy
    "audit:sysadmin_absences": ADMINISTRATION_REPORT,
    "audit:sysadmin_absence_end": POST_ONLY,
    # Admin: staff only; everyone else is sent to the admin's login page
    "admin:index": row(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, deputy=200, sysadmin=200),
    "admin:audit_latechangerequest_changelist": row(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, deputy=200, sysadmin=200),
}


def outcome(response) -> int | str:
    if response.status_code == 302:
        return "→" + response["Location"].split("?")[0]
    return response.status_code


def matches(expected, got) -> bool:
    if isinstance(expected, str) and isinstance(got, str):
        return got.startswith(expected) if expected != "→/" else got == expected
    return expected == got


def test_every_url_has_expectations():
    """A new URL fails here until someone says who may open it."""
    assert {name for name, _ in walked()} == set(EXPECTED)


def test_who_opens_what(cast, world):
    wrong = []
    for name, kwargs in walked():
        url = url_for(name, kwargs, world)
        for role, user in cast.items():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            got = outcome(client.get(url))
            assert got != 500, f"{name} {url} as {role}: 500"
            if not matches(EXPECTED[name][role], got):
                wrong.append(f"{name} {url} as {role}: expected {EXPECTED[name][role]}, got {got}")
    assert not wrong, "\n".join(wrong)


# --- CSRF -------------------------------------------------------------------------------------------------------


def test_no_view_is_exempt_from_csrf():
    exempt = [name for name, _ in walked() if getattr(resolve_name(name), "csrf_exempt", False)]
    assert exempt == []


def resolve_name(name: str):
    for pattern_name, callback in _callbacks(get_resolver().url_patterns):
        if pattern_name == name:
            return callback
    raise LookupError(name)


def _callbacks(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _callbacks(pattern.url_patterns, inner)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


@pytest.mark.parametrize("who", ["teacher", "other_teacher", "deputy", "sysadmin"])
def test_a_post_without_the_csrf_token_is_refused_everywhere(cast, world, who):
    """Every URL, POST endpoint or not, refuses a POST without the token before the view runs (403)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(cast[who])
    refused = {}
    for name, kwargs in walked():
        response = client.post(url_for(name, kwargs, world), {"x": "1"})
        # Django's CSRF failure page, not a view's own 403: the check ran before the view
        refused[name] = response.status_code == 403 and b"CSRF" in response.content
    assert [name for name, ok in refused.items() if not ok] == []
