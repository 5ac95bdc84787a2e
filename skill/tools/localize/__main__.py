"""``python -m skill.tools.localize``: regenerate (or ``--check``) the English locales."""

import sys

from skill.tools.localize import main

sys.exit(main())
