import Testing
import Civic
import CivicPostgresTesting
import CivicStore
import CivicSyntax

/// `civic verify` names the holders whose books disagree; a holder whose key
/// is private is named with the key masked, as every other output masks it.
@Suite struct VerifyPrivacyTests {
    @Test(arguments: [StoreKind.memory] + TestStores.kinds)
    func aProblemNamesAPrivateKeyMasked(_ kind: StoreKind) throws {
        let store = try TestStores.fresh(kind)
        let engine = Engine(store: store, lines: { _ in })
        let result = engine.run(SourceFile(name: "p.civic", text: """
            entity Citizen { key card: Text private, name: Text }
            entity Resident { key id: Text, name: Text }
            account points of Citizen
            account points of Resident
            award 5 points to add Citizen { card: "110101199003070011", name: "张三" }
            award 5 points to add Resident { id: "R1", name: "李四" }
            """))
        #expect(result.succeeded, "\(result.diagnostics)")
        try store.begin()
        for key in ["points|Citizen|110101199003070011", "points|Resident|R1"] {
            try store.update("$balance", key: .text(key), [("balance", .number(Number(99)))])
        }
        try store.commit()
        let problems = engine.verify()
        #expect(problems.contains("the balance of points|Citizen|110****0011 is 99, but its ledger entries add up to 5"), "\(problems)")
        #expect(problems.contains("the balance of points|Resident|R1 is 99, but its ledger entries add up to 5"), "\(problems)")
        #expect(!problems.joined().contains("110101199003070011"))
    }
}
