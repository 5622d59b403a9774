"""The members app's data-dictionary tables for import_data / export_data and the admin."""

from core.registry import Kind, register_kind

from .resources import MemberResource

register_kind(Kind("members", "党员", MemberResource, org_prefix="organization__", personal=True))
