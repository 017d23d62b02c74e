"""Demo and benchmark tooling, not product: `load_demo` and its `--scale` generator.

It may import every app; no app imports it (DESIGN.md, layers)."""
