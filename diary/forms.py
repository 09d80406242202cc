"""Query-string parameters of the diary pages (nothing under /diary/ accepts a write)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _


class WeekForm(forms.Form):
    """``?date=YYYY-MM-DD``: any day of the week to show."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean_date(self) -> datetime.date | None:
        day = self.cleaned_data["date"]
        if day is not None and not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("Дата вне учебных лет."))
        return day

    def day(self, today: datetime.date) -> datetime.date:
        """The requested day; today when it is missing or malformed (a mistyped link shows this week)."""
        if self.is_valid() and self.cleaned_data["date"]:
            return self.cleaned_data["date"]
        return today


class PeriodForm(forms.Form):
    """``?period=<id>``: one of the study periods of the student's class."""

    period = forms.IntegerField(required=False, min_value=1)
