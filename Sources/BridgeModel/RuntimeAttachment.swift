/// A container made by a container runtime (podman, containerd, a kubelet) and attached to a
/// bridgectl network through the CNI plugin: the runtime owns the namespace and its processes,
/// bridgectl only the endpoint it added. (containerID, ifName) is CNI's key for one attachment.
public struct RuntimeAttachment: Codable, Equatable, Sendable {
    /// CNI_CONTAINERID, as the runtime gave it.
    public var containerID: String
    /// CNI_IFNAME: the container's interface inside the runtime's namespace.
    public var ifName: String
    /// CNI_NETNS: the runtime's namespace, at any path (a bind mount, or /proc/PID/ns/net).
    public var netnsPath: String

    public init(containerID: String, ifName: String, netnsPath: String) {
        self.containerID = containerID; self.ifName = ifName; self.netnsPath = netnsPath
    }

    /// Whether this is CNI's attachment (containerID, ifName).
    public func matches(containerID: String, ifName: String) -> Bool {
        self.containerID == containerID && self.ifName == ifName
    }
}
