"""Files on disk: cases in folders (``cases.py``) and a student's answers file (``answers_store.py``,
with atomic writes, backups and the clock the answers are stamped with).
"""
