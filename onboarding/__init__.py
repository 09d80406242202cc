"""Planning data and onboarding (issue 9): timetable, holidays, lesson generation, КТП, imports, slips."""
