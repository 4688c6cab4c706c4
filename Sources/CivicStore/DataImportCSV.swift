// DataImportCSV.swift — the CSV side of DataImport.
//
// The cells are read by yaslab/CSV.swift (RFC 4180 fields: quoted fields may
// hold commas, doubled quotes and line breaks; rows end at LF, CRLF or CR).
// That reader is lenient: it keeps a stray quote as text, drops a character
// after a closing quote, lets an unterminated quote swallow the rest of the
// file, ends silently at bad UTF-8, and does not count lines. So before its
// rows are used, one pass over the bytes finds the first place where the
// quoting is broken or the text is not UTF-8 (`CSVAudit`); every row up to
// that place is read as usual, and the row that reaches it stops the import
// with that problem. Line numbers are the file's own: a row's first line,
// plus the line breaks inside its quoted cells.

import CSV
import CivicSyntax

enum CSVImport {
    static func read(_ bytes: [UInt8], into rows: inout RowBuilder) throws(ImportError) {
        let entity = rows.entity
        let problem = CSVAudit.firstProblem(in: bytes)
        let text = String(decoding: bytes, as: UTF8.self)   // bad bytes are reported by `problem`
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false)
        } catch {
            throw rows.error("cannot read the file as CSV (\(error))", line: nil)
        }

        /// Stops at the audit's problem once the rows read reach its line.
        func stopIfBroken(through lastLine: Int) throws(ImportError) {
            if let problem, problem.line <= lastLine {
                throw rows.error(problem.message, line: problem.line)
            }
        }

        // The header.
        guard let header = reader.next() else {
            try stopIfBroken(through: Int.max)
            throw rows.error("the file is empty; its first line must name the columns", line: 1)
        }
        var line = 1 + lineBreaks(in: header)
        try stopIfBroken(through: line)
        if header.count == 1 && CellValue.trimmed(header[0]).isEmpty {
            throw rows.error("the first line is empty; it must name the columns", line: 1)
        }
        var columnField: [Int] = []
        columnField.reserveCapacity(header.count)
        var columnOfField: [Int: Int] = [:]
        for (column, raw) in header.enumerated() {
            let name = String(CellValue.trimmed(raw))
            if name.isEmpty {
                throw rows.error("column \(column + 1) of the header has no name", line: 1)
            }
            guard let index = entity.index(of: name) else {
                throw rows.unknownField(name, line: 1, what: "column")
            }
            if let first = columnOfField[index] {
                throw rows.error("column '\(name)' appears twice (columns \(first + 1) and \(column + 1))", line: 1, field: name)
            }
            columnOfField[index] = column
            columnField.append(index)
        }
        if let key = entity.key, RowBuilder.isRequired(key), let keyIndex = entity.index(of: key.name),
           columnOfField[keyIndex] == nil {
            throw rows.error("the key column '\(key.name)' is missing", line: 1, field: key.name)
        }

        // The rows.
        var given = [Value?](repeating: nil, count: entity.fields.count)
        while let row = reader.next() {
            let first = line + 1
            line = first + lineBreaks(in: row)
            try stopIfBroken(through: line)
            if row.count == 1 && row[0].isEmpty { continue }   // a blank line
            guard row.count == header.count else {
                throw rows.error("line \(first) has \(fields(row.count)), the header has \(header.count)", line: first)
            }
            for i in given.indices { given[i] = nil }
            for (column, cell) in row.enumerated() {
                let index = columnField[column]
                let field = entity.fields[index]
                if cell.isEmpty {
                    given[index] = Optional(Value.none)
                    continue
                }
                do {
                    let raw = field.type == .text ? normalizedLineEnds(cell) : cell
                    given[index] = try CellValue.fromCell(raw, field.type, schema: rows.schema)
                } catch {
                    throw rows.fieldError(error, field: field.name, line: first)
                }
            }
            try rows.add(given, line: first)
        }
        try stopIfBroken(through: Int.max)
    }

    static func fields(_ n: Int) -> String { n == 1 ? "1 field" : "\(n) fields" }

    /// Line breaks inside a row's cells (CRLF counts once, as does a lone CR).
    static func lineBreaks(in row: [String]) -> Int {
        var count = 0
        for cell in row {
            var afterCR = false
            for byte in cell.utf8 {
                if byte == 0x0A {
                    if !afterCR { count += 1 }
                } else if byte == 0x0D {
                    count += 1
                }
                afterCR = byte == 0x0D
            }
        }
        return count
    }

    /// A quoted cell's CRLF line ends as LF, so that a text does not depend on
    /// the system the file was saved on.
    static func normalizedLineEnds(_ cell: String) -> String {
        guard cell.utf8.contains(0x0D) else { return cell }
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in cell.unicodeScalars {
            if scalar == "\n" && afterCR {
                afterCR = false
                continue
            }
            afterCR = scalar == "\r"
            out.append(afterCR ? "\n" : scalar)
        }
        return String(out)
    }
}

/// One pass over a CSV file's bytes for what the CSV reader lets through:
/// broken quoting and bytes that are not UTF-8.
enum CSVAudit {
    struct Problem: Equatable {
        var line: Int
        var message: String
    }

    /// The earliest problem in the file, if any.
    static func firstProblem(in bytes: [UInt8]) -> Problem? {
        let quoting = quotingProblem(in: bytes)
        guard String(validating: bytes, as: UTF8.self) == nil, let bad = firstLineNotUTF8(in: bytes) else {
            return quoting
        }
        let encoding = Problem(line: bad, message: "this line is not valid UTF-8 text; save the file as UTF-8")
        guard let quoting else { return encoding }
        return quoting.line <= encoding.line ? quoting : encoding
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Quotes as RFC 4180 has them: a quoted field starts with a quote, writes
    /// a quote inside it twice, and ends with a quote followed by a comma, a
    /// line end or the end of the file.
    static func quotingProblem(in bytes: [UInt8]) -> Problem? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var state = State.fieldStart
        var line = 1
        var quoteLine = 1
        var afterCR = false
        for byte in bytes {
            let wasAfterCR = afterCR
            afterCR = byte == cr
            if byte == lf || byte == cr {
                if byte == cr || !wasAfterCR { line += 1 }
                if state != .quoted { state = .fieldStart }
                continue
            }
            switch state {
            case .fieldStart:
                if byte == quote {
                    state = .quoted
                    quoteLine = line
                } else if byte != comma {
                    state = .unquoted
                }
            case .unquoted:
                if byte == quote {
                    return Problem(line: line, message: "a quote inside a field that does not start with one; put the whole field in quotes and write the quote twice (\"\")")
                }
                if byte == comma { state = .fieldStart }
            case .quoted:
                if byte == quote { state = .quoteInQuoted }
            case .quoteInQuoted:
                if byte == quote {
                    state = .quoted
                } else if byte == comma {
                    state = .fieldStart
                } else {
                    return Problem(line: line, message: "text after the closing quote of a field; a quote inside a quoted field is written twice (\"\")")
                }
            }
        }
        if state == .quoted {
            return Problem(line: quoteLine, message: "the quote that opens a field on line \(quoteLine) is never closed")
        }
        return nil
    }

    /// The first line (counted as the CSV reader counts them) holding bytes
    /// that are not UTF-8.
    static func firstLineNotUTF8(in bytes: [UInt8]) -> Int? {
        var line = 1
        var start = 0
        var i = 0
        while i <= bytes.count {
            let atEnd = i == bytes.count
            if atEnd || bytes[i] == 0x0A || bytes[i] == 0x0D {
                if String(validating: bytes[start..<i], as: UTF8.self) == nil { return line }
                if atEnd { break }
                if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                line += 1
                start = i + 1
            }
            i += 1
        }
        return nil
    }
}
