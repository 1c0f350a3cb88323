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
    _CharBase = models.CharField[Any, Any]
else:
    _TextBase = models.TextField
    _JSONBase = models.TextField
    _CharBase = models.CharField


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


class KeyedCodeField(_CharBase):
    """A keyed hash (HMAC under the index key) of a special-category code held encrypted in
    another field of the same row, so the database can enforce uniqueness and count by code
    without ever holding the code in clear. Filled on every save, bulk ones included."""

    def __init__(self, *args: Any, source: str = "", purpose: str = "", **kwargs: Any) -> None:
        self.source, self.purpose = source, purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["purpose"] = self.source, self.purpose
        return name, path, args, kwargs

    def key_for(self, code: str) -> str:
        return crypto.blind_index(code, purpose=self.purpose)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.key_for(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedJSONField)
