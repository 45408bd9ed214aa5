from cvpress.cli import entry

entry()
