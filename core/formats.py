"""django-import-export formats used by the admin and the commands alike."""

from __future__ import annotations

from import_export.formats import base_formats

from .tables import read_csv, read_xlsx


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream)


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return read_csv(in_stream)

    def is_binary(self) -> bool:
        # Read bytes so that read_csv() decides the encoding (UTF-8 with/without BOM, GB18030).
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def export_data(self, dataset, **kwargs):
        # A BOM makes Excel open the UTF-8 file with the right encoding.
        return "\ufeff" + super().export_data(dataset, **kwargs)
