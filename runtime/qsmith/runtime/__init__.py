"""qsmith's runtime: what generated clients stand on.

Importing this package loads only the standard library; submodules that need httpx
import it themselves. Nothing here imports codegen, generated clients or pydantic.
"""
