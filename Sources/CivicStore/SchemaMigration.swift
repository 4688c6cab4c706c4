import CivicSyntax

/// What must change in a store to make it agree with a script's schema, and
/// the refusals when a change would lose data. Every engine applies the same plan.
public enum SchemaChange: Sendable {
    case createEntity(StoredEntity)
    /// A new field; existing rows get `field.defaultValue` (or none).
    case addField(entity: String, StoredField)
    /// A field no longer declared, whose stored values are all none.
    case dropField(entity: String, field: String)
    /// A change of what is remembered about a field (`private`, its default,
    /// whether it is indexed).
    case updateField(entity: String, StoredField)
}

public enum SchemaMigration {
    /// What the store needs to do, given what an engine can tell about its rows.
    public static func plan(stored: StoreSchema, requested: StoreSchema,
                            rowCount: (String) throws(StoreError) -> Int,
                            valueCount: (String, String) throws(StoreError) -> Int) throws(StoreError) -> [SchemaChange] {
        var changes: [SchemaChange] = []
        for wanted in requested.entities {
            guard let have = stored.entity(wanted.name) else {
                changes.append(.createEntity(wanted))
                continue
            }
            for field in wanted.fields {
                if let old = have.field(field.name) {
                    if old.type != field.type {
                        let n = try valueCount(wanted.name, field.name)
                        throw StoreError("\(wanted.name).\(field.name) is stored as \(old.type), and the script declares it \(field.type): changing its type would lose \(n) stored value\(n == 1 ? "" : "s")",
                                         hint: "declare '\(field.name): \(old.type)' as the store has it, or add a new field")
                    }
                    if old.isKey != field.isKey {
                        throw StoreError("\(wanted.name) is stored with the key '\(have.key?.name ?? "id")': the key of a stored entity cannot change",
                                         hint: "declare 'key \(have.key?.name ?? "id")' as the store has it")
                    }
                    if old.isPrivate != field.isPrivate || old.defaultValue != field.defaultValue || old.isIndexed != field.isIndexed {
                        changes.append(.updateField(entity: wanted.name, field))
                    }
                } else {
                    if field.isKey {
                        throw StoreError("\(wanted.name) is stored with the key '\(have.key?.name ?? "id")': the key of a stored entity cannot change",
                                         hint: "declare 'key \(have.key?.name ?? "id")' as the store has it")
                    }
                    let rows = try rowCount(wanted.name)
                    if rows > 0 && field.defaultValue == nil {
                        throw StoreError("\(wanted.name) has \(rows) stored row\(rows == 1 ? "" : "s"), and the new field '\(field.name)' has no value for them",
                                         hint: "give it a default: '\(field.name): \(field.type) = ...'")
                    }
                    changes.append(.addField(entity: wanted.name, field))
                }
            }
            for old in have.fields where wanted.field(old.name) == nil {
                if old.isKey && old.isGenerated { continue }
                let n = try valueCount(wanted.name, old.name)
                if n > 0 {
                    throw StoreError("the script's \(wanted.name) has no field '\(old.name)', but \(n) stored row\(n == 1 ? " has" : "s have") a value for it: dropping it would lose \(n == 1 ? "it" : "them")",
                                     hint: "declare '\(old.name): \(old.type)' again to keep it")
                }
                changes.append(.dropField(entity: wanted.name, field: old.name))
            }
        }
        return changes
    }

    /// The stored schema after the changes.
    public static func apply(_ changes: [SchemaChange], to schema: StoreSchema) -> StoreSchema {
        var s = schema
        for change in changes {
            switch change {
            case .createEntity(let e):
                s.entities.append(e)
            case .addField(let entity, let field):
                if let i = s.entities.firstIndex(where: { $0.name == entity }) { s.entities[i].fields.append(field) }
            case .dropField(let entity, let field):
                if let i = s.entities.firstIndex(where: { $0.name == entity }) { s.entities[i].fields.removeAll { $0.name == field } }
            case .updateField(let entity, let field):
                if let i = s.entities.firstIndex(where: { $0.name == entity }),
                   let j = s.entities[i].fields.firstIndex(where: { $0.name == field.name }) {
                    s.entities[i].fields[j] = field
                }
            }
        }
        return s
    }
}
