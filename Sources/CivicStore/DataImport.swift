// DataImport.swift — reading a CSV or JSON file of rows for one entity
// (`load Resident from "data/residents.csv"`, `civic import`).
//
// `read` checks every row before anything is written (`forEachRow` gives
// each row as soon as it is read, for event files, whose rows are applied
// in one transaction): the first bad row stops the import with an error that
// names the file, the line and the field. The rows that come back are in their stored
// form (what `RowCheck.stored` makes of them); whether a referenced row exists
// is left to the store.
//
// Cells and JSON values, by field type:
//   Text      CSV: the cell as it is (a line break written CRLF inside a
//             quoted cell becomes LF). JSON: a string; a number is refused
//             ("put it in quotes"), so that 13800000000 is not taken as Text
//             by accident.
//   Number    CSV: an exact decimal, `72`, `-3`, `1234.57` (no `+`, no
//             exponent, no thousands separators). JSON: a number (exponents
//             allowed, read from the number's text, never through Double), or
//             a string holding a decimal written as in CSV ("1234.57"), since
//             exports often quote amounts to keep them exact.
//   Bool      CSV: true or false in any case. JSON: true or false.
//   Date      2026-11-28 (a JSON string in JSON).
//   Time      2026-11-28T09:30, with seconds, or with a space for the T.
//   Duration  amounts with units: `2 hours`, `1 year 3 months`, `1.5 hours`.
//   Entity    a reference: the referenced row's key, typed by that entity's
//             key type in the schema.
//   [T]       CSV: a JSON array in the cell, `["a", "b"]`. JSON: an array.
//
// In CSV an empty cell is none, and around a cell of any type but Text spaces
// and tabs are ignored. In JSON null is none. A field whose column (CSV) or
// key (JSON) is absent gets the field's default value, or none: `values`
// always has one value per field, in the entity's order, defaults filled in.
// The key must be given (a column that is never empty or blank) unless the
// store makes it; a key seen twice in one file is an error.

import Foundation
import CivicSyntax
import CivicCheck

/// One row read from a data file: its values in the entity's field order
/// (absent columns filled with the field's default, or none), and the line of
/// the file where the row starts.
public struct ImportedRow: Equatable, Sendable {
    public var line: Int
    public var values: [Value]

    public init(line: Int, values: [Value]) {
        self.line = line
        self.values = values
    }
}

/// Why a data file could not be imported. `message` is complete: it names the
/// file, the line and the field, as in
/// `data/residents.csv:12: field 'age': expected a Number, found "七十"`.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong; a value of a private field in it is marked
    /// (``PrivateText``), and masked when the error is shown.
    public var message: String
    /// The line of the file the error is about, when there is one.
    public var line: Int?
    /// The field (or column) the error is about, when there is one.
    public var field: String?

    public init(message: String, line: Int? = nil, field: String? = nil) {
        self.message = message
        self.line = line
        self.field = field
    }

    public var description: String { PrivateText.resolve(message, reveal: false) }
}

/// The formats a data file may have, told by its extension.
public enum DataFormat: Sendable, Equatable {
    case csv, json

    /// `.csv` or `.json`, in any case; nil for anything else.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "json": self = .json
        default: return nil
        }
    }
}

public enum DataImport {
    /// Reads a whole CSV (.csv) or JSON (.json, an array of objects) file and checks every row
    /// against `entity` before anything is written; the first bad row stops it with an error
    /// that names the file (as `displayName`), the line, and the field.
    public static func read(path: String, displayName: String, entity: StoredEntity, schema: StoreSchema) throws(ImportError) -> [ImportedRow] {
        var rows: [ImportedRow] = []
        try forEachRow(path: path, displayName: displayName, entity: entity, schema: schema) { row, _ in
            rows.append(row)
            return true
        }
        return rows
    }

    /// How far through its file a reader is.
    public struct Progress: Sendable {
        public var bytesRead: Int
        /// The file's size (0 if it could not be told).
        public var fileSize: Int

        public init(bytesRead: Int, fileSize: Int) {
            self.bytesRead = bytesRead
            self.fileSize = fileSize
        }
    }

    /// Reads a CSV or JSON file as `read(path:...)` does, but gives each row
    /// to `each` as soon as it is read and checked, in the order of the file,
    /// until `each` says false. A CSV file is read a piece at a time, so rows
    /// come before a bad row later in the file is seen: the caller decides
    /// what the rows given so far mean when an error comes.
    /// `pieceSize` is how many bytes of a CSV file are read at a time.
    public static func forEachRow(path: String, displayName: String, entity: StoredEntity, schema: StoreSchema,
                                  pieceSize: Int = 1 << 20, _ each: (ImportedRow, Progress) -> Bool) throws(ImportError) {
        guard let format = DataFormat(path: path) else {
            throw ImportError(message: "\(displayName): cannot load this kind of file; give a .csv or a .json file")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ImportError(message: "\(displayName): no such file")
        }
        if isFolder.boolValue {
            throw ImportError(message: "\(displayName): is a folder, not a file")
        }
        var rows = RowBuilder(file: displayName, entity: entity, schema: schema)
        switch format {
        case .csv:
            var input = try CSVInput(path: path, displayName: displayName, pieceSize: max(1, pieceSize))
            try CSVImport.read(&input, &rows) { (row: ImportedRow, progress: Progress) throws(ImportError) -> Bool in
                each(row, progress)
            }
        case .json:
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw ImportError(message: "\(displayName): cannot read the file (\(error.localizedDescription))")
            }
            var body = [UInt8](data)
            if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
            try JSONImport.read(body, into: &rows)
            let progress = Progress(bytesRead: data.count, fileSize: data.count)
            for row in rows.rows where !each(row, progress) { return }
        }
    }

    /// The same, from bytes already read (for tests and for the CLI's stdin if ever needed).
    public static func read(bytes: [UInt8], format: DataFormat, displayName: String, entity: StoredEntity, schema: StoreSchema) throws(ImportError) -> [ImportedRow] {
        var body = bytes
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        var rows = RowBuilder(file: displayName, entity: entity, schema: schema)
        switch format {
        case .csv: try CSVImport.read(body, into: &rows)
        case .json: try JSONImport.read(body, into: &rows)
        }
        return rows.rows
    }
}

// MARK: - Rows

/// Turns the cells of one row into stored values and collects the rows,
/// checking keys for duplicates. Shared by the CSV and JSON readers.
struct RowBuilder {
    let file: String
    let entity: StoredEntity
    let schema: StoreSchema
    let keyIndex: Int?
    var rows: [ImportedRow] = []
    /// Each key seen so far (as its literal) and the line it was on.
    private var keyLines: [String: Int] = [:]

    init(file: String, entity: StoredEntity, schema: StoreSchema) {
        self.file = file
        self.entity = entity
        self.schema = schema
        self.keyIndex = entity.fields.firstIndex { $0.isKey }
    }

    func error(_ text: String, line: Int?, field: String? = nil) -> ImportError {
        let place = line.map { "\(file):\($0)" } ?? file
        return ImportError(message: "\(place): \(text)", line: line, field: field)
    }

    /// The error of a cell. A problem marks the value it quotes; the marks
    /// stay (so the value is masked when shown) only for a private field.
    func fieldError(_ problem: CellProblem, field: String, line: Int) -> ImportError {
        let isPrivate = entity.field(field)?.isPrivate ?? false
        let message = isPrivate ? problem.message : PrivateText.resolve(problem.message, reveal: true)
        return error("field '\(field)': \(message)", line: line, field: field)
    }

    /// Whether the data must give `field`: a key the store does not make.
    static func isRequired(_ field: StoredField) -> Bool { field.isKey && !field.isGenerated }

    /// "unknown column 'nmae': Resident has no such field (did you mean 'name'?)"
    func unknownField(_ name: String, line: Int, what: String) -> ImportError {
        var text = "unknown \(what) '\(name)': \(entity.name) has no such field"
        if let hint = Suggestions.hint(for: name, in: entity.fields.map(\.name)) { text += " (\(hint))" }
        return error(text, line: line, field: name)
    }

    func missingKey(_ field: StoredField, line: Int) -> ImportError {
        error("missing key '\(field.name)'", line: line, field: field.name)
    }

    /// Finishes a row: fills absent fields (`nil`) with their defaults, runs
    /// every value through the store's checks and looks for a repeated key.
    /// `line` is where the row starts; `fieldLines`, where each field's value
    /// is, when that differs (a JSON object over several lines).
    mutating func add(_ given: [Value?], line: Int, fieldLines: [Int]? = nil) throws(ImportError) {
        rows.append(try make(given, line: line, fieldLines: fieldLines))
    }

    /// The row `add` would add, checked (its key noted as seen), without keeping it.
    mutating func make(_ given: [Value?], line: Int, fieldLines: [Int]? = nil) throws(ImportError) -> ImportedRow {
        var values: [Value] = []
        values.reserveCapacity(entity.fields.count)
        for (i, field) in entity.fields.enumerated() {
            let value = given[i] ?? field.defaultValue ?? .none
            let valueLine = given[i] == nil ? line : (fieldLines?[i] ?? line)
            if RowBuilder.isRequired(field), RowBuilder.isBlank(value) {
                throw missingKey(field, line: valueLine)
            }
            do {
                values.append(try RowCheck.stored(value, for: field, of: entity.name))
            } catch {
                throw self.error(error.message, line: valueLine, field: field.name)
            }
        }
        if let k = keyIndex {
            let key = values[k]
            if case .none = key {} else {
                let text = RowBuilder.keyText(key)
                if let first = keyLines[text] {
                    let shown = PrivateText.mark(text, if: entity.fields[k].isPrivate)
                    throw error("duplicate key '\(shown)', first seen on line \(first)", line: line, field: entity.fields[k].name)
                }
                keyLines[text] = line
            }
        }
        return ImportedRow(line: line, values: values)
    }

    /// None, or a text of nothing but spaces: not a key.
    static func isBlank(_ value: Value) -> Bool {
        switch value {
        case .none: return true
        case .text(let s): return CellValue.trimmed(s).isEmpty
        default: return false
        }
    }

    static func keyText(_ key: Value) -> String {
        switch key {
        case .text(let s): return s
        case .reference(_, let k): return keyText(k)
        default: return key.literal()
        }
    }
}

// MARK: - Values

/// What is wrong with one cell or JSON value, without the file, line and
/// field. The value it quotes is marked (``PrivateText``), for
/// `RowBuilder.fieldError` to mask when the field is private.
struct CellProblem: Error {
    var message: String
    /// The value is of the wrong kind (not, say, a number with too many decimals).
    var isMismatch = false
    init(_ message: String, isMismatch: Bool = false) {
        self.message = message
        self.isMismatch = isMismatch
    }
}

enum CellValue {
    /// Spaces and tabs, ignored around a cell that is not Text.
    static func trimmed(_ s: String) -> Substring {
        let isSpace = { (b: UInt8) in b == 0x20 || b == 0x09 }
        guard let first = s.utf8.first, let last = s.utf8.last, isSpace(first) || isSpace(last) else { return Substring(s) }
        var sub = Substring(s)
        while let c = sub.first, c == " " || c == "\t" { sub.removeFirst() }
        while let c = sub.last, c == " " || c == "\t" { sub.removeLast() }
        return sub
    }

    /// A text for a message: quoted, and cut short if it is long.
    static func shown(_ s: some StringProtocol) -> String {
        let head = s.prefix(61)
        if head.count > 60 { return Value.quoted(String(head.prefix(57))) + "…" }
        return Value.quoted(String(s))
    }

    static func expected(_ type: StoredType, schema: StoreSchema) -> String {
        switch type {
        case .date: return "a Date like 2026-11-28"
        case .time: return "a Time like 2026-11-28T09:30"
        case .duration: return "a Duration like \"2 hours\""
        case .list: return "a list (a JSON array like [\"a\", \"b\"])"
        case .reference(let target):
            if let key = schema.entity(target)?.key {
                return "the key of \(RowCheck.article(.reference(target))) (\(RowCheck.article(key.type)))"
            }
            return RowCheck.article(type)
        default: return RowCheck.article(type)
        }
    }

    static func mismatch(_ type: StoredType, found: String, schema: StoreSchema) -> CellProblem {
        CellProblem("expected \(expected(type, schema: schema)), found \(PrivateText.mark(found))", isMismatch: true)
    }

    /// The key field of the entity a reference points to.
    static func referencedKey(_ target: String, schema: StoreSchema) throws(CellProblem) -> StoredField {
        guard let key = schema.entity(target)?.key else {
            throw CellProblem("refers to \(target), which is not in the store's schema")
        }
        return key
    }

    /// A CSV cell (not empty) as a value of `type`.
    static func fromCell(_ raw: String, _ type: StoredType, schema: StoreSchema) throws(CellProblem) -> Value {
        if case .text = type { return .text(raw) }
        let s = trimmed(raw)
        if s.isEmpty { return .none }
        switch type {
        case .text:
            return .text(raw)
        case .number:
            guard let n = try exactNumber(String(s), shown: String(s)) else {
                throw mismatch(type, found: shown(s), schema: schema)
            }
            return .number(n)
        case .bool:
            switch s.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw mismatch(type, found: shown(s), schema: schema)
            }
        case .date:
            guard let d = CivicDate(iso: String(s)) else { throw mismatch(type, found: shown(s), schema: schema) }
            return .date(d)
        case .time:
            guard let t = CivicTime(iso: String(s)) else { throw mismatch(type, found: shown(s), schema: schema) }
            return .time(t)
        case .duration:
            guard let d = duration(s) else { throw mismatch(type, found: shown(s), schema: schema) }
            return .duration(d)
        case .reference(let target):
            let key = try referencedKey(target, schema: schema)
            do {
                return .reference(entity: target, key: try fromCell(String(s), key.type, schema: schema))
            } catch where error.isMismatch {
                throw mismatch(type, found: shown(s), schema: schema)
            }
        case .list(let element):
            guard s.first == "[", let json = try? JSONReader.parseSingle(Array(s.utf8)),
                  case .array(let items) = json.value else {
                throw mismatch(type, found: shown(s), schema: schema)
            }
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try fromJSON(item, element, schema: schema)) }
            return .list(out)
        }
    }

    /// A JSON value as a value of `type`.
    static func fromJSON(_ json: JSONValue, _ type: StoredType, schema: StoreSchema) throws(CellProblem) -> Value {
        if case .null = json { return .none }
        switch (type, json) {
        case (.text, .string(let s)):
            return .text(s)
        case (.text, .number(let n)):
            throw CellProblem("expected a Text, found the number \(PrivateText.mark(CellValue.shortened(n))) (put it in quotes)", isMismatch: true)
        case (.number, .number(let n)):
            if let number = try jsonNumber(n) { return .number(number) }
        case (.number, .string(let s)):
            let t = String(trimmed(s))
            if let number = try exactNumber(t, shown: t) { return .number(number) }
        case (.bool, .bool(let b)):
            return .bool(b)
        case (.date, .string(let s)):
            if let d = CivicDate(iso: s) { return .date(d) }
        case (.time, .string(let s)):
            if let t = CivicTime(iso: s) { return .time(t) }
        case (.duration, .string(let s)):
            if let d = duration(trimmed(s)) { return .duration(d) }
        case (.reference(let target), _):
            let key = try referencedKey(target, schema: schema)
            do {
                return .reference(entity: target, key: try fromJSON(json, key.type, schema: schema))
            } catch where error.isMismatch {
                throw mismatch(type, found: describe(json), schema: schema)
            }
        case (.list(let element), .array(let items)):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try fromJSON(item, element, schema: schema)) }
            return .list(out)
        default:
            break
        }
        throw mismatch(type, found: describe(json), schema: schema)
    }

    /// A JSON value for a message.
    static func describe(_ json: JSONValue) -> String {
        switch json {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return shortened(n)
        case .string(let s): return shown(s)
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    // MARK: Numbers

    /// A decimal written `-?digits(.digits)?` as an exact Number; nil if it is
    /// not written so. A number the store cannot keep exactly is an error here,
    /// where its text is still at hand: Number would round away digits beyond
    /// its 34.
    static func exactNumber(_ text: String, shown: String) throws(CellProblem) -> Number? {
        var integerDigits = 0       // significant digits before the point
        var fractionDigits = 0      // digits after the point, up to the last non-zero one
        var point: Int?
        var digitsInPart = 0
        for (i, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where i == 0:
                continue
            case UInt8(ascii: "."):
                guard point == nil, digitsInPart > 0 else { return nil }
                point = i
                digitsInPart = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digitsInPart += 1
                if let p = point {
                    if byte != UInt8(ascii: "0") { fractionDigits = i - p }
                } else if integerDigits > 0 || byte != UInt8(ascii: "0") {
                    integerDigits += 1
                }
            default:
                return nil
            }
        }
        guard digitsInPart > 0 else { return nil }
        guard integerDigits <= Number.maxDigits, let number = Number(literal: text) else {
            throw CellProblem("\(PrivateText.mark(shortened(shown))) is too large to store (the most is 8,999,999,999,999.999999)")
        }
        if fractionDigits > number.scale {
            // Digits were rounded away: say what RowCheck says of too many decimals.
            throw CellProblem("\(PrivateText.mark(shortened(shown))) has more than \(RowCheck.maxDecimals) decimals, more than the store keeps")
        }
        return number
    }

    static func shortened(_ s: String) -> String {
        s.utf8.count > 60 ? String(s.prefix(57)) + "…" : s
    }

    /// The text of a JSON number (`-12.5e3`) as an exact Number.
    static func jsonNumber(_ text: String) throws(CellProblem) -> Number? {
        var sign = ""
        var mantissa = Substring(text)
        if mantissa.first == "-" { sign = "-"; mantissa = mantissa.dropFirst() }
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var expText = mantissa[mantissa.index(after: e)...]
            if expText.first == "+" { expText = expText.dropFirst() }
            // Far beyond anything the store keeps; the cap only keeps the
            // text below from growing without bound.
            guard let exp = Int(expText), abs(exp) <= 100_000 else {
                if mantissa[..<e].allSatisfy({ $0 == "0" || $0 == "." }) { return .zero }
                if expText.first == "-" {
                    throw CellProblem("\(PrivateText.mark(text)) has more than \(RowCheck.maxDecimals) decimals, more than the store keeps")
                }
                throw CellProblem("\(PrivateText.mark(text)) is too large to store (the most is 8,999,999,999,999.999999)")
            }
            exponent = exp
            mantissa = mantissa[..<e]
        }
        if exponent == 0 { return try exactNumber(sign + String(mantissa), shown: text) }
        var digits = ""
        var pointAt = 0
        if let dot = mantissa.firstIndex(of: ".") {
            digits = String(mantissa[..<dot]) + mantissa[mantissa.index(after: dot)...]
            pointAt = mantissa.distance(from: mantissa.startIndex, to: dot)
        } else {
            digits = String(mantissa)
            pointAt = digits.count
        }
        if digits.allSatisfy({ $0 == "0" }) { return .zero }
        pointAt += exponent
        let plain: String
        if pointAt <= 0 {
            plain = "0." + String(repeating: "0", count: -pointAt) + digits
        } else if pointAt >= digits.count {
            plain = digits + String(repeating: "0", count: pointAt - digits.count)
        } else {
            let cut = digits.index(digits.startIndex, offsetBy: pointAt)
            plain = String(digits[..<cut]) + "." + String(digits[cut...])
        }
        return try exactNumber(sign + plain, shown: text)
    }

    // MARK: Durations

    /// "2 hours", "1 year 3 months", "1.5 hours", "-30 minutes".
    static func duration(_ text: Substring) -> CivicDuration? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !words.isEmpty, words.count % 2 == 0 else { return nil }
        var total = CivicDuration.zero
        var i = 0
        while i < words.count {
            guard let amount = Number(literal: String(words[i])),
                  let unit = DurationUnit.unit(named: String(words[i + 1])),
                  let part = try? CivicDuration(amount: amount, unit: unit),
                  let sum = try? total.adding(part) else { return nil }
            total = sum
            i += 2
        }
        return total
    }
}
