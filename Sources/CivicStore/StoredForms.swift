import CivicSyntax

/// The text forms in which every engine that keeps values as SQL columns
/// writes the values that are not numbers or plain texts, and the stored
/// schema: the same for SQLite and PostgreSQL, so that a store moved between
/// engines changes no value (see SQLiteValues.swift for the forms).
public enum StoredForms {
    /// A Time as fixed-width text, `2026-11-28T09:30:00`: text order is time order.
    public static func text(_ time: CivicTime) -> String { SQLiteCodec.timeText(time) }

    /// A Duration as `MONTHS:SECONDS` (`0:7200` is 2 hours, `1:0` is 1 month).
    public static func text(_ duration: CivicDuration) -> String { SQLiteCodec.durationText(duration) }

    /// The Duration a `MONTHS:SECONDS` text holds, or nil.
    public static func duration(_ text: String) -> CivicDuration? { SQLiteCodec.parseDuration(text) }

    /// An entity's fields as the JSON kept in `civic_schema`.
    public static func fieldsJSON(_ entity: StoredEntity) -> String { SQLiteSchemaJSON.fields(entity) }

    /// The entity whose fields `fieldsJSON` wrote, or nil if the text is not such JSON.
    public static func entity(name: String, fieldsJSON text: String) -> StoredEntity? {
        SQLiteSchemaJSON.entity(name: name, fields: text)
    }
}

/// How the lists of one field are kept: a JSON array whose numbers are
/// written without trailing zeros and whose texts are composed (NFC), so
/// that two lists the language calls equal are the same text.
public struct StoredListForm: Sendable {
    let codec: SQLiteCodec

    /// The form of lists of a field of type `type` (a list type) in `schema`.
    public init(_ type: StoredType, in schema: StoreSchema) {
        codec = SQLiteCodec.make(type, in: schema)
    }

    /// The JSON of a list (or range), or nil if it cannot be kept in this field.
    public func text(_ value: Value) -> String? {
        var out = ""
        guard codec.writeJSON(value, into: &out) else { return nil }
        return out
    }

    /// The list a JSON text written by `text` holds, or nil.
    public func value(_ text: String) -> Value? {
        guard let json = SQLiteJSON.parse(text) else { return nil }
        return try? codec.decodeJSON(json)
    }
}
