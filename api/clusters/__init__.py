"""Clusters as a resource (admins): where stores run, what they hold and how the platform reads them."""
