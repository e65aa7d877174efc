"""Core commands: translate, docs, show, correct, export."""
