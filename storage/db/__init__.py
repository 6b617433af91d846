"""The database under the archive: every table (``models``), opening it (``engine``), the Alembic
chain (``migrate``, ``migrations/``), the driver-level fast path (``fastpath``), UTC time (``times``),
the errors a user can cause (``errors``) and the base of every returned value (``results``).
"""
