"""The extractor's version, importable without loading trafilatura."""

from importlib import metadata

# Bump the first number whenever our own rules change what comes out.
EXTRACTOR_VERSION = f"newsarchive-extract/7 trafilatura/{metadata.version('trafilatura')}"
