"""Start the qnapp desktop program: ``python main.py [--db TỆP] [--demo]``."""

from ui.app import main

raise SystemExit(main())
