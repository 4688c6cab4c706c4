import Testing
import CivicSyntax
import CivicCheck
import CivicStore
@testable import CivicRuntime

// Found by fuzzing (LeakSanitizer, in the run target): the compiled bodies
// of functions that call each other (or themselves) held one another, so
// every run's functions were never freed. The program's FunctionTable now
// breaks the cycle when the program and the machine it ran on are gone.
@Test func functionsThatCallEachOtherAreFreedWithTheirProgram() throws {
    weak var function: CompiledFunction?
    do {
        let sources = SourceMap()
        let text = "fn f(n) {\n  if n <= 0 { return 0 }\n  return g(n - 1)\n}\nfn g(n) = f(n)\nprint f(3)\n"
        let file = SourceFile(name: "t.civic", text: text)
        let (program, errors) = Parser.parse(file, fileID: sources.add(file))
        #expect(errors.isEmpty)
        let compiled = try Compiler.compile(try Checker(sources: sources).check([program]).get()).get()
        let machine = Machine(globalCount: compiled.globalCount, now: CivicTime.earliest, output: { _ in })
        try compiled.run(on: machine)
        function = compiled.functionTable.functions.first
        #expect(function != nil)
    }
    #expect(function == nil)
}
