"""Documents people print or publish, rendered from what the engine stored."""
