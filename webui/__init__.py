"""The web chat's parts that need no web framework: rendering, uploads, the shared index holder."""
