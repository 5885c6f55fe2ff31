"""Mutation testing of the pure readers: the score over mutmut's results (`make mutation`)."""
