"""What instructors use: collecting a class's answers files, grading them into CSV files, the class
report (statistics from ``core``, charts and a page here) and synthetic classes for trying it.
"""
