// DataImportJSON.swift — the JSON side of DataImport.
//
// A JSON data file is a list of objects, one per row; keys are field names.
// It is read by the small strict reader below (RFC 8259) rather than by
// Foundation, because Foundation cannot give what an import needs: exact
// numbers (JSONSerialization goes through Double; JSONDecoder's Decimal keeps
// 38 digits and silently rounds the rest), a repeated key in an object
// (JSONDecoder keeps one silently), and the line of each object and of each
// syntax error (JSONDecoder only says the data is not valid JSON). Numbers
// keep their text and become Numbers through `Number(literal:)`.

import CivicSyntax

/// A JSON value as read, with numbers kept as their text.
indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])
}

struct JSONMember: Equatable {
    var key: String
    var value: JSONValue
    /// The line where the key is written.
    var line: Int
}

struct JSONSyntaxError: Error, Equatable {
    var line: Int
    var message: String
}

/// A strict JSON reader over UTF-8 bytes that counts lines.
struct JSONReader {
    let bytes: [UInt8]
    var position = 0
    var line = 1
    /// Deeper nesting than this is refused rather than risking the stack.
    static let maxDepth = 200

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// One JSON value filling the whole text (spaces around it allowed).
    static func parseSingle(_ bytes: [UInt8]) throws(JSONSyntaxError) -> (value: JSONValue, line: Int) {
        var reader = JSONReader(bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        if !reader.atEnd { throw reader.unexpected("after the end of the value") }
        return (value, reader.line)
    }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09:
                break
            case 0x0A:
                if position == 0 || bytes[position - 1] != 0x0D { line += 1 }
            case 0x0D:
                line += 1
            default:
                return
            }
            position += 1
        }
    }

    func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(line: line, message: message) }

    /// What stands at the current position, for a message: `'x'` or "the end of the file".
    var found: String {
        guard position < bytes.count else { return "the end of the file" }
        let slice = bytes[position..<min(position + 4, bytes.count)]
        let scalar = String(decoding: slice, as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        return "'\(scalar)'"
    }

    func unexpected(_ context: String) -> JSONSyntaxError {
        if atEnd { return error("the file ends before the JSON is complete") }
        return error("unexpected \(found) \(context)")
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard peek == byte else { throw error("expected \(what), found \(found)") }
        position += 1
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard let byte = peek else { throw error("the file ends before the JSON is complete") }
        switch byte {
        case UInt8(ascii: "{"):
            guard depth < JSONReader.maxDepth else { throw error("objects and lists are nested too deeply") }
            position += 1
            var members: [JSONMember] = []
            skipSpace()
            if peek == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a field name in double quotes, found \(found)") }
                let keyLine = line
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"), "':' after the field name")
                skipSpace()
                let v = try value(depth: depth + 1)
                members.append(JSONMember(key: key, value: v, line: keyLine))
                skipSpace()
                if peek == UInt8(ascii: ",") { position += 1; continue }
                if peek == UInt8(ascii: "}") { position += 1; return .object(members) }
                throw error("expected ',' or '}' after a field, found \(found)")
            }
        case UInt8(ascii: "["):
            guard depth < JSONReader.maxDepth else { throw error("objects and lists are nested too deeply") }
            position += 1
            var items: [JSONValue] = []
            skipSpace()
            if peek == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                if peek == UInt8(ascii: ",") { position += 1; continue }
                if peek == UInt8(ascii: "]") { position += 1; return .array(items) }
                throw error("expected ',' or ']' after an item, found \(found)")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try word("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try word("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try word("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw error("expected a value, found \(found)")
        }
    }

    private mutating func word(_ text: String) throws(JSONSyntaxError) {
        let count = text.utf8.count
        let matches = position + count <= bytes.count && bytes[position..<position + count].elementsEqual(text.utf8)
        guard matches else { throw error("expected a value, found \(found)") }
        position += count
        if let next = peek, Self.isWordByte(next) { throw error("expected a value, found \(found)") }
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b >= 0x80
    }

    private func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as its text.
    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = position
        if peek == UInt8(ascii: "-") { position += 1 }
        guard isDigit(peek) else { throw error("expected a digit after '-', found \(found)") }
        if peek == UInt8(ascii: "0") {
            position += 1
            if isDigit(peek) { throw error("a number may not start with 0 (write 7, not 07)") }
        } else {
            while isDigit(peek) { position += 1 }
        }
        if peek == UInt8(ascii: ".") {
            position += 1
            guard isDigit(peek) else { throw error("expected a digit after '.', found \(found)") }
            while isDigit(peek) { position += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard isDigit(peek) else { throw error("expected a digit in the exponent, found \(found)") }
            while isDigit(peek) { position += 1 }
        }
        if let next = peek, Self.isWordByte(next) || next == UInt8(ascii: ".") {
            throw error("unexpected \(found) in a number")
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// A string, from its opening quote.
    mutating func string() throws(JSONSyntaxError) -> String {
        position += 1
        var buffer: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else {
                throw error("a text in quotes is never closed")
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                buffer.append(contentsOf: bytes[runStart..<position])
                position += 1
                break
            }
            if byte < 0x20 {
                if byte == 0x0A || byte == 0x0D {
                    throw error("a line break inside a text in quotes; write it as \\n")
                }
                throw error("a control character inside a text in quotes; write it as an escape like \\t")
            }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            buffer.append(contentsOf: bytes[runStart..<position])
            position += 1
            guard let escape = peek else { throw error("a text in quotes is never closed") }
            position += 1
            switch escape {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if code >= 0xD800 && code < 0xDC00 {
                    guard peek == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                        throw error("a \\u escape for half of a character (\\u\(hexText(code))) without its other half")
                    }
                    position += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else {
                        throw error("a \\u escape for half of a character (\\u\(hexText(code))) without its other half")
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if code >= 0xDC00 && code < 0xE000 {
                    throw error("a \\u escape for half of a character (\\u\(hexText(code))) without its other half")
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("a \\u escape that is not a character") }
                buffer.append(contentsOf: UTF8.encode(scalar).map(Array.init) ?? [])
            default:
                position -= 1
                throw error("unknown escape \\\(found.dropFirst().dropLast()) in a text in quotes")
            }
            runStart = position
        }
        guard let text = String(validating: buffer, as: UTF8.self) else {
            throw error("a text that is not valid UTF-8; save the file as UTF-8")
        }
        return text
    }

    private func hexText(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek else { throw error("a text in quotes is never closed") }
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("expected four hex digits after \\u, found \(found)")
            }
            code = code << 4 | UInt32(digit)
            position += 1
        }
        return code
    }
}

enum JSONImport {
    static func read(_ bytes: [UInt8], into rows: inout RowBuilder) throws(ImportError) {
        var reader = JSONReader(bytes)
        do {
            try readRows(&reader, into: &rows)
        } catch let error as JSONSyntaxError {
            throw rows.error("not valid JSON: \(error.message)", line: error.line)
        } catch let error as ImportError {
            throw error
        } catch {
            throw rows.error("not valid JSON", line: nil)
        }
    }

    /// `[ {...}, {...} ]`, each object made a row as soon as it is read, so
    /// that the first bad row in the file is the one reported.
    private static func readRows(_ reader: inout JSONReader, into rows: inout RowBuilder) throws {
        reader.skipSpace()
        guard !reader.atEnd else {
            throw rows.error("the file is empty; it must hold a JSON list of objects, like [{\"id\": \"R1\"}]", line: 1)
        }
        guard reader.peek == UInt8(ascii: "[") else {
            let line = reader.line
            let top = try reader.value(depth: 0)
            throw rows.error("expected a JSON list of objects, like [{\"id\": \"R1\"}], found \(CellValue.describe(top))", line: line)
        }
        reader.position += 1
        reader.skipSpace()
        if reader.peek == UInt8(ascii: "]") {
            reader.position += 1
        } else {
            while true {
                reader.skipSpace()
                let line = reader.line
                let item = try reader.value(depth: 1)
                guard case .object(let members) = item else {
                    throw rows.error("expected an object { ... } for each row, found \(CellValue.describe(item))", line: line)
                }
                try add(members, line: line, into: &rows)
                reader.skipSpace()
                if reader.peek == UInt8(ascii: ",") { reader.position += 1; continue }
                if reader.peek == UInt8(ascii: "]") { reader.position += 1; break }
                throw reader.error("expected ',' or ']' after a row, found \(reader.found)")
            }
        }
        reader.skipSpace()
        if !reader.atEnd { throw reader.error("unexpected \(reader.found) after the end of the list") }
    }

    private static func add(_ members: [JSONMember], line: Int, into rows: inout RowBuilder) throws(ImportError) {
        let entity = rows.entity
        var given = [Value?](repeating: nil, count: entity.fields.count)
        var lines = [Int](repeating: line, count: entity.fields.count)
        for member in members {
            guard let index = entity.index(of: member.key) else {
                throw rows.unknownField(member.key, line: member.line, what: "field")
            }
            let field = entity.fields[index]
            if given[index] != nil {
                throw rows.error("field '\(field.name)' is given twice in one object (lines \(lines[index]) and \(member.line))",
                                 line: member.line, field: field.name)
            }
            do {
                given[index] = Optional(try CellValue.fromJSON(member.value, field.type, schema: rows.schema))
            } catch {
                throw rows.fieldError(error, field: field.name, line: member.line)
            }
            lines[index] = member.line
        }
        try rows.add(given, line: line, fieldLines: lines)
    }
}
