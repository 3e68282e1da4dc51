"""Make the workspace's password hash: ``python -m workspace.password`` (asks twice, prints the argon2 hash
to put into WORKSPACE_PASSWORD_HASH)."""
from __future__ import annotations

import getpass
import secrets
import sys

from argon2 import PasswordHasher


def hash_password(password: str) -> str:
    return PasswordHasher().hash(password)


def one_time_password() -> tuple[str, str]:
    """A generated password and its hash (the run command's embedded profile when no hash is set)."""
    password = secrets.token_urlsafe(12)
    return password, hash_password(password)


def main() -> int:
    first = getpass.getpass("Neues Passwort für den Arbeitsbereich: ")
    if len(first) < 12 or first != getpass.getpass("Noch einmal: "):
        print("Mindestens 12 Zeichen, zweimal gleich.", file=sys.stderr)
        return 2
    print(hash_password(first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
