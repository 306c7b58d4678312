"""Privacy: how long personal data stays in the warehouse."""
