import Foundation
import CivicStore
import CivicSyntax
import CivicCheck

extension Compiler {
    /// `load Resident from "data/residents.csv"`: every row checked, then all stored, or none.
    mutating func loadRows(_ entity: Identifier, _ path: Expr, _ span: Span) -> Exec {
        let file = expr(path)
        let pathSpan = path.span
        let name = entity.name
        return { m throws(RuntimeError) in
            guard case .text(let relative) = try file(m) else {
                throw RuntimeError("'load' needs the file's name as a Text", at: pathSpan)
            }
            guard let folder = m.folder else {
                throw RuntimeError("'load' reads files beside a script, and this script has no folder", at: span,
                                   hint: "save the script in a file and run it with 'civic run'")
            }
            let real: String
            do throws(FileAccess.Refusal) {
                real = try FileAccess.resolve(relative, in: folder)
            } catch {
                throw RuntimeError(error.message, at: pathSpan, hint: error.hint)
            }
            let stored = try Compiler.storedEntity(m, name, span)
            let rows: [ImportedRow]
            do throws(ImportError) {
                rows = try DataImport.read(path: real, displayName: relative, entity: stored, schema: m.storeSchema)
            } catch {
                throw RuntimeError(error.message, at: pathSpan)
            }
            for row in rows {
                do throws(StoreError) {
                    _ = try m.store.insert(name, row.values)
                } catch {
                    throw RuntimeError("\(relative):\(row.line): \(error.message)", at: pathSpan, hint: error.hint)
                }
            }
            return .normal
        }
    }

}
