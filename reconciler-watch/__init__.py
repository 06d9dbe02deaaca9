"""The watcher: cluster health -> store state machine, post-install setup, git-side sync.

Imported as `storefleet.reconciler_watch` (the folder name is not a valid module name).
"""
