"""The archive's SQL index over its WARC files: models, migrations, the Archive API, the CLI."""
