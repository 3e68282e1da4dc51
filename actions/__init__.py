"""The action server's rasa-sdk adapters: actions, form validation, the German texts, the lead service.

Owns only the translation between Rasa (trackers, slots, events, the dispatcher) and the plain-Python
packages: ``advisor`` (criteria, recommendation, German understanding) and ``leads`` (storage, hand-off).
Domain logic does not live here; nothing outside ``actions`` imports it.
"""
