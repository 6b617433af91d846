"""The item pipeline: extraction on worker processes and batched database writes (``archive``,
``batch_writer``).
"""
