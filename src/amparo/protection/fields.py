"""Model fields that encrypt on the way into the database and decrypt on the way out.

Lookups on these fields are meaningless (every encryption differs); use a blind index.
"""

import json
from typing import TYPE_CHECKING, Any

from django.db import models

from amparo.protection import crypto

if TYPE_CHECKING:
    _TextBase = models.TextField[Any, Any]
    _JSONBase = models.Field[Any, Any]
else:
    _TextBase = models.TextField
    _JSONBase = models.TextField


class EncryptedTextField(_TextBase):
    """A text value stored as a Fernet token. Empty strings stay empty (nothing to protect)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))


class EncryptedJSONField(_JSONBase):
    """A JSON value (list or mapping) stored as one Fernet token."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedJSONField)
