"""The bottom layer: shared infrastructure with no domain (ID-number and credit-code checks, masking, xlsx
writing, database helpers, API and form base classes). It imports no app of the project."""
