/// The export file of a whole store (`civic export`; `civic import
/// --community` reads it back), for moving a community between machines
/// that cannot reach each other. It is UTF-8 text, one JSON value a line:
///
///     {"civic":"store export","format":1}
///     {"entity":"Resident","fields":[...]}        one per entity, in the schema's order
///     {"rows":"Resident","count":19,"next_key":1} then that many rows, one per line:
///     ["TB001","周建国",76,"欣园1-101","13740825235"]
///     ...                                         (the rows of every entity in turn)
///     {"end":"store export","contents":"…","checksum":"…"}
///
/// The fields are as `civic_schema` keeps them; each value is in the JSON
/// form a list field keeps it in (Numbers as exact decimals, never floats;
/// dates, times and durations as their stored texts; a reference as its
/// key). `contents` is the store's `StoreFingerprint`, `checksum` the
/// `Checksum` of every line before the last. Private fields are written as
/// they are: the file holds the community's data, and is kept as carefully.
public enum StoreExport {
    /// The format this version of Civic writes; a file with a higher one was
    /// written by a newer Civic and is refused.
    public static let format = 1
    /// What the first and last lines call the file.
    static let kind = "store export"

    /// Writes everything `source` holds, read in a read transaction, giving
    /// the text to `output` a piece at a time, each piece whole lines.
    public static func write(_ source: Store, to output: (String) throws(StoreError) -> Void) throws(StoreError) -> StoreMoveSummary {
        try source.beginReading()
        defer { source.rollback() }
        let schema = try source.storedSchema()
        var lines = Checksum()
        func emit(_ text: String) throws(StoreError) {
            lines.add(text)
            try output(text)
        }
        var head = "{\"civic\":\"\(kind)\",\"format\":\(format)}\n"
        for entity in schema.entities {
            head += "{\"entity\":\(json(entity.name)),\"fields\":\(StoredForms.fieldsJSON(entity))}\n"
        }
        try emit(head)
        var contents = StoreFingerprint(schema)
        var summary = StoreMoveSummary()
        for entity in StoreFill.order(of: schema) {
            let rows = try source.fetch(StoreQuery(entity: entity.name), []).map(\.values)
            let next = try source.nextKey(entity.name)
            contents.add(entity.name, rows: rows, nextKey: next)
            let form = ExportRowForm(entity, in: schema)
            var piece = "{\"rows\":\(json(entity.name)),\"count\":\(rows.count),\"next_key\":\(next)}\n"
            for row in rows {
                guard let text = form.text(row) else {
                    throw StoreError("a row of \(entity.name) holds a value that cannot be exported")
                }
                piece += text + "\n"
                if piece.utf8.count >= 1 << 20 {
                    try emit(piece)
                    piece = ""
                }
            }
            try emit(piece)
            summary.entities.append(StoreMoveSummary.Entity(name: entity.name, rows: rows.count))
        }
        try output("{\"end\":\"\(kind)\",\"contents\":\"\(contents.text)\",\"checksum\":\"\(lines.text)\"}\n")
        return summary
    }

    /// A text as a JSON string.
    static func json(_ text: String) -> String {
        var out = ""
        StoredJSON.writeString(text, into: &out)
        return out
    }
}

/// How an export file writes the rows of one entity: a JSON array of the
/// row's values, each in the JSON form a list field keeps it in.
struct ExportRowForm {
    let entity: StoredEntity
    let codecs: [ColumnCodec]

    init(_ entity: StoredEntity, in schema: StoreSchema) {
        self.entity = entity
        codecs = entity.fields.map { ColumnCodec.make($0.type, in: schema) }
    }

    /// The row as a JSON array, or nil if a value cannot be written.
    func text(_ row: [Value]) -> String? {
        guard row.count == codecs.count else { return nil }
        var out = "["
        for (i, value) in row.enumerated() {
            if i > 0 { out += "," }
            guard codecs[i].writeJSON(value, into: &out) else { return nil }
        }
        return out + "]"
    }

    /// The row a JSON array holds; the error names the first field that
    /// does not hold a value of its type.
    func row(_ items: [StoredJSON]) throws(StoreError) -> [Value] {
        guard items.count == codecs.count else {
            throw StoreError("it has \(items.count) value\(items.count == 1 ? "" : "s"), and \(entity.name) has \(codecs.count) field\(codecs.count == 1 ? "" : "s")")
        }
        var values: [Value] = []
        values.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            do {
                values.append(try codecs[i].decodeJSON(item))
            } catch {
                throw StoreError("field '\(entity.fields[i].name)' does not hold a \(entity.fields[i].type) as Civic writes it")
            }
        }
        return values
    }
}
