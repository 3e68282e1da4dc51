"""Extensions loaded by the Rasa server process: tracker store, channels, NLU components, speed-ups.

May import rasa and the plain-Python ``advisor`` and ``leads`` packages; must not import ``actions``
(that is the action server's code, another process).
"""
