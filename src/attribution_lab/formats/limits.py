"""Every size and depth limit on files the module reads, in one place.

Keys, articles and answers files are data typed or saved by people: a few kilobytes each. Anything
far larger is refused before it is parsed, so no file can make the module slow or run out of memory.
"""

from __future__ import annotations

#: The name of a case's answer key inside its folder.
KEY_FILE = "key.yaml"
#: A key or an article larger than this is refused before parsing (they are a few dozen kilobytes).
MAX_CASE_FILE_BYTES = 2_000_000
#: An answers file is a few kilobytes; anything over this is refused before parsing.
MAX_SUBMISSION_BYTES = 1_000_000
#: An answers file nests five levels (answers > statement > current > chain > label); allow some slack.
MAX_SUBMISSION_DEPTH = 12
#: A student's name and id, in characters (the submission schema's maxLength says the same).
MAX_STUDENT_TEXT = 200
#: The most presses of Check one statement can record.
MAX_ATTEMPTS = 1_000_000
#: An article for a new case: one news item, a few kilobytes long.
MAX_ARTICLE_BYTES = 200_000
