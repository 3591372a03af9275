"""Change feed (``GET /api/v1/changes``) and webhooks: the public, ordered stream of changes to
observations, pulled by mirrors or pushed to owners' URLs from a transactional outbox."""
