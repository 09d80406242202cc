"""The demo school (``manage.py seed_demo``): names, curriculum and the builder that writes it all."""
