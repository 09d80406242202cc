"""The onboarding pages (/plan/), one module a section; views are thin.

Read input, fetch the object through an access helper (404 for anyone else's), call one service, turn its
``ValidationError`` into a message, redirect or render.

| module | pages |
| --- | --- |
| ``start`` | the start page of the section |
| ``timetable`` | weekly timetable, bells, calendar (holidays, transfers), lesson generation, single lessons |
| ``ktp`` | the teacher's КТП: topics, import, plan/fact report |
| ``people`` | import of students, parents and teachers |
| ``accounts`` | one-time passwords and slips, receipts, parents' applications, the first-login password |
| ``cards`` | school, teacher and student cards |
"""
