"""The run's results: records, JSON report, terminal and Markdown summaries, and the plugin
object that collects outcomes (also from xdist workers)."""
