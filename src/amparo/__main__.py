"""The `amparo` command: forwards to Django's management commands.

`amparo demo`, `amparo serve`, `amparo audit verify`, `amparo rotate-keys`, `amparo screen`...
are management commands of the apps; anything Django offers (migrate, shell) works too.
"""

import os
import sys


def _command_name(args: list[str]) -> list[str]:
    """Accept `rotate-keys` for the `rotate_keys` command: hyphens read better in a shell."""
    if args and not args[0].startswith("-"):
        return [args[0].replace("-", "_"), *args[1:]]
    return args


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings
        from django.core.management import execute_from_command_line

        settings.INSTALLED_APPS  # noqa: B018  (import settings now, so a bad value stops here)
        execute_from_command_line([sys.argv[0], *_command_name(sys.argv[1:])])
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"amparo: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
