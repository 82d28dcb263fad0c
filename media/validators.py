"""Kept for the migrations that name these validators; the checks live in common.uploads."""

from common.uploads import validate_document_file, validate_image_file

__all__ = ["validate_document_file", "validate_image_file"]
