"""A cheap Argon2 for tests only: same algorithm and prefix, a fraction of the memory and time.

Production keeps Django's defaults (settings.PASSWORD_HASHERS); tests create many users.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1
