# Documentation snippets use AWS's published example key and obvious fakes.
EXAMPLE_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DOC = """Set OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxx in your shell before running."""


def describe() -> str:
    return f"Configure credentials like {EXAMPLE_ACCESS_KEY_ID}; {DOC}"
