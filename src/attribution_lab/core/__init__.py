"""The pure rules of the module: the case, the checking engine, feedback wording, the submission
format, scoring, class statistics and the palette.

Nothing in this folder imports a widget, plotting or notebook library, reads or writes a file, or
reads the clock: every function takes plain data and returns plain data (a test checks this).
"""
