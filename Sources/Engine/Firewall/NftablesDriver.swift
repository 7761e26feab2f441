import Planning
import Nftables

/// The nftables backend's writes: one in-process netlink transaction per batch, on a socket
/// opened for it. Nothing here reads the ruleset, so a batch costs its own messages whatever the
/// table holds.
enum NftablesDriver {
    /// Applies the batch entirely or not at all. When tolerating (undo, recovery, removal), a
    /// refused batch is sent again op by op, skipping ops the kernel refuses: what is to be
    /// deleted is already gone, what is to be added is already there.
    static func apply(_ batch: NftBatch, tolerant: Bool) throws {
        guard !batch.isEmpty else { return }
        let socket = try NftSocket()
        do {
            try socket.apply(batch.ops)
        } catch NftablesError.refused where tolerant {
            for op in batch.ops { try? socket.apply([op]) }
        }
    }
}

