"""The embeddable map of a campaign: an HTML page made to sit in another site's iframe."""
