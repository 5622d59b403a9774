"""The files the assessment pages export (health findings, the register, standards, 述职评议):
a dataset in the portal's formats (BOM for Excel, illegal characters dropped, formulas
escaped), handed to the user as core.downloads does every generated file."""

from __future__ import annotations

import tablib
from django.http import HttpResponse

from core.downloads import download_response
from portal.exporting import FORMATS


def dataset_response(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """`dataset` as an attachment in `fmt` (a key of FORMATS, checked by the caller)."""
    content = FORMATS[fmt]().export_data(dataset)
    if isinstance(content, str):
        content = content.encode("utf-8")
    return download_response(content, filename)
