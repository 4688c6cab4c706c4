import CivicStore
import Foundation

/// Where a PostgreSQL store is: a server, a database on it, and the
/// community (a PostgreSQL schema) the store is — read from a URL such as
/// `postgres://staff:secret@db.city.example:5432/civic?community=sunny-side`.
public struct PostgresLocation: Sendable, Equatable {
    /// How the connection is encrypted (`sslmode`).
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// The community: the PostgreSQL schema that holds its tables.
    public var community: String
    public var tls: TLSMode

    /// The community a URL without `community=` names.
    public static let defaultCommunity = "civic"

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
                community: String = PostgresLocation.defaultCommunity, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.community = community
        self.tls = tls
    }

    /// Whether `text` names a PostgreSQL store rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a `postgres://` URL; the error says what is wrong with it.
    public init(url text: String) throws(StoreError) {
        let example = "postgres://USER@HOST:PORT/DATABASE?community=NAME"
        guard PostgresLocation.isURL(text), let parts = URLComponents(string: text) else {
            throw StoreError("'\(PostgresLocation.hidingPassword(text))' is not a PostgreSQL URL", hint: "write it as \(example)")
        }
        guard let host = parts.host, !host.isEmpty else {
            throw StoreError("the PostgreSQL URL '\(PostgresLocation.hidingPassword(text))' names no server", hint: "write it as \(example)")
        }
        guard let user = parts.user, !user.isEmpty else {
            throw StoreError("the PostgreSQL URL '\(PostgresLocation.hidingPassword(text))' names no user", hint: "write it as \(example)")
        }
        var database = parts.path
        if database.hasPrefix("/") { database.removeFirst() }
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError("the PostgreSQL URL '\(PostgresLocation.hidingPassword(text))' names no database", hint: "write it as \(example)")
        }
        let port = parts.port ?? 5432
        guard (1...65535).contains(port) else {
            throw StoreError("the PostgreSQL URL '\(PostgresLocation.hidingPassword(text))' has the port \(port), which no server can have")
        }
        var community = PostgresLocation.defaultCommunity
        var tls = TLSMode.prefer
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "community":
                community = item.value ?? ""
                try PostgresLocation.checkCommunity(community)
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw StoreError("the PostgreSQL URL's sslmode '\(item.value ?? "")' is not one Civic knows",
                                     hint: "write sslmode=disable, sslmode=prefer or sslmode=require")
                }
                tls = mode
            default:
                throw StoreError("the PostgreSQL URL has the parameter '\(item.name)', which Civic does not know",
                                 hint: "the parameters are community=NAME and sslmode=disable|prefer|require")
            }
        }
        self.init(host: host, port: port, user: user, password: parts.password, database: database, community: community, tls: tls)
    }

    /// A community's name must be one PostgreSQL can keep as a schema name,
    /// and not one of PostgreSQL's own.
    static func checkCommunity(_ name: String) throws(StoreError) {
        if name.isEmpty { throw StoreError("the PostgreSQL URL's community=... needs a name") }
        if name.unicodeScalars.contains("\0") { throw StoreError("a community's name cannot hold a NUL character") }
        if name.utf8.count > PostgresName.maxLength {
            throw StoreError("the community name '\(name)' is longer than PostgreSQL keeps (\(PostgresName.maxLength) bytes)")
        }
        let lower = name.lowercased()
        if lower.hasPrefix("pg_") || lower == "information_schema" {
            throw StoreError("the community name '\(name)' belongs to PostgreSQL itself", hint: "choose another name")
        }
    }

    /// The URL as messages show it: without the password.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (community == PostgresLocation.defaultCommunity ? "" : "?community=\(community)")
    }

    /// A URL as text with its password (if any) replaced by `***`.
    static func hidingPassword(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex) else { return text }
        let credentials = text[scheme.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at.lowerBound...])
    }
}
