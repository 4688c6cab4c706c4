/// Reads an export file (`StoreExport`) into a store: `civic import --community`.
///
/// The whole file is one transaction of the target. A file that is not an
/// export, was written by a newer Civic, was cut short, damaged or changed
/// by hand is refused with the line where it goes wrong, and the target is
/// left exactly as it was.
public struct StoreExportReader {
    /// The file's bytes.
    let bytes: [UInt8]
    /// The file as messages name it.
    let name: String
    /// Where the next line starts, and its number.
    var start = 0
    var number = 0
    /// The checksum of the lines before the current one, and with it.
    var before = Checksum()
    var through = Checksum()

    /// A reader of the export file `bytes`, named `name` in messages.
    public init(_ bytes: [UInt8], name: String) {
        self.bytes = bytes
        self.name = name
    }

    /// Writes the store the file holds into `target`, which must hold
    /// nothing unless `replace`, as `StoreCopy.copy` does; `check` is the
    /// last word before the target commits.
    public mutating func read(into target: Store, replace: Bool,
                              check: (Store) throws(StoreError) -> Void = { _ in }) throws(StoreError) -> StoreMoveSummary {
        var line = try header()
        var schema = StoreSchema(entities: [])
        while let name = try member(line, "entity") {
            guard case .string(let entity) = name, let fields = try member(line, "fields"),
                  let stored = StoredForms.entity(name: entity, fieldsJSON: fields.text) else {
                throw damaged("the entity on this line cannot be read")
            }
            if schema.entity(entity) != nil { throw damaged("the entity \(entity) is given twice") }
            schema.entities.append(stored)
            line = try next(or: "before its rows")
        }
        return try StoreFill.committing(target, check: check) { () throws(StoreError) in
            let fill = try StoreFill(into: target, schema: schema, replace: replace)
            while let rows = try member(line, "rows") {
                guard case .string(let entity) = rows, let stored = schema.entity(entity) else {
                    throw damaged("these rows are of an entity the file does not declare")
                }
                let rowsLine = number
                let count = try whole(line, "count", from: 0)
                let nextKey = try whole(line, "next_key", from: 1)
                let form = ExportRowForm(stored, in: schema)
                var values: [[Value]] = []
                values.reserveCapacity(min(count, 1 << 16))
                for i in 0..<count {
                    guard case .array(let items) = try next(or: "inside the rows of \(entity) (row \(i + 1) of \(count))") else {
                        throw damaged("row \(i + 1) of \(count) of \(entity) is not a row")
                    }
                    do throws(StoreError) {
                        values.append(try form.row(items))
                    } catch {
                        throw damaged("row \(i + 1) of \(entity): \(error.message)")
                    }
                }
                try atLine(rowsLine) { () throws(StoreError) in try fill.add(entity, rows: values, nextKey: nextKey) }
                line = try next(or: "after the rows of \(entity)")
            }
            let contents = try end(line)
            try atLine(number) { () throws(StoreError) in try fill.finish() }
            if start < bytes.count {
                _ = try next(or: "")
                throw damaged("there is more after the end line")
            }
            try StoreFill.confirm(target, holds: contents, from: name)
            return fill
        }
    }

    // MARK: Lines

    /// The first line, which says that the file is an export this Civic reads.
    mutating func header() throws(StoreError) -> StoredJSON {
        guard !bytes.isEmpty else {
            throw StoreError("\(name) is empty, not a Civic store export", hint: "give a file that civic export wrote")
        }
        let first = try? next(or: "")
        guard let first, case .string(StoreExport.kind)? = try? member(first, "civic") else {
            throw StoreError("\(name), line 1: this is not a Civic store export (it does not start as one)",
                             hint: "give a file that civic export wrote")
        }
        let format = try whole(first, "format", from: 1)
        if format > StoreExport.format {
            throw StoreError("\(name) was written by a newer Civic (export format \(format)); this Civic reads export format \(StoreExport.format)",
                             hint: "import it with the newer Civic that wrote it; nothing was imported")
        }
        return try next(or: "before its end")
    }

    /// The last line: the file's checksum must be that of the lines before
    /// it. Gives the fingerprint of the store the file holds.
    mutating func end(_ line: StoredJSON) throws(StoreError) -> String {
        guard case .string(StoreExport.kind)? = try member(line, "end") else {
            throw damaged("expected the rows of an entity or the end line")
        }
        guard case .string(let checksum)? = try member(line, "checksum"), checksum == before.text else {
            throw damaged("the file's checksum does not match lines 1 to \(number - 1): it was changed or damaged after it was exported")
        }
        guard case .string(let contents)? = try member(line, "contents") else { throw damaged("the end line has no contents") }
        return contents
    }

    /// The next line as JSON; at the end of the file, an error saying the
    /// file was cut short `where`.
    mutating func next(or place: String) throws(StoreError) -> StoredJSON {
        guard start < bytes.count else {
            throw StoreError("\(name) ends at line \(number) \(place): it was cut short", hint: "export the store again; nothing was imported")
        }
        let stop = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        let text = bytes[start..<stop]
        before = through
        through.add(bytes: bytes[start..<min(stop + 1, bytes.count)])
        start = stop + 1
        number += 1
        guard let s = String(validating: text, as: UTF8.self) else { throw damaged("this line is not UTF-8 text") }
        guard let json = StoredJSON.parse(s) else { throw damaged("this line is not a JSON value") }
        return json
    }

    /// A member of the line's object (nil if it has none).
    func member(_ line: StoredJSON, _ key: String) throws(StoreError) -> StoredJSON? {
        guard case .object(let members) = line else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// A whole-number member of the line's object, at least `least`.
    func whole(_ line: StoredJSON, _ key: String, from least: Int) throws(StoreError) -> Int {
        guard case .number(let token)? = try member(line, key), let n = Int(token), n >= least else {
            throw damaged("'\(key)' is not a whole number of at least \(least)")
        }
        return n
    }

    /// An error at the current line.
    func damaged(_ message: String) -> StoreError {
        StoreError("\(name), line \(number): \(message)", hint: "the file is damaged; export the store again (nothing was imported)")
    }

    /// Runs `body`, naming line `line` in its error.
    func atLine(_ line: Int, _ body: () throws(StoreError) -> Void) throws(StoreError) {
        do {
            try body()
        } catch {
            throw StoreError("\(name), line \(line): \(error.message)", hint: error.hint)
        }
    }
}
