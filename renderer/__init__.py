"""Desired state, pure: StoreSpec -> the files of a store directory, commit messages, the gitops-template and
CRD validation. No git or other I/O: the git side lives in `storefleet.api.fleet`."""
