"""Invitations by e-mail to a campaign role or an organisation role."""
