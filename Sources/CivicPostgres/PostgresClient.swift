import CivicStore
import PostgresNIO

/// One connection to a PostgreSQL server, used synchronously.
///
/// `Store` is synchronous and PostgresNIO is not: every statement is sent
/// through PostgresNIO's `EventLoopFuture` interface and the calling thread
/// waits for its result. The connection lives on NIO's shared event loop
/// group, whose threads are NIO's own; the store is never called from one of
/// them, so a wait never blocks the loop that would end it, and no Swift
/// concurrency task is waited for.
final class PostgresClient {
    let connection: PostgresConnection
    let location: PostgresLocation
    let logger: Logger
    private var closed = false
    /// New rows of one table whose INSERT is held back (`insertLater`).
    var waiting: WaitingRows?

    /// How long connecting may take before the server is called unreachable.
    static let connectTimeoutSeconds: Int64 = 10

    private init(connection: PostgresConnection, location: PostgresLocation, logger: Logger) {
        self.connection = connection
        self.location = location
        self.logger = logger
    }

    deinit { close() }

    /// Connects to the server the location names.
    static func connect(_ location: PostgresLocation) throws(StoreError) -> PostgresClient {
        // Civic says what went wrong itself: PostgresNIO's own log stays quiet.
        var logger = Logger(label: "civic.postgres")
        logger.logLevel = .critical
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch location.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw StoreError("cannot prepare an encrypted connection to \(location.description): \(error)",
                             hint: "add sslmode=disable to the URL for a server on this machine")
        }
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        do {
            let connection = try PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 1, logger: logger).wait()
            return PostgresClient(connection: connection, location: location, logger: logger)
        } catch {
            throw PostgresClient.connectError(error, location)
        }
    }

    /// Runs one statement and gives its rows and the number of rows it changed.
    func query(_ sql: String, _ parameters: [PostgresParameter] = []) throws(StoreError) -> (rows: [PostgresRow], changed: Int) {
        if let waiting {
            if sql == "ROLLBACK" {
                self.waiting = nil
            } else if waiting.mustGoBefore(sql) {
                try sendWaiting()
            }
        }
        return try send(sql, parameters)
    }

    /// Sends one statement, now.
    func send(_ sql: String, _ parameters: [PostgresParameter]) throws(StoreError) -> (rows: [PostgresRow], changed: Int) {
        let query = PostgresQuery(unsafeSQL: sql, binds: PostgresParameter.bindings(parameters))
        do {
            let result = try connection.query(query, logger: logger).wait()
            return (result.rows, result.metadata.rows ?? 0)
        } catch {
            throw storeError(error)
        }
    }

    /// Runs one statement without parameters.
    func execute(_ sql: String) throws(StoreError) {
        _ = try query(sql)
    }

    func close() {
        if closed { return }
        closed = true
        try? connection.close().wait()
    }

    // MARK: Errors

    /// The SQLSTATE of a server's error, if the error is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    func storeError(_ error: any Error) -> StoreError {
        if let e = error as? StoreError { return e }
        let name = location.description
        guard let e = error as? PSQLError else { return StoreError("the store \(name) failed: \(error)") }
        if let info = e.serverInfo {
            let message = info[.message] ?? "an error"
            switch info[.sqlState] ?? "" {
            case "40P01", "40001":
                return StoreError("the store \(name) is busy: another run changed the same rows at the same time; try again")
            case "55P03", "57014":
                return StoreError("the store \(name) is busy: another run is using it; try again when it has finished")
            case "53100":
                return StoreError("the store \(name) cannot grow: the server's disk is full")
            case "25006":
                return StoreError("the store \(name) is read-only: Civic cannot write to it")
            default:
                return StoreError("the store \(name) failed (PostgreSQL says: \(message))")
            }
        }
        switch e.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
            return StoreError("the connection to the PostgreSQL server of \(name) was lost",
                              hint: "nothing of the run was kept; run it again when the server is back")
        default:
            return StoreError("the store \(name) failed: \(e.code)")
        }
    }

    static func connectError(_ error: any Error, _ location: PostgresLocation) -> StoreError {
        let name = location.description
        if let e = error as? PSQLError, let info = e.serverInfo {
            let message = info[.message] ?? "an error"
            switch info[.sqlState] ?? "" {
            case "28P01", "28000":
                return StoreError("the PostgreSQL server at \(location.host):\(location.port) refused the user '\(location.user)': \(message)",
                                  hint: "check the user and password in the URL")
            case "3D000":
                return StoreError("the PostgreSQL server at \(location.host):\(location.port) has no database '\(location.database)'",
                                  hint: "create it (createdb \(location.database)) or name another in the URL")
            case "53300":
                return StoreError("the PostgreSQL server at \(location.host):\(location.port) has too many connections; try again later")
            default:
                return StoreError("cannot open the store \(name) (PostgreSQL says: \(message))")
            }
        }
        if let e = error as? PSQLError {
            switch e.code {
            case .sslUnsupported:
                return StoreError("the PostgreSQL server at \(location.host):\(location.port) does not encrypt connections, and the URL asks for sslmode=require")
            case .authMechanismRequiresPassword:
                return StoreError("the PostgreSQL server at \(location.host):\(location.port) asks for a password for '\(location.user)'",
                                  hint: "give it in the URL: postgres://\(location.user):PASSWORD@\(location.host):\(location.port)/\(location.database)")
            case .connectionError:
                let text = e.underlying.map { "\($0)" } ?? ""
                let cause = text.contains("refused") ? "connection refused" : text.contains("timed out") || text.contains("imeout") ? "no answer" : text
                return StoreError("cannot reach the PostgreSQL server at \(location.host):\(location.port) (\(cause))",
                                  hint: "check that the server is running and that the host and port in the URL are right")
            default:
                break
            }
        }
        return StoreError("cannot reach the PostgreSQL server at \(location.host):\(location.port) (\(error))",
                          hint: "check that the server is running and that the host and port in the URL are right")
    }
}
