import CivicSyntax

/// The schema as the store keeps it: each entity's fields with their stored
/// types. The store remembers the schema it was made with, and a script that
/// declares an entity already in the store must agree with it.
public struct StoreSchema: Equatable, Sendable {
    public var entities: [StoredEntity]

    public init(entities: [StoredEntity]) { self.entities = entities }

    public func entity(_ name: String) -> StoredEntity? {
        entities.first { $0.name == name }
    }
}

/// One entity as stored: a table with a key column and a column per field.
public struct StoredEntity: Equatable, Sendable {
    public var name: String
    /// Fields in declaration order; the key is one of them (an entity that
    /// declares no key gets a whole-number `id` made by the store).
    public var fields: [StoredField]

    public init(name: String, fields: [StoredField]) {
        self.name = name
        self.fields = fields
    }

    public var key: StoredField? { fields.first { $0.isKey } }

    public func field(_ name: String) -> StoredField? { fields.first { $0.name == name } }

    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// A key of this entity as a message writes it: marked (``PrivateText``),
    /// so that it is masked when shown, when the key is private.
    public func shown(key: Value) -> String {
        PrivateText.mark(key.literal(), if: keyIsPrivate)
    }

    /// The value of field `i` as a message writes it, marked when the field is private.
    public func shown(_ value: Value, field i: Int) -> String {
        PrivateText.mark(value.literal(), if: fields.indices.contains(i) && fields[i].isPrivate)
    }

    private var keyIsPrivate: Bool { key?.isPrivate ?? false }
}

/// One field as stored.
public struct StoredField: Equatable, Sendable {
    public var name: String
    public var type: StoredType
    public var isKey: Bool
    public var isPrivate: Bool
    /// The value rows get when the field is added to a store that has rows,
    /// or when a new row does not give it. `nil` means none.
    public var defaultValue: Value?
    /// Whether the key is made by the store (1, 2, 3, ...).
    public var isGenerated: Bool
    /// Whether rows are often looked up by this field, so that an engine
    /// with indexes keeps one (the books look up entries by holder).
    public var isIndexed: Bool

    public init(name: String, type: StoredType, isKey: Bool = false, isPrivate: Bool = false,
                defaultValue: Value? = nil, isGenerated: Bool = false, isIndexed: Bool = false) {
        self.name = name
        self.type = type
        self.isKey = isKey
        self.isPrivate = isPrivate
        self.defaultValue = defaultValue
        self.isGenerated = isGenerated
        self.isIndexed = isIndexed
    }
}

/// The type of a stored field.
public indirect enum StoredType: Hashable, Sendable, CustomStringConvertible {
    case number, text, bool, date, time, duration
    /// A reference to a row of another entity, kept as that row's key.
    case reference(String)
    case list(StoredType)

    public var description: String {
        switch self {
        case .number: return "Number"
        case .text: return "Text"
        case .bool: return "Bool"
        case .date: return "Date"
        case .time: return "Time"
        case .duration: return "Duration"
        case .reference(let e): return e
        case .list(let t): return "[\(t)]"
        }
    }
}

/// An error from the store, in words for the person running the script.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; a private value in it is marked (``PrivateText``),
    /// and masked when the error is shown.
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { PrivateText.resolve(message, reveal: false) }
}
