"""The demo school generator: one plan of a school, two writers.

``demo.plan`` plans a school (calendar, classes, staff and teaching, timetable, КТП, families, access, the
planted gaps) in plain Python; ``demo.write`` writes it through the ORM for ``manage.py seed_demo``
(``demo.build``), and the bench writes it to PostgreSQL at scale (``bench.data``).

The top floor of the project: it may import every app, and nothing imports it but ``bench/``.
"""
