"""Outlets: the seed files that name them (``seeds``), which outlet a URL belongs to (``domains``),
names as users type them (``names``), each outlet's learned clutter model (``clutter_models``), what
each crawl run did and which outlets ail (``runs``), and the values listing them (``results``, ``listing``).
"""
