"""SQLite, with the database file readable by its owner only (like keys.json).

SQLite gives its -wal and -shm files the permissions of the database file, so creating the
database 0600 before SQLite opens it (and narrowing an older one) covers all three.
"""

import os
import stat
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base


def _owner_only(path: Path) -> None:
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists() and stat.S_IMODE(file.stat().st_mode) & 0o077:
            file.chmod(0o600)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params.get("database", ""))
        if name and not self.is_in_memory_db() and not name.startswith("file:"):
            _owner_only(Path(name))
        return super().get_new_connection(conn_params)
