# Returns an error string instead of raising.
import subprocess


def git_head(repo: str) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, check=True, text=True
        )
        return out.stdout.strip()
    except Exception as e:
        return f"error: {e}"
