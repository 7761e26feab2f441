import CLinux

/// Host links whose deletion need not be waited for (see clx_delete_link_in_child).
public enum LinkRelease {
    /// Deletes the host link `name` without waiting for the kernel to finish with it; a link
    /// that does not exist is no error (the child's request simply fails).
    public static func deleteInBackground(named name: String) -> Bool {
        clx_delete_link_in_child(name) == 0
    }
}
