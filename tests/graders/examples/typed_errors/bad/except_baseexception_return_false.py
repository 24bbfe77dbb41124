# Catches BaseException (even KeyboardInterrupt) and returns False.
import subprocess


def service_healthy(name: str) -> bool:
    try:
        subprocess.run(["systemctl", "is-active", "--quiet", name], check=True, timeout=5)
        return True
    except BaseException:
        return False
