"""`make audit`: a CycloneDX SBOM of the environment, then pip-audit on it.

The SBOM is written first and whatever happens after: it needs no network.
pip-audit needs advisory data (PyPI's JSON API or OSV). Where that cannot be
reached, pip-audit either fails or reports every package as "not found" and
exits 0, which reads as a clean audit: this script says plainly that nothing
was checked. It exits 1 only when a known vulnerability is found (2 if the
SBOM cannot be written), so an offline machine is not a failed build; the
sentence it prints is what to read. README, "Operations".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
UNREACHABLE = (
    "The advisory data could not be reached: no package was checked for known "
    "vulnerabilities. Run `make audit` where PyPI's JSON API or api.osv.dev is reachable."
)


def write_sbom(out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(  # noqa: S603 - fixed argv
        [str(BIN / "cyclonedx-py"), "environment", "--of", "JSON", "-o", str(out),
         "--pyproject", "pyproject.toml", sys.executable],
        check=False,
    )  # fmt: skip
    return done.returncode


def verdict(returncode: int, output: str) -> tuple[int, str]:
    """(exit status, sentence) from pip-audit's exit status and JSON output."""
    try:
        dependencies = json.loads(output)["dependencies"]
    except (ValueError, KeyError, TypeError):
        return 0, UNREACHABLE
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if vulnerable:
        lines = [
            f"  {d['name']} {d.get('version', '')}: "
            + ", ".join(v.get("id", "?") for v in d["vulns"])
            for d in vulnerable
        ]
        return 1, "Known vulnerabilities found:\n" + "\n".join(lines)
    checked = [d for d in dependencies if "skip_reason" not in d]
    if not checked:
        return 0, UNREACHABLE
    skipped = len(dependencies) - len(checked)
    sentence = f"No known vulnerability in the {len(checked)} packages checked."
    if skipped:
        sentence += f" {skipped} could not be checked (not found in the advisory data)."
    return (1 if returncode else 0), sentence


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "test-artifacts/sbom.cdx.json")
    if write_sbom(out) != 0:
        print("The SBOM could not be written (cyclonedx-py failed).", file=sys.stderr)
        return 2
    print(f"SBOM (CycloneDX JSON) written to {out}.")
    done = subprocess.run(  # noqa: S603 - fixed argv
        [str(BIN / "pip-audit"), "-l", "-f", "json", "--progress-spinner", "off"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    status, sentence = verdict(done.returncode, done.stdout)
    print(sentence)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
