"""效能监察: the auditor's measures, computed in SQL from recorded events.

`facts` keeps one row per finished case and a daily aggregate, written in the
same transaction as the transition that finishes the case; `measures` reads
them; `exports` writes tables and the event log; `charts` draws SVG.
"""
