// Password hashing (PBKDF2-HMAC-SHA256) for identity; see docs/decisions.
