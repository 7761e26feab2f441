/// The last queries the resolver answered: who asked, what, what came back, how long it took.
/// A fixed ring, so logging costs the same at any query rate and memory stays bounded.
import DNS

struct QueryLog {
    /// Kept unformatted: text is made only when someone reads the log, not per query.
    enum Outcome {
        case pending
        case answer([ResourceRecord])
        case nxdomain
        case noData
        case forwarded(upstream: UInt32, rcode: UInt8)
        case servfail(String)

        var text: String {
            switch self {
            case .pending: return "pending"
            case .answer(let records):
                return records.map { record -> String in
                    switch record.data {
                    case .a(let ip): return ip.description
                    case .ptr(let name): return name
                    }
                }.joined(separator: " ")
            case .nxdomain: return "NXDOMAIN"
            case .noData: return "no data"
            case .forwarded(let upstream, let rcode): return "forwarded to \(Sockets.dotted(upstream)) (rcode \(rcode))"
            case .servfail(let why): return "SERVFAIL (\(why))"
            }
        }
    }

    struct Entry {
        var container = ""
        var name = ""
        var type: UInt16 = 0
        var outcome = Outcome.pending
        var micros: UInt64 = 0
    }

    private var entries: [Entry]
    private var next = 0
    private(set) var total = 0

    init(capacity: Int) { entries = Array(repeating: Entry(), count: capacity) }

    mutating func append(_ entry: Entry) {
        entries[next] = entry
        next = (next + 1) % entries.count
        total += 1
    }

    /// Oldest first.
    func recent(_ count: Int) -> [Entry] {
        let available = min(total, entries.count)
        let wanted = min(count, available)
        return (0..<wanted).map { entries[(next - wanted + $0 + entries.count * 2) % entries.count] }
    }
}
