"""Action server package of the consultant's German assistant."""
