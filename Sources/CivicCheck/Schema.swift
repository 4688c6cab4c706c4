import CivicSyntax

/// The entities, events and accounts a program declares.
public struct Schema: Sendable {
    public var entities: [String: EntitySchema] = [:]
    public var events: [String: EntitySchema] = [:]
    public var accounts: [AccountSchema] = []
    /// Declaration order of entities and events, for listing them.
    public var order: [String] = []
    /// For each entity that an `assign E to W` statement assigns, the worker
    /// entities it is assigned to, each once, in the order written.
    public var assignments: [String: [String]] = [:]

    public init() {}

    /// The entity or event of this name.
    public func type(named name: String) -> EntitySchema? {
        entities[name] ?? events[name]
    }

    /// Every declared entity and event name, for "did you mean".
    public var typeNames: [String] { order }

    /// The accounts held by an entity.
    public func accounts(of holder: String) -> [AccountSchema] {
        accounts.filter { $0.holder == holder }
    }
}

/// One declared entity or event: its fields in order.
public struct EntitySchema: Sendable {
    public enum Kind: Sendable { case entity, event }

    public var name: String
    public var kind: Kind
    public var fields: [FieldSchema]
    public var span: Span

    public init(name: String, kind: Kind, fields: [FieldSchema], span: Span) {
        self.name = name
        self.kind = kind
        self.fields = fields
        self.span = span
    }

    public func field(_ name: String) -> FieldSchema? {
        fields.first { $0.name == name }
    }

    /// The key field, if one is declared.
    public var key: FieldSchema? { fields.first { $0.isKey } }

    /// The type of this entity's rows.
    public var type: CivicType { kind == .entity ? .entity(name) : .event(name) }
}

/// One field of an entity or event.
public struct FieldSchema: Sendable {
    public var name: String
    public var type: CivicType
    public var isKey: Bool
    public var isPrivate: Bool
    public var defaultValue: Expr?
    public var span: Span
    /// A key the store makes (1, 2, 3, ...): the `id` of an entity that declares no key.
    public var isGenerated: Bool

    public init(name: String, type: CivicType, isKey: Bool, isPrivate: Bool, defaultValue: Expr?, span: Span,
                isGenerated: Bool = false) {
        self.name = name
        self.type = type
        self.isKey = isKey
        self.isPrivate = isPrivate
        self.defaultValue = defaultValue
        self.span = span
        self.isGenerated = isGenerated
    }
}

/// An `account NAME of HOLDER` declaration.
public struct AccountSchema: Sendable {
    public var name: String
    public var holder: String
    public var span: Span

    public init(name: String, holder: String, span: Span) {
        self.name = name
        self.holder = holder
        self.span = span
    }
}
