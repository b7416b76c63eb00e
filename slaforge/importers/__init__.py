"""Importers from other SLO tools' files to slaforge SLA YAML (pure: text in, text out)."""
