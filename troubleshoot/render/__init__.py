"""Render a diagnosis as a cited Markdown guide, as HTML, or as the JSON contract."""
