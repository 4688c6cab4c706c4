import GRDB
import Testing
@testable import CivicPostgres
@testable import CivicStore

/// One plan for every SQL engine: `QueryLowering` works out the joins along
/// reference paths and the meaning of none once, and each dialect writes
/// only what differs.
@Suite struct QueryPlanTests {
    static let schema = communitySchema

    let tables: [String: SQLTable] = {
        var out: [String: SQLTable] = [:]
        for e in QueryPlanTests.schema.entities { out[e.name] = SQLTable(e, in: QueryPlanTests.schema, dialect: SQLiteDialect.self) }
        return out
    }()

    func plan(_ filter: StorePredicate, order: [StoreOrderKey] = [], _ parameters: [Value]) throws -> QueryPlan {
        let table = try #require(tables["Resident"])
        return try QueryLowering.plan(StoreQuery(entity: "Resident", filter: filter, order: order), on: table, parameters, tables: tables)
    }

    static let workerName = FieldPath(["household", "worker", "name"])

    @Test func aPathThroughReferencesJoinsEachTableUnderItsOwnAlias() throws {
        let p = try plan(.compare(Self.workerName, .equal, .parameter(0)), [.text("Li")])
        var sqlite = SQLStatement<SQLiteDialect>(p)
        var postgres = SQLStatement<PostgresDialect>(p)
        let join = "t0.\"household\" IN (SELECT t1.\"id\" FROM \"Household\" AS t1 WHERE t1.\"worker\" IN "
            + "(SELECT t2.\"id\" FROM \"Worker\" AS t2 WHERE t2.\"name\" = PLACE))"
        #expect(sqlite.from == "FROM \"Resident\" AS t0 WHERE " + join.replacingOccurrences(of: "PLACE", with: "?1"))
        #expect(postgres.from == "FROM \"Resident\" AS t0 WHERE " + join.replacingOccurrences(of: "PLACE", with: "$1"))
        #expect(sqlite.arguments == ["Li".databaseValue])
        #expect(postgres.arguments == [.text("Li")])
        #expect(sqlite.countSQL().hasPrefix("SELECT COUNT(*) FROM \"Resident\""))
        #expect(postgres.existsSQL().hasPrefix("SELECT EXISTS (SELECT 1 FROM \"Resident\""))
    }

    @Test func aConditionThatHoldsForNoneAlsoTakesRowsThatNameNoRow() throws {
        // `!=` holds where the worker's name is none: where a reference is
        // none or names no row, each checked under an alias of its own.
        let p = try plan(.compare(Self.workerName, .notEqual, .parameter(0)), [.text("Li")])
        guard case .through(let household, let outer, let inner, let householdMissing)? = p.filter,
              case .through(let worker, let join, .test(let name, .compare(.notEqual, .text("Li"))), let workerMissing) = inner else {
            Issue.record("not a join through Household and Worker: \(String(describing: p.filter))")
            return
        }
        #expect(household.sql == "t0.\"household\"")
        #expect(outer.alias == "t1" && outer.table.entity.name == "Household")
        #expect(worker.sql == "t1.\"worker\"")
        #expect(join.alias == "t2" && join.table.entity.name == "Worker")
        #expect(name.sql == "t2.\"name\"")
        #expect(workerMissing == "t3")
        #expect(householdMissing == "t4")
        let sql = SQLStatement<PostgresDialect>(p).from
        #expect(sql.contains("NOT EXISTS (SELECT 1 FROM \"Household\" AS t4 WHERE t4.\"id\" = t0.\"household\")"))
        #expect(sql.contains("(t2.\"name\" IS NULL OR NOT t2.\"name\" = $1)"))
    }

    @Test func aFieldThatIsNotThereIsAnError() throws {
        let error = #expect(throws: StoreError.self) {
            _ = try plan(.compare(FieldPath(["household", "wroker", "name"]), .equal, .parameter(0)), [.text("Li")])
        }
        #expect(error?.description.contains("Household has no field 'wroker'") == true)
    }

    @Test func anOrderByADurationIsSortedByTheEngine() throws {
        let byShift = [StoreOrderKey(path: FieldPath(["mentor", "shift"]), descending: false)]
        let p = try plan(.constant(true), order: byShift, [])
        #expect(SQLStatement<SQLiteDialect>(p).terms == nil)
        let byAge = [StoreOrderKey(path: FieldPath(["age"]), descending: true)]
        let q = try plan(.constant(true), order: byAge, [])
        #expect(SQLStatement<SQLiteDialect>(q).terms == ["t0.\"age\" DESC", "t0.\"civic_row\""])
        #expect(SQLStatement<PostgresDialect>(q).terms == ["t0.\"age\" DESC NULLS LAST", "t0.\"civic_row\""])
    }

    @Test func aRowIsRemovedOnlyWhenNoOtherRowRefersToIt() throws {
        let t = try #require(tables["Resident"])
        let probes = RemovalCheck.probes(SQLiteDialect.self, removing: .text("R1"), stored: "R1".databaseValue, row: 7,
                                         of: t, tables: tables, schema: Self.schema)
        // Only Resident.mentor refers to a Resident; the row itself may.
        #expect(probes.map(\.sql) == ["SELECT 1 FROM \"Resident\" AS t0 WHERE t0.\"mentor\" = ?1 AND t0.\"civic_row\" <> ?2 LIMIT 1"])
        #expect(probes.first?.arguments == ["R1".databaseValue, Int64(7).databaseValue])
        #expect(probes.first?.refusal.description.contains("a Resident refers to it in 'mentor'") == true)
    }
}
