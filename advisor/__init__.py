"""The consultant's advice as plain Python: the criteria table, the recommendation and the reading of typed German.

Owns the domain logic. Must not import rasa, rasa_sdk, sqlalchemy or any other package of this project.
"""
