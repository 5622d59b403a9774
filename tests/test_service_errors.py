"""A service's ValidationError on the form (core.forms.ServiceErrorsMixin): both shapes a
service raises reach the user, each message where it can be read."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.forms import ServiceErrorsMixin


class NoteForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(required=False)
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(required=False, disabled=True)


def validated(**data: str) -> NoteForm:
    form = NoteForm({"title": "", "revision": "1", **data})
    assert form.is_valid()
    return form


def test_a_message_without_a_field_goes_on_top():
    form = validated()
    form.add_service_error(ValidationError("第 2 项尚未评分。"))
    assert form.errors == {NON_FIELD_ERRORS: ["第 2 项尚未评分。"]}


def test_a_message_naming_a_field_goes_beside_it():
    form = validated(title="x")
    form.add_service_error(ValidationError({"title": ["太短。", "重复。"]}))
    assert form.errors == {"title": ["太短。", "重复。"]}
    assert "title" not in form.cleaned_data


def test_a_message_the_user_could_not_correct_beside_its_field_goes_on_top():
    form = validated()
    form.add_service_error(
        ValidationError(
            {
                "revision": "已被他人修改。",  # hidden
                "code": "代码不能修改。",  # disabled
                "organization": "不在管辖范围内。",  # no such field
                NON_FIELD_ERRORS: "未保存。",
            }
        )
    )
    assert form.errors == {
        NON_FIELD_ERRORS: ["已被他人修改。", "代码不能修改。", "不在管辖范围内。", "未保存。"]
    }


def test_a_form_maps_the_services_keys_to_its_own_fields():
    class ItemForm(NoteForm):
        def service_error_field(self, key: str) -> str | None:
            return super().service_error_field("title" if key == "7.title" else key)

    form = ItemForm({"title": "", "revision": "1"})
    assert form.is_valid()
    form.add_service_error(ValidationError({"7.title": "必填。"}))
    assert form.errors == {"title": ["必填。"]}
