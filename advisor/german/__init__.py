"""Understanding typed German answers: normalisation, numbers, yes/no/unsure, platforms, functions.

Pure Python; must not import rasa or rasa_sdk.
"""
