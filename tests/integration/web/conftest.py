import sys
from pathlib import Path

# the API world of the end-to-end tests (parties matching the builders' codes)
sys.path.insert(0, str(Path(__file__).parents[2] / "e2e" / "api"))
