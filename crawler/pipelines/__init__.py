"""The item pipeline: extraction on worker processes and batched database writes in a writer process (``archive``,
``worker_pool``, ``batch_writer``, ``writer_process``).
"""
