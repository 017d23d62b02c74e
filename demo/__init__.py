"""Demo and benchmark tooling, not product (`load_demo`, `--scale`): it may import every app; no app imports it."""
