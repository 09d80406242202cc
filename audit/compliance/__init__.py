"""Compliance (п. 3.3 положения): the deputy director's checks, their stored findings and the dashboard."""
