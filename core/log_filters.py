"""No personal data in the logs: ID numbers and mobile numbers are masked in every record.

The portal never logs rows on purpose, but an unexpected error's message can quote one
(a database error naming the value that broke a constraint, a library echoing a cell).
This filter sits on every handler, so whatever reaches a log file or journal is masked."""

from __future__ import annotations

import logging
import re

# 18-character ID numbers (GB 11643) and 11-digit mainland mobile numbers, not inside a
# longer run of digits (an amount or a timestamp is left alone).
ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9Xx])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask(text: str) -> str:
    text = ID_NUMBER.sub(r"\1********\2", text)
    return MOBILE.sub(r"\1****\2", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if record.exc_info and not record.exc_text:
            # Format the traceback now, so that its text can be masked too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if masked != message:
            record.msg, record.args = masked, None
        return True
