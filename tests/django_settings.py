"""Settings for the test suite: harbour.settings with throwaway keys.

DATABASE_URL picks the database (scripts/test.sh runs SQLite, then PostgreSQL).
"""

import os
import tempfile

from cryptography.fernet import Fernet

os.environ.setdefault("HARBOUR_ENV", "test")
os.environ.setdefault("HARBOUR_DATA_DIR", tempfile.mkdtemp(prefix="harbour-test-"))
os.environ.setdefault("HARBOUR_SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("HARBOUR_FIELD_ENCRYPTION_KEYS", Fernet.generate_key().decode())
os.environ.setdefault("HARBOUR_INDEX_KEY", "dGVzdC1pbmRleC1rZXktdGhhdC1pcy0zMi1ieXRlcy1sb25nISE=")
os.environ.setdefault("DATABASE_URL", "sqlite://")
os.environ.setdefault("HARBOUR_REQUIRE_MFA", "true")

from harbour.settings import *  # noqa: F403

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Fast hashing keeps the suite quick; production keeps Argon2 (tested separately).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Parallel runs against one PostgreSQL server need distinct test databases.
if os.environ.get("HARBOUR_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["HARBOUR_TEST_DB_NAME"]}  # noqa: F405
