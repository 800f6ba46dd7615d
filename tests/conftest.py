"Shared pytest fixtures: small synthetic kicks, so tests never need downloads."
