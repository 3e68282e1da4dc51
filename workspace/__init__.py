"""The consultant's web workspace (German UI, behind a login), served on its own port (``WORKSPACE_PORT``).

Owns: the login (argon2 password hash, signed session cookies, CSRF tokens, login rate limit), the leads list
(filter, search, pagination, status, CSV), the lead page (brief, answers, transcript as text, deletion through
``LeadRepository.delete_conversation`` like ``leads delete``), and the funnel / channels chart (server-side SVG)
computed by ``workspace.funnel`` from Rasa's tracker events and the leads. Reads the tracker store read-only;
writes only the lead status and deletions through the lead store. No Rasa import.
"""
