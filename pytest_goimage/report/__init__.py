"""The run's results: records, JSON report, terminal and Markdown summaries, the report header,
the size baseline, and the plugin object that collects outcomes (also from xdist workers)."""
