from sekit_cli.main import main

raise SystemExit(main())
