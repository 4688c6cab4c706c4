import Testing
import CivicSyntax
import CivicRuntime

/// `StoreWrites`: which scripts may write to the store, read from their tree.
@Suite struct StoreWritesTests {
    private func mayWrite(_ text: String) throws -> Bool {
        let (program, errors) = Parser.parse(SourceFile(name: "t.civic", text: text), fileID: 0)
        try #require(errors.isEmpty, "\(errors.map(\.message))")
        return StoreWrites.mayWrite(program.statements)
    }

    @Test func scriptsThatOnlyQueryOnlyRead() throws {
        #expect(try !mayWrite("print 1"))
        #expect(try !mayWrite("""
            entity Resident { key id: Text, points: Number }
            let n = count Resident
            fn top(k) { return Resident order by points desc limit k }
            for r in top(3) { print r.id }
            if n > 2 { show sum points of Resident where points > 1 } else { print "few" }
            """))
    }

    @Test func anyStatementThatChangesTheStoreMayWrite() throws {
        let header = "entity Resident { key id: Text, points: Number }\n"
        for line in [
            #"add Resident { id: "R1", points: 1 }"#,
            #"let r = add Resident { id: "R1", points: 1 }"#,
            #"for r in Resident { update r { points: 2 } }"#,
            #"for r in Resident { remove r }"#,
        ] {
            #expect(try mayWrite(header + line), "\(line)")
        }
    }

    @Test func aWriteInsideAFunctionOrABlockCounts() throws {
        #expect(try mayWrite("""
            entity Note { text: Text }
            fn note(t) { add Note { text: t } }
            print 1
            """))
        #expect(try mayWrite("""
            entity Note { text: Text }
            if true { while false { print [add Note { text: "x" }] } }
            """))
    }
}
