import BridgeModel
import Planning
import HostSystem

/// What a command killed in the middle of an atomic write leaves outside the store: a
/// `hosts.tmp.<pid>` (or resolv.conf's, hostname's) in `/etc/netns/NAME`, which also keeps the
/// undo of an interrupted creation from removing that folder.
enum CrashLeftovers {
    /// Run after recovery, under the exclusive lock every writer of these folders holds. Only
    /// folders holding a bridgectl temporary file are looked at. In one of a bridgectl container
    /// the temporary files go. In one of no container and no namespace (a creation that was
    /// undone), the folder goes too when it holds nothing but bridgectl's files. A folder of a
    /// namespace someone else made (`ip netns add`) is never touched. Returns the paths removed.
    @discardableResult
    static func removeEtcFiles(etcRoot: String = EtcFiles.netnsRoot, namespaceRoot: String = NetworkNamespace.runDirectory,
                               isContainer: (String) throws -> Bool) throws -> [String] {
        var removed: [String] = []
        for name in try Files.list(etcRoot) {
            let directory = "\(etcRoot)/\(name)"
            guard Files.isDirectory(directory) else { continue }
            let entries = try Files.list(directory)
            let temporary = entries.filter { entry in
                Files.temporaryFileBase(entry).map(EtcFiles.fileNames.contains) ?? false
                    && Files.isRegularFile("\(directory)/\(entry)")
            }
            guard !temporary.isEmpty else { continue }
            let ours = try isContainer(name)
            if !ours && Files.exists("\(namespaceRoot)/\(name)") { continue }
            for entry in temporary {
                try Files.remove("\(directory)/\(entry)")
                removed.append("\(directory)/\(entry)")
            }
            guard !ours else { continue }
            let rest = entries.filter { !temporary.contains($0) }
            guard rest.allSatisfy({ EtcFiles.fileNames.contains($0) && Files.isRegularFile("\(directory)/\($0)") }) else { continue }
            for entry in rest {
                try Files.remove("\(directory)/\(entry)")
                removed.append("\(directory)/\(entry)")
            }
            try Files.removeDirectory(directory)
            removed.append(directory)
        }
        return removed
    }
}
