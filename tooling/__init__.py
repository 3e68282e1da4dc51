"""Developer and operator tools around the assistant (the assistant itself is actions/, advisor/, leads/,
rasa_addons/).

Owns: starting and stopping the assistant's processes (``stack``, on the process runner ``processes``),
loopback ports and readiness polling (``net``), the rendered Rasa endpoints/credentials (``runtime_config``),
the German spaCy pipeline (``nlp``), training and picking the model to serve (``train``), the demo web server
(``webserver``), reading NLU YAML files (``nlu_data``), the held-out NLU evaluation (``eval_nlu``) and the story
recorder (``record_story``).

Must not import bench/ or tests/ (they build on tooling, not the other way round), nor the assistant's packages
(actions, advisor, leads, rasa_addons): it starts them as processes or names them in generated configuration.
``tooling.net`` imports the standard library only (deploy/wait_ready.py uses it on production hosts).
"""
