"""The pure core: parsing, calendar and periods, plan import, summaries, KPI rules.

Nothing here may import telegram, aiosqlite or apscheduler (tests/test_purity.py walks the imports).
"""
