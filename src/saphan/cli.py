"""The ``saphan`` console script: Django's manage.py plus Saphan's own commands.

``saphan migrate``, ``saphan createsuperuser``, ``saphan demo``, ``saphan token create
USERNAME``, ``saphan backup``… (``saphan help`` lists them all).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["saphan", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
