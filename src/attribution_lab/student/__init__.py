"""What students use: the classification panel (its model apart from its view and HTML), the
worksheets, the lessons' definitions and text views, the plain-text interface and the charts.
"""
