"""Outlets: the seed files that name them (``seeds``), which outlet a URL belongs to (``domains``),
each outlet's learned clutter model (``clutter_models``) and the values listing them (``results``).
"""
