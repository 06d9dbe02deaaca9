"""The store domain shared by the API, the git side and the cluster watcher: the lifecycle table
(pure), the one service that applies lifecycle events, and one repository per table it owns."""
