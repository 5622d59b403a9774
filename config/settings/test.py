"""Settings for the test suite: fast hashing, files in a temporary folder."""

import tempfile

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
# A fixed key for the suite (never used outside tests): personal data encrypted at rest.
PERSONAL_DATA_KEYS = [
    "dGVzdC1vbmx5IGtleSBmb3IgdGhlIHN1aXRlIG9mIHRoZSBwb3J0YWwsIG5ldmVyIGluIHByb2R1Y3Rpb24hIQ=="
]
PERSONAL_DATA_DEV_KEY_FILE = None
# The suite signs in with a password; the second-factor tests switch it on themselves.
OTP_REQUIRED = False
