"""Creation forms that save once, however often they are posted.

Each creation form carries a hidden one-time token (`SubmissionTokenField`, a fresh UUID
in every page). The service that creates the record claims the token inside its own
transaction (`claim`): the first post saves and records where its result is; a repeat —
sequential or concurrent, in any process — finds the token taken and is answered with
`RepeatedSubmission`, which the view turns into "already saved" and a redirect to the
first post's result. A concurrent repeat waits on the first one's uncommitted row and
sees it once the first commits; if the first fails, its token is rolled back with it and
the repeat is free to save.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .models import FormSubmission


class RepeatedSubmission(Exception):  # noqa: N818 - a control-flow signal, not an error
    """The form was already posted; `url` shows what the first post saved."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class SubmissionTokenField(forms.UUIDField):
    """Hidden; a page that does not send one (an old page, a script) still saves, once
    per post, as before."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", uuid.uuid4)
        super().__init__(**kwargs)


def claim(token: uuid.UUID | None, *, user: Any) -> FormSubmission | None:
    """Take `token` for this post, or raise RepeatedSubmission. Call inside the
    transaction that saves the record, then `settle()` with the result's address."""
    if token is None:
        return None
    existing = FormSubmission.objects.filter(token=token).first()
    if existing is not None:
        raise RepeatedSubmission(existing.result_url)
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=user)
    except IntegrityError:
        existing = FormSubmission.objects.filter(token=token).first()
        raise RepeatedSubmission(existing.result_url if existing else "") from None


def settle(submission: FormSubmission | None, url: str) -> None:
    if submission is not None:
        submission.result_url = url
        submission.save(update_fields=["result_url"])


REPEATED_MESSAGE = _("这份表单已经提交过，没有重复保存。")


def earlier_result(data: Any, field: str = "submission") -> str | None:
    """The address of what an earlier post of this same form saved, if this post repeats
    one; checked before the form is validated, so a repeat is not told that the record it
    just created "already exists"."""
    try:
        token = uuid.UUID(str(data.get(field, "")))
    except ValueError:
        return None
    return FormSubmission.objects.filter(token=token).values_list("result_url", flat=True).first()
