import Foundation
import Testing

// `civic repl` at a real terminal (a tmux pane): typing, Tab, arrow keys,
// Ctrl-C, Ctrl-D, inputs over several lines, mistakes, history across restarts.

extension TmuxTerminal {
    /// Types an input line, waits for the next prompt, and gives back what the input wrote.
    func answer(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        // Ready: the cursor waits at an empty prompt, and what came before is all shown.
        try waitForLine(["civic>", "   ..>"], sourceLocation: sourceLocation)
        let prompts = try count("civic> ")
        try enter(line)
        let shown = try waitFor("civic> ", count: prompts + 1, sourceLocation: sourceLocation)
        let echoes = ["civic> ", "   ..> "].compactMap { shown.range(of: $0 + line, options: .backwards) }
        guard let echo = echoes.max(by: { $0.lowerBound < $1.lowerBound }) else { return "" }
        let after = shown[echo.upperBound...]
        let upToPrompt = after.range(of: "civic> ").map { after[..<$0.lowerBound] } ?? after
        return upToPrompt.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Presses Enter on what is typed (Tab may have made it), waits for the next
    /// prompt, and gives back what the input wrote.
    func answerTyped(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let prompts = try count("civic> ")
        try press("Enter")
        let shown = try waitFor("civic> ", count: prompts + 1, sourceLocation: sourceLocation)
        let parts = shown.components(separatedBy: "civic> ")
        guard parts.count >= 2 else { return "" }
        let input = parts[parts.count - 2]
        let firstLineEnd = input.firstIndex(of: "\n") ?? input.endIndex
        return input[firstLineEnd...].trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension TmuxTerminal {
    /// Presses Ctrl-C until the terminal shows `text` (at most four times, a
    /// few seconds apart): on a busy machine the first may reach civic just
    /// before readline has handed the line over, and only drop what was typed.
    func pressCtrlC(until text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for _ in 1...3 {
            try press("C-c")
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline {
                if try screen().contains(text) { return }
                usleep(50_000)
            }
        }
        try press("C-c")
        try waitFor(text, sourceLocation: sourceLocation)
    }
}

@Suite struct ReplTerminalTests {
    /// The "done when", step by step: a newcomer on an example store.
    @Test func aNewcomerExploresAnExampleStoreAndMakesAMistake() throws {
        let scratch = try ReplScratch()
        try makeCommunityStore(in: scratch)
        let t = try TmuxTerminal(["repl", "--db", "community.sqlite"], in: scratch.url, home: scratch.home)
        try t.waitFor("From the store: Building, Worker, Household, Resident")
        try t.waitFor("civic> ")

        // Find the entities with Tab.
        try t.type("count Hou")
        try t.press("Tab")
        try t.waitForLine("civic> count Household")
        try t.press("C-u")
        try t.type("count Resi")
        try t.press("Tab")
        try t.waitForLine("civic> count Resident")
        try t.press("Enter")
        try t.waitFor("1097")
        // Fields of the entity being queried, listed with Tab Tab.
        try t.type("Resident where li")
        try t.press("Tab")
        try t.press("Tab")
        try t.waitFor("living_alone")
        try t.press("C-u")

        // An account, an event, and a rule over three lines (Tab finds the event's field).
        #expect(try t.answer("account points of Resident") == "")
        #expect(try t.answer("event Visit { visitor: Resident, hours: Number }") == "")
        try t.enter("rule \"home visits\" on Visit v {")
        try t.waitForLine("   ..>")
        try t.type("  award v.hours * 2 points to v.vis")
        try t.press("Tab")
        try t.waitForLine("   ..>   award v.hours * 2 points to v.visitor")
        try t.press("Enter")
        #expect(try t.answer("}") == "")

        // Emit an event, see a balance change.
        #expect(try t.answer("let zhang = first Resident where id == \"R0001\"") == "")
        #expect(try t.answer("zhang.points") == "0")
        #expect(try t.answer("emit Visit { visitor: zhang, hours: 3 }") == "")
        #expect(try t.answer("zhang.points") == "6")

        // A mistake: shown with its caret and a hint, and it changes nothing.
        let mistake = try t.answer("emit Visit { visitor: zhnag, hours: 1 }")
        #expect(mistake.contains("unknown name 'zhnag'"))
        #expect(mistake.contains("^^^^^"))
        #expect(mistake.contains("did you mean 'zhang'?"))
        #expect(try t.answer("zhang.points") == "6")

        // Carry on: bring the line back with Up, mend it with the arrow keys, run it.
        try t.press("Up")
        try t.waitForLine("civic> zhang.points")
        try t.press("Up")
        try t.waitForLine("civic> emit Visit { visitor: zhnag, hours: 1 }")
        try t.press("End")
        for _ in 0..<", hours: 1 }".count { try t.press("Left") }
        for _ in 0..<"zhnag".count { try t.press("BSpace") }
        try t.type("zhang")
        try t.waitForLine("civic> emit Visit { visitor: zhang, hours: 1 }")
        let prompts = try t.count("civic> ")
        try t.press("Enter")
        try t.waitFor("civic> ", count: prompts + 1)
        #expect(try t.answer("zhang.points") == "8")
        #expect(try t.answer(":rules").contains("\"home visits\" on Visit"))
        #expect(try t.answer(":explain zhang.points").contains("home visits"))

        // Leaving normally keeps the changes, and says so.
        try t.enter(":quit")
        try t.waitFor("Kept the changes in SQLite file community.sqlite.")
        #expect(try t.waitForExit() == 0)
        let after = try civicPiped(["repl", "--db", "community.sqlite"], input: "(first Resident where id == \"R0001\").points\n", in: scratch)
        #expect(after.stdout == "8\n", "\(after.stderr)")
    }

    @Test func ctrlCDropsTheInputBeingTypedAndCtrlDLeaves() throws {
        let scratch = try ReplScratch()
        let t = try TmuxTerminal(["repl"], in: scratch.url, home: scratch.home)
        try t.waitFor("civic> ")
        try t.type("let abandoned = 1")
        try t.press("C-c")
        try t.waitFor("^C")
        try t.waitForLine("civic>")
        #expect(try t.answer("abandoned").contains("unknown name 'abandoned'"))
        // Ctrl-C in the middle of an input over several lines drops all of it.
        try t.enter("entity Draft {")
        try t.waitForLine("   ..>")
        try t.enter("  name: Text")
        try t.press("C-c")
        try t.waitForLine("civic>")
        #expect(try t.answer("1 + 1") == "2")
        #expect(try t.answer(":schema").contains("nothing is declared yet"))
        try t.press("C-d")
        try t.waitFor("The store was in memory: nothing is kept")
        #expect(try t.waitForExit() == 0)
    }

    @Test func declarationsOverSeveralLinesAndMistakesOnTheWay() throws {
        let scratch = try ReplScratch()
        let t = try TmuxTerminal(["repl"], in: scratch.url, home: scratch.home)
        try t.waitFor("civic> ")
        try t.enter("entity Pet {")
        try t.waitForLine("   ..>")
        try t.enter("  key name: Text")
        try t.enter("  age: Number")
        #expect(try t.answer("}") == "")
        let added = try t.answer("add Pet { name: \"咪咪\", age: 3 }")
        #expect(added.contains("咪咪"))
        // An error, then a correct line.
        let wrong = try t.answer("count Pet where agee > 1")
        #expect(wrong.contains("did you mean 'age'?"))
        #expect(try t.answer("count Pet where age > 1") == "1")
        // A text cannot go on past its line: the mistake is shown at once.
        #expect(try t.answer("print \"unclosed").contains("unterminated text"))
        // A line that stops where more must come goes on.
        try t.enter("let total = 40 +")
        try t.waitForLine("   ..>")
        try t.enter("  2")
        #expect(try t.answer("total") == "42")
        // Meta-commands.
        #expect(try t.answer(":help emit").contains("emit HazardReport {"))
        #expect(try t.answer(":schema").contains("key name: Text"))
        try t.enter(":time")
        try t.waitFor("Each input's time is shown.")
        #expect(try t.answer("total").contains("time: "))
        #expect(try t.answer(":nonsense").contains("unknown command ':nonsense'"))
        try t.enter(":q")
        #expect(try t.waitForExit() == 0)
    }

    @Test func tabCompletesCommandsFieldsAndNamesInQuotes() throws {
        let scratch = try ReplScratch()
        let t = try TmuxTerminal(["repl"], in: scratch.url, home: scratch.home)
        try t.waitFor("civic> ")
        #expect(try t.answer("entity Resident { key id: Text, name: Text, age: Number }") == "")
        #expect(try t.answer("programme \"Fire drill\" { capacity 5 }") == "")
        try t.type(":sch")
        try t.press("Tab")
        try t.waitForLine("civic> :schema")
        #expect(try t.answerTyped().contains("entity Resident"))
        try t.type(":help prog")
        try t.press("Tab")
        try t.waitForLine("civic> :help programme")
        try t.press("C-u")
        #expect(try t.answer("let zhang = add Resident { id: \"R1\", name: \"张三\", age: 40 }") == "")
        try t.type("zhang.na")
        try t.press("Tab")
        try t.waitForLine("civic> zhang.name")
        #expect(try t.answerTyped() == "张三")
        try t.waitForLine("civic>")
        try t.type("enrol zh")
        try t.press("Tab")
        try t.type("in \"Fi")
        try t.press("Tab")
        try t.waitForLine("civic> enrol zhang in \"Fire drill\"")
        #expect(try t.answerTyped() == "")
        #expect(try t.answer("count Resident where name == \"张三\"") == "1")
        try t.enter(":quit")
        #expect(try t.waitForExit() == 0)
    }

    @Test func ctrlCStopsTheInputThatRunsAndKeepsNothing() throws {
        let scratch = try ReplScratch()
        let t = try TmuxTerminal(["repl"], in: scratch.url, home: scratch.home)
        try t.waitFor("civic> ")
        #expect(try t.answer("var turns = 0") == "")
        try t.enter("while true { turns = turns + 1 }")
        // Once readline has taken the line, the cursor is on an empty line below it.
        try t.waitForLine("")
        try t.pressCtrlC(until: "interrupted (Ctrl-C)")
        let shown = try t.waitFor("civic> ", count: 3)
        #expect(shown.contains("input 2:1:7: error: interrupted (Ctrl-C): the input was stopped"), "\(shown)")
        #expect(shown.contains("= hint: nothing it did is kept"), "\(shown)")
        #expect(try t.answer("turns") == "0")
        #expect(try t.answer("1 + 1") == "2")
        try t.press("C-d")
        #expect(try t.waitForExit() == 0)
    }

    @Test func ctrlCWhileAnInputRunsWarnsThenStopsCivic() throws {
        let scratch = try ReplScratch()
        let t = try TmuxTerminal(["repl"], in: scratch.url, home: scratch.home)
        try t.waitFor("civic> ")
        // A built-in looks at Ctrl-C only when it ends: joining most of 100,000,000 numbers takes seconds.
        try t.enter("let xs = join(1..99999999, \",\")")
        try t.waitForLine("")
        // The first press asks the input to stop; the join looks only when it
        // ends, so a second press soon after finds it still running (waiting
        // seconds between the presses let the join end first on a busy machine).
        try t.press("C-c")
        usleep(300_000)
        try t.pressCtrlC(until: "still running: press Ctrl-C again to stop civic")
        try t.press("C-c")
        #expect(try t.waitForExit() == 130)
    }

    @Test func historySurvivesARestart() throws {
        let scratch = try ReplScratch()
        do {
            let t = try TmuxTerminal(["repl"], in: scratch.url, home: scratch.home)
            try t.waitFor("civic> ")
            #expect(try t.answer("let answer = 41 + 1") == "")
            try t.enter("fn double(x) {")
            try t.waitForLine("   ..>")
            try t.enter("  return x * 2")
            #expect(try t.answer("}") == "")
            #expect(try t.answer("double(answer)") == "84")
            #expect(try t.answer("double(answer)") == "84")
            try t.enter(":quit")
            #expect(try t.waitForExit() == 0)
        }
        let history = try String(contentsOfFile: scratch.home.appendingPathComponent(".civic_history").path, encoding: .utf8)
        #expect(history.components(separatedBy: "\n").filter { $0 == "double(answer)" }.count == 1, "no duplicate neighbours: \(history)")

        let t = try TmuxTerminal(["repl"], in: scratch.url, home: scratch.home)
        try t.waitFor("civic> ")
        try t.press("Up")
        try t.waitForLine("civic> :quit")
        try t.press("Up")
        try t.waitForLine("civic> double(answer)")
        try t.press("Up")
        // The function comes back whole, all three lines.
        try t.waitForLine("}")
        try t.waitFor("civic> fn double(x) {\n  return x * 2\n}")
        try t.press("Up")
        try t.waitForLine("civic> let answer = 41 + 1")
        try t.press("Enter")
        try t.press("Up", "Up", "Up", "Up")
        try t.waitForLine("}")
        let prompts = try t.count("civic> ")
        try t.press("Enter")
        try t.waitFor("civic> ", count: prompts + 1)
        #expect(try t.answer("double(answer)") == "84")
        try t.press("C-d")
        #expect(try t.waitForExit() == 0)
    }
}
