"""Log filters."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A 403 or 404 is an answer the site meant to give, not a fault: it is logged as one
    line, without the traceback Django attaches to PermissionDenied. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
