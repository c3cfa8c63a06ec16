"""The writing loop: the dev server, the file watcher, new sites and entries."""
