"""How passwords are stored: Argon2id at OWASP's recommended minimum (19 MiB, two passes, one lane), about
0.03 s per login on two cores."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CityArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, memory-hard: 19 MiB for each hash (four workers logging people in at once need 76 MiB).

    Django's default, PBKDF2 with 1,000,000 rounds, kept people waiting 0.25 s on a quiet server and near a
    second on a busy one (finding walk-2026-12), and costs an attacker with the stolen hashes less than
    Argon2's memory does; Django's own Argon2 settings (100 MiB, eight lanes) took 0.12 s. Stored PBKDF2 hashes
    are still accepted and are rewritten as Argon2id at their owner's next login. Guessing online is stopped
    by django-axes (five failures lock the username), not by the hash's cost."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
