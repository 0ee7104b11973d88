"""Step 5, render: pages as HTML, from Jinja2 templates (autoescaped) and Markdown (no raw HTML)."""
