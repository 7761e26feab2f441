/// What an interrupted removal was doing, so the next command can re-plan and finish it from the
/// records as they are then.
///
/// Its journal form is a name ("container-<id>", "network-<id>", "disconnect-<container
/// id>-<network id>"), not JSON: a removal journals an empty file named after its intent and so
/// pays no encoding at all. `journalName` and `init(journalName:)` are the only codec; `Codable`
/// uses the same string.
public enum RedoIntent: Hashable, Sendable, Codable, CustomStringConvertible {
    case removeContainer(ObjectID)
    case removeNetwork(ObjectID)
    case disconnect(container: ObjectID, network: ObjectID)

    public var journalName: String {
        switch self {
        case .removeContainer(let id): return "container-\(id.hex)"
        case .removeNetwork(let id): return "network-\(id.hex)"
        case .disconnect(let container, let network): return "disconnect-\(container.hex)-\(network.hex)"
        }
    }

    /// Nil for any name this version did not write (another version's intent, a hand-made file):
    /// the caller must keep that journal, not guess.
    public init?(journalName: String) {
        let parts = journalName.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let ids = parts.dropFirst().compactMap(ObjectID.init)
        guard ids.count == parts.count - 1 else { return nil }
        switch (parts[0], ids.count) {
        case ("container", 1): self = .removeContainer(ids[0])
        case ("network", 1): self = .removeNetwork(ids[0])
        case ("disconnect", 2): self = .disconnect(container: ids[0], network: ids[1])
        default: return nil
        }
    }

    public var description: String { journalName }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let intent = RedoIntent(journalName: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown removal intent \(name)"))
        }
        self = intent
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(journalName)
    }
}
