import Foundation
import CivicSyntax
import CivicCheck
import CivicStore
import CivicRuntime

extension Engine {
    /// What `importData` reports: how many rows went in.
    public struct ImportSummary: Sendable {
        public var entity: String
        public var rows: Int
    }

    /// Imports a CSV or JSON file into an entity of the store, as one
    /// transaction: every row is checked first, and a bad row (or any error)
    /// imports nothing. The entity is declared in `schema` (a script whose
    /// declarations are used; its statements are not run).
    public func importData(entity: String, path: String, schema: SourceFile) -> Result<ImportSummary, DiagnosticList> {
        withLargeStack { [self] in
            let checked: CheckedProgram
            switch load(schema).flatMap({ Checker(sources: sources).check($0) }) {
            case .failure(let list): return .failure(list)
            case .success(let c): checked = c
            }
            guard checked.schema.entities[entity] != nil else {
                let hint = Suggestions.hint(for: entity, in: checked.schema.entities.keys)
                return .failure(DiagnosticList([Diagnostic(.error, "\(schema.name) declares no entity '\(entity)'", at: .unknown, hint: hint)]))
            }
            let storeSchema: StoreSchema
            switch StoreSchemaBuilder.schema(of: checked) {
            case .failure(let list): return .failure(list)
            case .success(let s): storeSchema = s
            }
            func failure(_ message: String, _ hint: String? = nil) -> Result<ImportSummary, DiagnosticList> {
                store.rollback()
                return .failure(DiagnosticList([Diagnostic(.error, message, at: .unknown, hint: hint)]))
            }
            do throws(StoreError) {
                try store.begin()
                try store.prepare(storeSchema)
            } catch {
                return failure(error.message, error.hint)
            }
            let stored: StoreSchema
            do throws(StoreError) { stored = try store.storedSchema() } catch { return failure(error.message, error.hint) }
            guard let target = stored.entity(entity) else { return failure("the store has no entity '\(entity)'") }
            let rows: [ImportedRow]
            do throws(ImportError) {
                rows = try DataImport.read(path: path, displayName: path, entity: target, schema: stored)
            } catch {
                return failure(error.message)
            }
            for row in rows {
                do throws(StoreError) {
                    _ = try store.insert(entity, row.values)
                } catch {
                    return failure("\(path):\(row.line): \(error.message)", error.hint)
                }
            }
            do throws(StoreError) { try store.commit() } catch { return failure(error.message, error.hint) }
            return .success(ImportSummary(entity: entity, rows: rows.count))
        }
    }
}
