"""Place search: communes, streets, addresses and named places of reference layers."""
