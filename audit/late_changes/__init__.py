"""Late changes (раздел 4 положения): request, registration, approval, application, change table."""
