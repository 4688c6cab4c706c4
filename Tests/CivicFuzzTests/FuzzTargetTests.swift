import Testing
import Civic
@testable import CivicFuzz

// The fuzz targets of Fuzzers/ are built only for fuzzing; these tests keep
// what they run compiling and working: each target over the seed corpus
// and over fixed pseudo-random inputs, and the generator's scripts.

@Test func seedsAreFound() {
    #expect(FuzzSeeds.files.count >= 500)
}

@Test("the front-end target holds on every seed")
func frontEndOnSeeds() {
    for url in FuzzSeeds.files {
        let finding = FrontEndTarget.run(FuzzSeeds.bytes(url))
        #expect(finding == nil, "\(url.lastPathComponent): \(finding?.description ?? "")")
    }
}

@Test("the front-end target holds on random bytes and on generated scripts")
func frontEndOnRandomInputs() {
    for bytes in FuzzSeeds.randomInputs(200) {
        #expect(FrontEndTarget.run(bytes) == nil)
        #expect(FrontEndTarget.run(Array(ProgramGenerator.script(from: bytes).text.utf8)) == nil)
    }
}

@Test("the run target holds on a sample of the seeds")
func runOnSeeds() {
    for url in FuzzSeeds.files.enumerated().filter({ $0.offset % 10 == 0 }).map(\.element) {
        let finding = RunTarget.run(FuzzSeeds.bytes(url))
        #expect(finding == nil, "\(url.lastPathComponent): \(finding?.description ?? "")")
    }
}

@Test("the run target holds on generated scripts")
func runOnGeneratedScripts() {
    for bytes in FuzzSeeds.randomInputs(60) {
        let finding = RunTarget.run(bytes)
        #expect(finding == nil, "\(ProgramGenerator.script(from: bytes).text)\n\(finding?.description ?? "")")
    }
}

@Test("most generated scripts pass the checker, so the fuzzer reaches the runtime")
func generatedScriptsCheck() {
    let inputs = FuzzSeeds.randomInputs(200)
    var clean = 0
    for bytes in inputs {
        let text = ProgramGenerator.script(from: bytes).text
        let engine = Engine(options: RunOptions(now: RunTarget.now, operatorName: "fuzz"), store: MemoryStore(), lines: { _ in })
        if engine.check(source: text).succeeded { clean += 1 }
    }
    #expect(clean * 10 >= inputs.count * 7, "\(clean) of \(inputs.count) generated scripts check cleanly")
}

@Test func theGeneratorIsDeterministic() {
    let bytes = FuzzSeeds.randomInputs(1)[0]
    #expect(ProgramGenerator.script(from: bytes).text == ProgramGenerator.script(from: bytes).text)
    #expect(ProgramGenerator.script(from: []).text == "\n")
}
