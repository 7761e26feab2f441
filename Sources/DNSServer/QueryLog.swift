/// The last queries the resolver answered: who asked, what, what came back, how long it took.
/// A fixed ring, so logging costs the same at any query rate and memory stays bounded.
struct QueryLog {
    struct Entry {
        var time: UInt64 = 0
        var container = ""
        var name = ""
        var type: UInt16 = 0
        var outcome = ""
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

/// Counters `bridgectl dns status` shows.
struct ResolverCounters {
    var queries = 0
    var answered = 0
    var nxdomain = 0
    var forwarded = 0
    var servfail = 0
    var malformed = 0
}
