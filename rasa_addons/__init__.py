"""Extensions loaded by the Rasa server process: tracker store, channels."""
