// DataImportCSV.swift — the CSV side of DataImport.
//
// Cells are read as RFC 4180 has them: a quoted field may hold commas,
// doubled quotes and line breaks; rows end at LF, CRLF or CR; a blank line
// is no row. The reader works on the file's bytes (every byte that matters
// to CSV is ASCII, so bytes of other characters are only ever copied into
// cells) and reads a file a piece at a time, so that a file of a million
// events is never held whole (see docs/performance.md).
//
// What is not CSV stops the import at the row where it is, with a message
// that names the line: a quote inside a field that does not start with one,
// text after a closing quote, a quote never closed (named by the line it
// opens on), a line that is not UTF-8. Of several in one row, the one on the
// earliest line is told (a quoting one before an encoding one on the same
// line). Line numbers are the file's own: a row's first line, plus the line
// breaks inside its quoted cells (CRLF counts once, as does a lone CR).

import Foundation
import CivicSyntax

enum CSVImport {
    /// Reads every row of CSV bytes already in memory (the BOM removed).
    static func read(_ bytes: [UInt8], into rows: inout RowBuilder) throws(ImportError) {
        var input = CSVInput(bytes: bytes)
        var collected: [ImportedRow] = []
        try read(&input, &rows) { (row: ImportedRow, _) throws(ImportError) -> Bool in
            collected.append(row)
            return true
        }
        rows.rows += collected
    }

    /// Reads rows from `input` and gives each, checked, to `each` (which says
    /// whether to go on), in the order of the file, with how far it has read.
    static func read(_ input: inout CSVInput, _ rows: inout RowBuilder,
                     _ each: (ImportedRow, DataImport.Progress) throws(ImportError) -> Bool) throws(ImportError) {
        let entity = rows.entity
        var reader = CSVRowReader()

        // The header.
        guard let header = try reader.next(&input, rows) else {
            throw rows.error("the file is empty; its first line must name the columns", line: 1)
        }
        if header.cells.count == 1 && CellValue.trimmed(header.cells[0]).isEmpty {
            throw rows.error("the first line is empty; it must name the columns", line: 1)
        }
        var columnField: [Int] = []
        columnField.reserveCapacity(header.cells.count)
        var columnOfField: [Int: Int] = [:]
        for (column, raw) in header.cells.enumerated() {
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
        let types = entity.fields.map(\.type)
        let names = entity.fields.map(\.name)

        // The rows.
        var given = [Value?](repeating: nil, count: entity.fields.count)
        while let row = try reader.next(&input, rows) {
            let cells = row.cells
            if cells.count == 1 && cells[0].isEmpty { continue }   // a blank line
            guard cells.count == header.cells.count else {
                throw rows.error("line \(row.line) has \(fields(cells.count)), the header has \(header.cells.count)", line: row.line)
            }
            for i in given.indices { given[i] = nil }
            for (column, cell) in cells.enumerated() {
                let index = columnField[column]
                if cell.isEmpty {
                    given[index] = Optional(Value.none)
                    continue
                }
                do {
                    let type = types[index]
                    let raw = type == .text ? normalizedLineEnds(cell) : cell
                    given[index] = try CellValue.fromCell(raw, type, schema: rows.schema)
                } catch {
                    throw rows.fieldError(error, field: names[index], line: row.line)
                }
            }
            let made = try rows.make(given, line: row.line)
            guard try each(made, DataImport.Progress(bytesRead: input.bytesRead, fileSize: input.size)) else { return }
        }
    }

    static func fields(_ n: Int) -> String { n == 1 ? "1 field" : "\(n) fields" }

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

/// The bytes of a CSV file: all of them already in memory, or read from an
/// open file a piece at a time as the reader asks for more.
struct CSVInput {
    /// Bytes read and not yet used up: `bytes[start...]`.
    private(set) var bytes: [UInt8]
    private(set) var start = 0
    /// The file still being read (nil when every byte is in `bytes`).
    private var file: FileHandle?
    private let name: String
    /// How many bytes of the file were read so far, and how many it has.
    private(set) var bytesRead = 0
    let size: Int

    private var pieceSize = 1 << 20

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.name = ""
        self.bytesRead = bytes.count
        self.size = bytes.count
    }

    /// Reads `path` as it is needed; a byte-order mark at the start is skipped.
    init(path: String, displayName: String, pieceSize: Int) throws(ImportError) {
        self.pieceSize = pieceSize
        do {
            self.file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw ImportError(message: "\(displayName): cannot read the file (\(error.localizedDescription))")
        }
        self.name = displayName
        self.bytes = []
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        self.size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        while bytes.count < 3, try more() {}
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
    }

    var isAtEnd: Bool { file == nil }

    /// Lets go of the bytes before `position` (they were used).
    mutating func consume(upTo position: Int) { start = position }

    /// Reads the next piece of the file; false at its end. Positions in
    /// `bytes` move when the bytes used up are dropped: `start` becomes 0.
    mutating func more() throws(ImportError) -> Bool {
        guard let handle = file else { return false }
        let piece: Data?
        do {
            piece = try handle.read(upToCount: pieceSize)
        } catch {
            throw ImportError(message: "\(name): cannot read the file (\(error.localizedDescription))")
        }
        guard let piece, !piece.isEmpty else {
            try? handle.close()
            file = nil
            return false
        }
        if start > 0 {
            bytes.removeSubrange(0..<start)
            start = 0
        }
        bytes.append(contentsOf: piece)
        bytesRead += piece.count
        return true
    }
}

/// One row as read: its cells, and the line of the file where it starts.
struct CSVRow {
    var cells: [String]
    var line: Int
}

/// Splits CSV bytes into rows, checking the quoting and the encoding.
struct CSVRowReader {
    /// The line the next row starts on.
    private(set) var line = 1

    private enum Scan {
        case row(CSVRow, end: Int)
        /// The row goes past the bytes read so far.
        case needMore
    }

    /// The next row, or nil at the end of the file.
    mutating func next(_ input: inout CSVInput, _ rows: RowBuilder) throws(ImportError) -> CSVRow? {
        while true {
            if input.start >= input.bytes.count {
                if input.isAtEnd { return nil }
                if !(try input.more()) { return nil }
                continue
            }
            switch try scan(input.bytes, from: input.start, atEnd: input.isAtEnd, rows) {
            case .row(let row, let end):
                input.consume(upTo: end)
                return row
            case .needMore:
                if !(try input.more()) {
                    // Every byte is in now: the row ends with the file.
                    continue
                }
            }
        }
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Reads one row from `bytes[from...]`. Unless `atEnd`, a row must end
    /// with a line break seen (a CR with the byte after it), or more is needed.
    private mutating func scan(_ bytes: [UInt8], from: Int, atEnd: Bool, _ rows: RowBuilder) throws(ImportError) -> Scan {
        let quote = CSVRowReader.quote, comma = CSVRowReader.comma, lf = CSVRowReader.lf, cr = CSVRowReader.cr
        let count = bytes.count
        let first = line
        var current = line          // the line of the byte at `i`
        var cells: [String] = []
        var i = from
        var nonASCII = false        // a byte of the row is not ASCII (checked as UTF-8 when the row ends)
        // Lines (by number) where quoting goes wrong: checked against the encoding of the lines before.
        func quoting(_ message: String, at problemLine: Int, through end: Int) throws(ImportError) -> Never {
            try encodingProblem(bytes, from, end, first: first, before: problemLine, nonASCII: nonASCII, rows)
            throw rows.error(message, line: problemLine)
        }
        while true {
            // One field, starting at `i`.
            if i < count && bytes[i] == quote {
                let opened = current
                i += 1
                var text: [UInt8] = []
                var closed = false
                while i < count {
                    let b = bytes[i]
                    if b == quote {
                        if i + 1 >= count {
                            if !atEnd { return .needMore }
                            i += 1
                            closed = true
                            break
                        }
                        if bytes[i + 1] == quote {
                            text.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if b >= 0x80 { nonASCII = true }
                    if b == lf {
                        if i == from || bytes[i - 1] != cr { current += 1 }
                    } else if b == cr {
                        current += 1
                    }
                    text.append(b)
                    i += 1
                }
                if !closed {
                    if !atEnd { return .needMore }
                    try quoting("the quote that opens a field on line \(opened) is never closed", at: opened, through: count)
                }
                cells.append(String(decoding: text, as: UTF8.self))
                // After the closing quote: a comma, the end of the row, or a mistake.
                if i >= count {
                    if !atEnd { return .needMore }
                    break
                }
                let b = bytes[i]
                if b == comma {
                    i += 1
                    continue
                }
                if b == lf || b == cr { break }
                try quoting("text after the closing quote of a field; a quote inside a quoted field is written twice (\"\")",
                            at: current, through: i)
            } else {
                let fieldStart = i
                while i < count {
                    let b = bytes[i]
                    if b == comma || b == lf || b == cr { break }
                    if b == quote {
                        try quoting("a quote inside a field that does not start with one; put the whole field in quotes and write the quote twice (\"\")",
                                    at: current, through: i)
                    }
                    if b >= 0x80 { nonASCII = true }
                    i += 1
                }
                if i >= count && !atEnd { return .needMore }
                cells.append(String(decoding: bytes[fieldStart..<i], as: UTF8.self))
                if i < count && bytes[i] == comma {
                    i += 1
                    if i >= count {
                        if !atEnd { return .needMore }
                        cells.append("")   // a comma at the very end: one more empty field
                        break
                    }
                    continue
                }
                break
            }
        }
        // The row ends at `i`: a line break (CRLF as one) or the end of the file.
        var end = i
        if i < count {
            if bytes[i] == cr {
                if i + 1 >= count && !atEnd { return .needMore }
                end = i + 1 < count && bytes[i + 1] == lf ? i + 2 : i + 1
            } else {
                end = i + 1
            }
        }
        try encodingProblem(bytes, from, i, first: first, before: Int.max, nonASCII: nonASCII, rows)
        line = current + 1
        return .row(CSVRow(cells: cells, line: first), end: end)
    }

    /// Stops at the first line of `bytes[from..<end]` (which starts on line
    /// `first`) that is not UTF-8, if it comes before line `before`.
    private func encodingProblem(_ bytes: [UInt8], _ from: Int, _ end: Int, first: Int, before: Int,
                                 nonASCII: Bool, _ rows: RowBuilder) throws(ImportError) {
        guard nonASCII else { return }
        var n = first
        var lineStart = from
        var i = from
        while i <= end && n < before {
            let atEnd = i == end
            if atEnd || bytes[i] == CSVRowReader.lf || bytes[i] == CSVRowReader.cr {
                if String(validating: bytes[lineStart..<i], as: UTF8.self) == nil {
                    throw rows.error("this line is not valid UTF-8 text; save the file as UTF-8", line: n)
                }
                if atEnd { break }
                if bytes[i] == CSVRowReader.cr, i + 1 < end, bytes[i + 1] == CSVRowReader.lf { i += 1 }
                n += 1
                lineStart = i + 1
            }
            i += 1
        }
    }
}
