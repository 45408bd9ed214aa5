from cvpress.cli import main

raise SystemExit(main())
