"""What authors use: drafting a case from any article (sentences, cues, new-case), making exercises
from solutions, and the case-format documentation generated from the schema.
"""
