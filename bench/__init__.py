"""The benchmark command (``python -m bench`` / ``make bench``).

Starts the assistant itself (embedded profile, temporary ``VAR_DIR``, free ports, no web server), measures reply
latency and throughput over REST and socket.io, cold start, memory, training time and NLU inference time, does
the same for a ``rasa init`` reference assistant, and prints a table with targets (never asserts on them).
Results go to ``bench/results.json`` (git-ignored).

Owns: the load generators, the scripted conversations, the reference assistant, the /proc measurements, the
statistics and the report. The assistant is started with tooling.stack and the reference assistant on
tooling.processes (no process runner of its own); shared helpers (ports, waiting,
models, NLU files) come from tooling. Must not import tests/; of the assistant only ``actions.texts`` (the texts
a conversation must end with).
"""
