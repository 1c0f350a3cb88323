"""WSGI entry point. Refuses to start when the encryption keys are missing or wrong, or with
the demo's public secret key outside a demo."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
application = get_wsgi_application()

from amparo.protection.crypto import KeyRingError  # noqa: E402  (needs Django set up)
from amparo.protection.domain.keys import (  # noqa: E402
    assert_keys_usable,
    assert_secret_key_chosen,
)

try:
    assert_secret_key_chosen()
    assert_keys_usable()
except KeyRingError as exc:
    sys.stderr.write(f"Amparo cannot start: {exc}\n")
    raise SystemExit(3) from None

from amparo.lib.runtime import tune_garbage_collector  # noqa: E402

tune_garbage_collector()
