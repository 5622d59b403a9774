"""Form pieces shared by the pages: a select that renders thousands of options fast, and
the way a service's refusal reaches the form."""

from __future__ import annotations

import html

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.choices import normalize_choices
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A select whose options are rendered in Python. Django renders every option through
    a template (tens of microseconds each); a city's organisation select holds about 2,000
    options, which made that rendering most of the page's time."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value) -> None:
        # A list is already (value, label) pairs (org_choices, a ChoiceField's choices):
        # Django would normalise each of the ~2,000 pairs again on every request.
        self._choices = value if isinstance(value, list) else normalize_choices(value)

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = "" if value is None else str(value)
        # html.escape rather than format_html per option: the same escaping, a third of
        # the time.
        options = "".join(
            '<option value="{}"{}>{}</option>'.format(
                html.escape(str(option)),
                " selected" if str(option) == selected else "",
                html.escape(str(label)),
            )
            for option, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))  # noqa: S308


class ServiceErrorsMixin:
    """Show a service's ValidationError on the form: each message beside the field it
    names, the rest (a message without a field, a key the form has no field for) on top.
    Services raise both shapes, ValidationError("…") and ValidationError({"field": …}),
    so a view never reads `message_dict`, which a message without a field lacks."""

    def service_error_field(self, key: str) -> str | None:
        """The form field a service's error key belongs to; None puts it on top. A form
        whose fields are named differently from the service's keys overrides this."""
        field = self.fields.get(key)
        # A hidden or disabled field has no input the user could correct (templates show
        # no errors beside a hidden one): its message goes on top, where it is read.
        if field is None or field.disabled or field.widget.is_hidden:
            return None
        return key

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            self.add_error(self.service_error_field(key), errors)
