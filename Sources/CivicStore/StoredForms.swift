import CivicSyntax

/// The text forms in which every engine that keeps values as SQL columns
/// writes the values that are not numbers or plain texts, and the stored
/// schema: the same for SQLite and PostgreSQL, so that a store moved between
/// engines changes no value (see ColumnCodec.swift for the forms).
public enum StoredForms {
    /// A Time as fixed-width text, `2026-11-28T09:30:00`: text order is time order.
    public static func text(_ time: CivicTime) -> String { time.textWithSeconds }

    /// A Duration as `MONTHS:SECONDS` (`0:7200` is 2 hours, `1:0` is 1 month).
    public static func text(_ duration: CivicDuration) -> String { "\(duration.months):\(duration.seconds)" }

    /// The Duration a `MONTHS:SECONDS` text holds, or nil.
    public static func duration(_ text: String) -> CivicDuration? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let m = Int(parts[0]), let s = Int(parts[1]) else { return nil }
        return CivicDuration(months: m, seconds: s)
    }

    /// An entity's fields as the JSON kept in `civic_schema`.
    public static func fieldsJSON(_ entity: StoredEntity) -> String { StoredSchemaJSON.fields(entity) }

    /// The entity whose fields `fieldsJSON` wrote, or nil if the text is not such JSON.
    public static func entity(name: String, fieldsJSON text: String) -> StoredEntity? {
        StoredSchemaJSON.entity(name: name, fields: text)
    }
}
