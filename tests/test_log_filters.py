"""No personal data in the logs: an ID number or a mobile number in a log message or in an
exception's text is masked by the filter on the portal's log handler."""

from __future__ import annotations

import io
import logging

from core.log_filters import PersonalDataFilter, mask
from tests.helpers import id_number

ID = id_number("1980-05-17", seq=7)


def test_mask_hides_the_middle_of_id_and_mobile_numbers_only():
    assert mask(f"号码 {ID} 重复") == f"号码 {ID[:6]}********{ID[14:]} 重复"
    assert mask("电话13912345678。") == "电话139****5678。"
    # Amounts, years and longer digit runs are not personal data.
    assert mask("预算 1234567.00 元，2026 年，编号 123456789012345678901") == (
        "预算 1234567.00 元，2026 年，编号 123456789012345678901"
    )


def test_the_portal_handler_masks_messages_and_tracebacks():
    root = logging.getLogger()
    handler = next(
        h for h in root.handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters)
    )
    stream = io.StringIO()
    saved = handler.setStream(stream)
    try:
        logger = logging.getLogger("core.jobs")
        logger.warning("row refused: %s %s", ID, "13912345678")
        try:
            raise ValueError(f"duplicate key value (id_number)=({ID})")
        except ValueError:
            logger.exception("import job failed")
    finally:
        handler.setStream(saved)
    output = stream.getvalue()
    assert "row refused" in output
    assert "duplicate key value" in output  # the traceback is still there
    assert ID not in output
    assert "13912345678" not in output
    assert f"{ID[:6]}********{ID[14:]}" in output
