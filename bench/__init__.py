"""The benchmark command (``python -m bench`` / ``make bench``).

Starts the assistant itself (embedded profile, temporary ``VAR_DIR``, free ports, no web server), measures reply
latency and throughput over REST and socket.io, cold start, memory, training time and NLU inference time, does
the same for a ``rasa init`` reference assistant, and prints a table with targets (never asserts on them).
Results go to ``bench/results.json`` (git-ignored).
"""
