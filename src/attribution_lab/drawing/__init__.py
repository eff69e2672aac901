"""Drawing figures on Agg, shared by the lessons' figures and the class report's charts."""
