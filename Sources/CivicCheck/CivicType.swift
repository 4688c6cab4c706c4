import CivicSyntax

/// What the checker knows of a value's type before the script runs.
///
/// `any` means "not known until run time" (a function's parameter, say): the
/// checker reports only what is certain to fail, and leaves `any` to the run.
public indirect enum CivicType: Hashable, Sendable, CustomStringConvertible {
    case any
    case none
    case bool
    case number
    case text
    case date
    case time
    case duration
    case list(CivicType)
    case record(RecordType)
    /// A stored row of a declared entity, by name.
    case entity(String)
    /// An event of a declared event type, by name.
    case event(String)

    public var description: String {
        switch self {
        case .any: return "a value"
        case .none: return "none"
        case .bool: return "Bool"
        case .number: return "Number"
        case .text: return "Text"
        case .date: return "Date"
        case .time: return "Time"
        case .duration: return "Duration"
        case .list(let element): return element == .any ? "List" : "List of \(element)"
        case .record: return "Record"
        case .entity(let name): return name
        case .event(let name): return name
        }
    }

    /// The name used in messages with an article: "a Number", "an Entity".
    public var withArticle: String {
        switch self {
        case .any: return "a value"
        case .none: return "none"
        case .list: return "a \(description)"
        default:
            let first = description.unicodeScalars.first.map { Character($0) }
            let vowel = first.map { "AEIOU".contains($0) } ?? false
            return (vowel ? "an " : "a ") + description
        }
    }

    /// Whether a value of this type may turn out to be of type `other` at run time.
    public func mayBe(_ other: CivicType) -> Bool {
        if self == .any || other == .any { return true }
        switch (self, other) {
        case (.list(let a), .list(let b)): return a.mayBe(b)
        case (.record, .record): return true
        default: return self == other
        }
    }

    /// The type of the items when this is a list (or `any`).
    public var element: CivicType? {
        switch self {
        case .list(let e): return e
        case .any: return .any
        default: return nil
        }
    }

    /// The built-in type with this name, as written in a declaration.
    public static func builtin(named name: String) -> CivicType? {
        switch name {
        case "Number": return .number
        case "Text": return .text
        case "Bool": return .bool
        case "Date": return .date
        case "Time": return .time
        case "Duration": return .duration
        default: return nil
        }
    }

    /// The names of the built-in types, for "did you mean".
    public static let builtinNames = ["Number", "Text", "Bool", "Date", "Time", "Duration"]
}

/// The fields of a record, in order, with their types.
public struct RecordType: Hashable, Sendable {
    public var fields: [Field]

    public struct Field: Hashable, Sendable {
        public var name: String
        public var type: CivicType
        public init(name: String, type: CivicType) {
            self.name = name
            self.type = type
        }
    }

    public init(fields: [Field]) { self.fields = fields }

    public func field(_ name: String) -> Field? {
        fields.first { $0.name == name }
    }

    /// Two record types merge into one whose fields agree, `any` where they differ.
    public func merged(with other: RecordType) -> RecordType? {
        guard fields.map(\.name) == other.fields.map(\.name) else { return nil }
        return RecordType(fields: zip(fields, other.fields).map { a, b in
            Field(name: a.name, type: a.type == b.type ? a.type : .any)
        })
    }
}

extension CivicType {
    /// The type of a list that holds items of `a` and `b`.
    public static func join(_ a: CivicType, _ b: CivicType) -> CivicType {
        if a == b { return a }
        if case .record(let ra) = a, case .record(let rb) = b, let m = ra.merged(with: rb) { return .record(m) }
        if case .list(let ea) = a, case .list(let eb) = b { return .list(join(ea, eb)) }
        return .any
    }
}
