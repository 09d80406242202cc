"""The demo school (``manage.py seed_demo``): names, curriculum and the builder that writes it all.

The top floor of the project: it may import every app, and nothing imports it but ``bench/``.
"""
