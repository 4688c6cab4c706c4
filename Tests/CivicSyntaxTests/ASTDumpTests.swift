import Testing
import CivicSyntax

// The span-free dump of the tree (`SourceProgram.dump`), which `civic fmt`
// uses to check that its output means what its input meant.

private func dump(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    let (program, diagnostics) = Parser.parse(SourceFile(name: "t.civic", text: text), fileID: 0)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))", sourceLocation: sourceLocation)
    return program.dump
}

@Test func dumpShowsTheShapeWithoutLayout() {
    #expect(dump("let total = (a + 2) * 3") == "(let total (* (+ a 2) 3))")
    #expect(dump("let total = ( a+2 )*3   # why") == dump("let total = (a + 2) * 3"))
    #expect(dump("let total = a + 2 * 3") != dump("let total = (a + 2) * 3"))
    #expect(dump("print -x, not y") == "(print (neg x) (not y))")
    #expect(dump("if a { print 1 }\nelse { print 2 }") == "(if (when a {(print 1)}) (else {(print 2)}))")
}

@Test func dumpTellsApartWhatLayoutCanChange() {
    // A spaced '[' after an aggregate word makes the aggregate.
    #expect(dump("print count [1]") == "(print (count [1]))")
    #expect(dump("print count[1]") == "(print ([] count 1))")
    // Texts are shown quoted, with escapes: a quote inside a text cannot end it in the dump.
    #expect(dump(#"print "a\"b {x}""#) == #"(print (text "a\"b " {x}))"#)
    #expect(dump("entity E { key id: Text private = \"x\" }") == "(entity E (field key id Text private (text \"x\")))")
}

@Test func statementExpressionsAreInSourceOrder() {
    let (program, _) = Parser.parse(SourceFile(name: "t.civic", text: "transfer 2 credits from a to b for r\nxs[i][j] = v"), fileID: 0)
    #expect(program.statements.map { $0.expressions.map(\.dump) } == [["2", "a", "b", "r"], ["i", "j", "v"]])
}
