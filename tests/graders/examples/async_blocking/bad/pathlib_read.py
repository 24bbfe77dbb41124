# Reads a template with Path.read_text inside an async email sender.
from pathlib import Path

TEMPLATES = Path("/srv/templates")


async def render_welcome(name: str) -> str:
    template = (TEMPLATES / "welcome.html").read_text(encoding="utf-8")
    return template.replace("{{name}}", name)
