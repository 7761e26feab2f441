/// Docker-style tables: a header row, columns padded to the widest cell, three spaces apart.
public struct Table {
    public let header: [String]
    public var rows: [[String]] = []

    public init(_ header: [String]) { self.header = header }

    /// A row with fewer cells than the header is padded with empty ones, never a trap.
    public mutating func append(_ row: [String]) {
        rows.append(row + Array(repeating: "", count: max(0, header.count - row.count)))
    }

    public func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            // Trailing empty cells leave no trailing blanks, as Docker's tabwriter does.
            let cells = row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column].padding(to: widths[column] + 3)
            }.joined()
            return String(cells.reversed().drop { $0 == " " }.reversed())
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
