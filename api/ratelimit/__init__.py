"""API request limits per client and route class, counted in PostgreSQL so they hold across replicas."""
