"""Date inputs keep their value in Thai: the browser's date input needs ISO dates."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import translation

from saphan.core.forms import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput())


def test_a_date_input_shows_its_value_in_iso_form_under_thai() -> None:
    with translation.override("th"):
        html = str(_Form(initial={"day": dt.date(2026, 11, 25)})["day"])
        bound = _Form(data={"day": "2026-11-25"})
        assert bound.is_valid(), bound.errors
        rerendered = str(bound["day"])
    assert 'type="date"' in html and 'value="2026-11-25"' in html
    assert 'value="2026-11-25"' in rerendered
