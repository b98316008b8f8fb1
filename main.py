"""Start the qnapp desktop program: ``python main.py [--db TỆP] [--demo]``."""

import gc

# Start-up makes only long-lived objects (modules, classes, Qt's enums): the cycle
# collector would walk them again and again for nothing (~10 ms before the first paint).
# ui.app.main turns it back on once the window has painted, or before any dialog.
gc.disable()

from ui.app import main  # noqa: E402

raise SystemExit(main())
