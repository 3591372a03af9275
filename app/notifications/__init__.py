"""E-mail: the outbox, its templates in French and English, the SMTP sender and its worker."""
