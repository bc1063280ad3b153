"""qsmith's generator: Smithy models in, Python client packages out."""
