"""ID numbers and phones are stored encrypted; the portal works on them as before."""

from __future__ import annotations

import base64
import os

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from core.encryption import KeyringError, decrypt, encrypt, is_encrypted, reencrypt
from members.models import DevelopmentCase, Member
from orgs.models import Organization
from tests.factories import make_member
from tests.helpers import id_number


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def new_key() -> str:
    return base64.b64encode(os.urandom(64)).decode()


def test_the_database_holds_no_plain_number_or_phone(tree):
    member = make_member(tree["A1"], seq=5, phone="13987654321")
    stored_number = raw("members_member", "id_number", member.pk)
    stored_phone = raw("members_member", "phone", member.pk)
    assert is_encrypted(stored_number)
    assert member.id_number not in stored_number
    assert "13987654321" not in stored_phone
    # The history keeps them encrypted too.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM members_historicalmember")
        for number, phone in cursor.fetchall():
            assert is_encrypted(number)
            assert is_encrypted(phone)
    # What a mask shows is kept in the clear for searching, and nothing more.
    assert raw("members_member", "id_tail", member.pk) == member.id_number[-4:]
    assert raw("members_member", "id_head", member.pk) == member.id_number[:4]


def test_a_secretarys_phone_is_encrypted_too(tree):
    Organization.objects.filter(pk=tree["A1"].pk).update(secretary_phone="13700001111")
    stored = raw("orgs_organization", "secretary_phone", tree["A1"].pk)
    assert is_encrypted(stored)
    assert Organization.objects.get(pk=tree["A1"].pk).secretary_phone == "13700001111"


def test_equality_lookups_and_uniqueness_work_on_ciphertext(tree):
    member = make_member(tree["A1"], seq=6)
    assert Member.objects.get(id_number=member.id_number) == member
    assert list(Member.objects.filter(id_number__in=[member.id_number, id_number(seq=7)])) == [
        member
    ]
    assert Member.objects.filter(id_number=member.id_number.lower()).exists()  # normalised
    assert Member.objects.values_list("id_number", flat=True).get() == member.id_number
    with pytest.raises(FieldError):
        list(Member.objects.filter(id_number__contains="1980"))
    with pytest.raises(FieldError):
        list(Member.objects.filter(phone__startswith="139"))


def test_values_written_before_encryption_are_read_and_converted(tree):
    member = make_member(tree["A1"], seq=8)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_member SET id_number = %s WHERE id = %s", [member.id_number, member.pk]
        )
    assert Member.objects.get(pk=member.pk).id_number == member.id_number
    assert reencrypt(Member) == 1
    assert is_encrypted(raw("members_member", "id_number", member.pk))
    assert Member.objects.get(id_number=member.id_number) == member


def test_a_key_rotation_re_encrypts_everything(tree, settings):
    member = make_member(tree["A1"], seq=9)
    case_number = id_number("1995-01-01", seq=10)
    DevelopmentCase.objects.create(
        organization=tree["A1"],
        name="赵申请",
        id_number=case_number,
        gender="M",
        ethnicity="01",
        education="bachelor",
        job="farmer",
        applied_on="2025-01-01",
    )
    old_key = settings.PERSONAL_DATA_KEYS[0]
    before = raw("members_member", "id_number", member.pk)
    fresh = new_key()
    with override_settings(PERSONAL_DATA_KEYS=[fresh, old_key]):
        assert Member.objects.get(pk=member.pk).id_number == member.id_number  # old key reads
        call_command("rotate_personal_data_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
        after = raw("members_member", "id_number", member.pk)
        assert after != before
        assert Member.objects.get(id_number=member.id_number) == member
    with override_settings(PERSONAL_DATA_KEYS=[fresh]):  # the old key can go
        assert Member.objects.get(pk=member.pk).id_number == member.id_number
        assert DevelopmentCase.objects.get(id_number=case_number).name == "赵申请"
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM members_historicalmember")
            assert all(decrypt(row[0]) for row in cursor.fetchall())


def test_the_embedded_run_makes_its_own_key_once(tmp_path):
    key_file = tmp_path / "key"
    with override_settings(PERSONAL_DATA_KEYS=[], PERSONAL_DATA_DEV_KEY_FILE=key_file):
        value = encrypt("13800001234")
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert decrypt(value) == "13800001234"
        assert encrypt("13800001234") == value  # the same key the next time


def test_a_missing_or_bad_key_is_a_clear_error():
    with override_settings(PERSONAL_DATA_KEYS=[]), pytest.raises(KeyringError, match="未设置"):
        encrypt("x")
    with override_settings(PERSONAL_DATA_KEYS=["c2hvcnQ="]), pytest.raises(KeyringError):
        encrypt("x")
    value = encrypt("513401198005170013")
    with override_settings(PERSONAL_DATA_KEYS=[new_key()]), pytest.raises(KeyringError):
        decrypt(value)
