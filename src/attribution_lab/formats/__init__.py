"""How the module's files are written down: the versioned schemas and one decoder per file kind.

``key.py`` reads an answer key (YAML, then its schema, then what a schema cannot check);
``answers.py`` reads and writes a student's answers file (JSON); ``limits.py`` holds every size
limit. Nothing here opens a file: callers hand over text or bytes.
"""
