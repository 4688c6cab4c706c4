import Foundation
import Testing
import Civic

// Every code block of README.md and of docs/*.md is run by these tests, or
// marked as not run with a reason. The convention (docs/architecture.md,
// "The docs are tested", says the same for writers):
//
// - ```civic                a script. It is run as `civic run` with a fresh store in memory and
//                           the clock at 2026-11-28T09:00, in the document's folder; it must run
//                           without an error. Words after `civic` are options of `civic run`
//                           (```civic --now 2026-12-01T09:00). The comment after a line that
//                           prints (`print x   # 42`) must start with what the statements that
//                           start on that line printed (several lines joined by ", "), then end
//                           or go on with ":" or " (" and a note.
// - ```output               what the script above printed, exactly; ```output first and
//                           ```output last: its first or last lines.
// - ```civic NAME.civic,    a file, written into the document's folder under that name for the
//   ```csv NAME, ```json NAME  blocks after it; a later block must name it (a later `$ civic test`
//                           without a path uses every .civic file). Its comments are not checked,
//                           so a comment on a line that prints is refused there: show the output of
//                           the command that runs it instead.
// - ```console              a terminal: `$ COMMAND` lines run with sh in the document's folder,
//                           `civic` being the one built with these tests, and the lines after
//                           each are what it printed (output and errors, in order; `...` stands
//                           for any lines). A command whose output says "error" must fail, any
//                           other must succeed. A command that names `examples/` finds a copy of
//                           the project's examples. For `$ civic repl` without `<`, the lines at
//                           the `civic> ` and `   ..> ` prompts are piped in (notes after `←`
//                           left out), the rest are what it printed, after the greeting.
// - <!-- compiled: PATH --> above a ```swift block: every line of the block is in that file of
//                           the package, in order, so the Swift compiler and that file's tests
//                           run it.
// - <!-- not run: REASON --> above any block: not run, for the reason given.
//
// The blocks of a document run top to bottom in one folder, so a document
// is followed as a reader follows it. For docs/NAME.md, a folder docs/NAME/
// holds the files its blocks write, as they are at the end.

/// The documents: README.md, DEVELOPERS.md and every Markdown file in docs/.
let documents: [String] = {
    let docs = (try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("docs").path)) ?? []
    return ["README.md", "DEVELOPERS.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
}()

@Suite struct DocsTests {
    @Test("every block runs or is marked", arguments: documents)
    func document(_ path: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: civicExecutable.path),
                     "no civic binary at \(civicExecutable.path): run 'swift build' first, or set CIVIC_BINARY")
        let text = try String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
        let (blocks, problems) = Markdown.blocks(of: text, document: path)
        let runner = try DocRunner(document: path)
        runner.report.problems += problems
        runner.run(blocks)
        runner.report.problems += folderProblems(path, runner)
        for problem in runner.report.problems { Issue.record(Comment(rawValue: problem)) }
        print("\(path): \(blocks.count) blocks, \(runner.report.run) run, \(runner.report.marked) marked not run")
    }

    /// docs/NAME.md and its folder docs/NAME/: the same files, with the same text.
    func folderProblems(_ path: String, _ runner: DocRunner) -> [String] {
        guard path.hasPrefix("docs/"), path.hasSuffix(".md") else { return [] }
        let folder = packageRoot.appendingPathComponent(String(path.dropLast(3)))
        guard FileManager.default.fileExists(atPath: folder.path),
              let names = FileManager.default.enumerator(atPath: folder.path)?.compactMap({ $0 as? String }) else { return [] }
        var problems: [String] = []
        var last: [String: DocBlock] = [:]
        for (name, block) in runner.files { last[name] = block }
        for name in names.sorted() {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder)
            // Folders, hidden files and stores a reader made by following the page are not the page's files.
            if isFolder.boolValue || name.split(separator: "/").contains(where: { $0.hasPrefix(".") }) || name.contains(".sqlite") { continue }
            guard let block = last.removeValue(forKey: name) else {
                problems.append("\(path): the file \(folder.lastPathComponent)/\(name) is not shown by any block")
                continue
            }
            let file = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            if file != block.text {
                problems.append("\(block): the block differs from \(String(path.dropLast(3)))/\(name)")
            }
        }
        for (name, block) in last.sorted(by: { $0.key < $1.key }) {
            problems.append("\(block): the file \(name) is not in \(String(path.dropLast(3)))/")
        }
        return problems
    }

    /// docs/builtins.md documents every built-in function of the checker's
    /// table, with its summary and its example.
    @Test func builtinsDocumentEveryFunction() throws {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/builtins.md"), encoding: .utf8)
        let (blocks, _) = Markdown.blocks(of: text, document: "docs/builtins.md")
        for name in Builtins.names {
            guard let signature = Builtins.all[name] else { continue }
            #expect(text.contains("### `\(name)("), "docs/builtins.md has no heading for \(name)")
            #expect(text.contains(signature.summary), "docs/builtins.md does not give the summary of \(name): \(signature.summary)")
            #expect(blocks.contains { $0.language == "civic" && $0.lines.contains(signature.example) },
                    "docs/builtins.md does not show the example of \(name) in a civic block: \(signature.example)")
        }
    }
}

/// The harness itself finds what is wrong: each of these documents has one mistake.
@Suite struct DocsHarnessTests {
    func problems(_ markdown: String) throws -> [String] {
        let (blocks, problems) = Markdown.blocks(of: markdown, document: "test.md")
        let runner = try DocRunner(document: "test.md")
        runner.run(blocks)
        return problems + runner.report.problems
    }

    @Test func aBlockNeitherRunNorMarkedIsReported() throws {
        let found = try problems("Text.\n\n```\nsome words\n```\n")
        #expect(found.count == 1 && found[0].contains("test.md:3: a block in 'no language' is neither run nor marked"), "\(found)")
        #expect(try problems("<!-- not run: a picture -->\n```\nsome words\n```\n").isEmpty)
        #expect(try problems("<!-- not run: -->\n```\nx\n```\n").first?.contains("needs a reason") == true)
    }

    @Test func aWrongCommentIsReported() throws {
        let found = try problems("```civic\nprint 1 + 1   # 3\nprint 2 * 2   # 4: a note\nfor i in 1..2 { print i }   # 1, 2 (one a line)\n```\n")
        #expect(found.count == 1 && found[0].contains("line 1 of the block prints '2', but its comment says '# 3'"), "\(found)")
        let prefix = try problems("```civic\nprint 10   # 1\n```\n")
        #expect(prefix.count == 1, "a comment must not be only the start of what was printed: \(prefix)")
        let nested = try problems("```civic\nfn f(x) = x * 2\nfor r in [1, 2] {\n  print r        # 1, 2 (one a line)\n  print f(r)     # 2, 4\n}\n```\n")
        #expect(nested.isEmpty, "each line inside a loop claims its own output: \(nested)")
        let silent = try problems("```civic\nif false { print 1 }   # 1\n```\n")
        #expect(silent.count == 1 && silent[0].contains("prints nothing"), "\(silent)")
        let inText = try problems("```civic\nprint \"# {\"a\"} {{\"   # # a {\n```\n")
        #expect(inText.isEmpty, "a # in a text is not a comment: \(inText)")
    }

    @Test func aFailingScriptOrWrongOutputIsReported() throws {
        let failing = try problems("```civic\nprint 1 / 0\n```\n")
        #expect(failing.count == 1 && failing[0].contains("division by zero"), "\(failing)")
        let output = try problems("```civic\nprint \"a\"\nprint \"b\"\n```\n\n```output\na\nc\n```\n\n```output last\nb\n```\n")
        #expect(output.count == 1 && output[0].contains("test.md:6: the output of the script at line 1 differs"), "\(output)")
    }

    @Test func aTranscriptIsRunAndCompared() throws {
        let good = """
            ```civic t.civic
            print "hello"
            expect 1 == 2
            ```

            ```console
            $ civic check t.civic
            $ civic run t.civic
            hello
            t.civic:2:8: error: expectation failed: 1 is 1, expected 2
            ...
            $ civic repl
            civic> let x = 2   ← a note
            civic> x +
               ..>   1
            3
            ```
            """
        let goodProblems = try problems(good)
        #expect(goodProblems.isEmpty, "\(goodProblems)")
        let wrong = try problems("```civic t.civic\nprint 1\n```\n\n```console\n$ civic run t.civic\n2\n```\n")
        #expect(wrong.count == 1 && wrong[0].contains("'civic run t.civic' printed something else"), "\(wrong)")
        let status = try problems("```console\n$ civic run nothing.civic\ncivic: no such file: nothing.civic\n```\n")
        #expect(status.count == 1 && status[0].contains("exited with 2"), "\(status)")
        let unused = try problems("```csv data/x.csv\na,b\n```\n")
        #expect(unused.count == 1 && unused[0].contains("never used"), "\(unused)")
    }

    @Test func aSwiftBlockMustBeInTheTestThatCompilesIt() throws {
        let here = "Tests/DocsTests/DocsTests.swift"
        #expect(try problems("<!-- compiled: \(here) -->\n```swift\n@Suite struct DocsHarnessTests {\n```\n").isEmpty)
        let missing = try problems("<!-- compiled: \(here) -->\n```swift\nlet neverWritten = 42\n```\n")
        #expect(missing.count == 1 && missing[0].contains("is not in \(here)"), "\(missing)")
        #expect(try problems("```swift\nlet x = 1\n```\n").count == 1)
    }
}
