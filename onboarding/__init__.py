"""Onboarding (/plan/): what a school sets up so the journal can be kept, and how people get their accounts.

An app above the journal (issues 9 and 13): it imports ``journal`` and is imported by nobody. The lessons it
plans are written by ``journal.services`` (their history is the journal's); its own models stay in
``journal.models`` (``WorkdayTransfer``, ``LessonAdjustment``, ``CredentialIssue``, ``Guardianship`` …).

| module | what |
| --- | --- |
| ``access`` | who may use which page (deputy, sysadmin, teacher, class teacher) and who may reset whose password |
| ``selectors`` | reads of the pages, and the access helpers that return an object or raise 404 |
| ``services`` | timetable slots and copying, bells, holidays and transfers, where a lesson may stand, КТП, cards |
| ``generation`` | lessons from the timetable: the plan, then the journal's bulk writes |
| ``ktp`` | КТП files and the plan/fact report |
| ``tables`` | reading XLSX/CSV tables with a header row somewhere near the top |
| ``imports`` | import of students, parents and teachers (``rows``, ``students``, ``parents``, ``teachers``) |
| ``accounts`` | logins, one-time passwords, slips, receipts |
| ``guardianships`` | parents' applications, and granting and revoking the diary permission |
| ``slips`` | the slips PDF |
| ``middleware`` | a one-time password must be changed at the first login |
| ``admin`` | the guardianships in the admin, with the grant and end actions |
| ``views`` | the pages, one module a section; ``urls`` mounts them at /plan/ |
"""
