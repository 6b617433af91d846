"""What crawls did and will do: the record and health of each run (``runs``) and when each
archived article is next re-checked (``schedule``).
"""
