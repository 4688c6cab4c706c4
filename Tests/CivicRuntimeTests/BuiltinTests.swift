import Testing
import CivicSyntax
import CivicCheck
import CivicRuntime
import CivicStore

// MARK: - Helpers

/// The clock of every call here: Saturday 2026-11-28, 09:30.
private let testNow = CivicTime(year: 2026, month: 11, day: 28, hour: 9, minute: 30) ?? .earliest
private let environment = BuiltinEnvironment(now: testNow)

/// Calls a built-in. A successful call is also checked against the checker:
/// for the arguments' types, `typing` must accept them and promise a type the
/// result has.
private func call(_ name: String, _ arguments: Value..., options: FormatOptions = FormatOptions(),
                  sourceLocation: SourceLocation = #_sourceLocation) throws -> Value {
    let result = try BuiltinLibrary.call(name, arguments, BuiltinEnvironment(now: testNow, options: options))
    checkTyping(name, arguments, result, sourceLocation: sourceLocation)
    return result
}

private func checkTyping(_ name: String, _ arguments: [Value], _ result: Value,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    guard let signature = Builtins.all[name] else {
        Issue.record("no signature for \(name)", sourceLocation: sourceLocation)
        return
    }
    switch signature.typing(arguments.map(staticType)) {
    case .type(let t):
        // none stands for "nothing to give" (min of an empty list) and fits any promise.
        #expect(result == .none || staticType(result).mayBe(t), "\(name) promised \(t), gave \(result.typeName)",
                sourceLocation: sourceLocation)
    case .error(let argument, let message, _):
        Issue.record("the checker refuses a call that runs: \(name) argument \(argument): \(message)",
                     sourceLocation: sourceLocation)
    }
}

/// The type the checker would know for a literal of this value.
private func staticType(_ value: Value) -> CivicType {
    switch value {
    case .none: return .none
    case .bool: return .bool
    case .number: return .number
    case .text: return .text
    case .date: return .date
    case .time: return .time
    case .duration: return .duration
    case .range: return .list(.number)
    case .reference(let entity, _): return .entity(entity)
    case .list(let items):
        guard let first = items.first else { return .list(.any) }
        return .list(items.dropFirst().reduce(staticType(first)) { CivicType.join($0, staticType($1)) })
    case .record(let r):
        if let name = r.shape.typeName { return .entity(name) }
        return .record(RecordType(fields: zip(r.shape.names, r.values).map {
            RecordType.Field(name: $0.0, type: staticType($0.1))
        }))
    }
}

/// The error of a call that must fail, or nil (and a recorded issue) if it ran.
private func failure(_ name: String, _ arguments: Value..., sourceLocation: SourceLocation = #_sourceLocation) -> BuiltinError? {
    do {
        let v = try BuiltinLibrary.call(name, arguments, environment)
        Issue.record("\(name) should have failed, gave \(v.formatted())", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Checks that a call fails about `argument`, with a message containing `parts`.
private func expectFailure(_ name: String, _ arguments: [Value], argument: Int?, _ parts: String...,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let v = try BuiltinLibrary.call(name, arguments, environment)
        Issue.record("\(name) should have failed, gave \(v.formatted())", sourceLocation: sourceLocation)
    } catch {
        #expect(error.argument == argument, "\(error.message)", sourceLocation: sourceLocation)
        for part in parts {
            #expect(error.message.contains(part), "\"\(error.message)\" lacks \"\(part)\"", sourceLocation: sourceLocation)
        }
    }
}

private func n(_ i: Int) -> Value { .number(Number(i)) }
/// A Number from its literal; a bad literal gives none, which no test expects.
private func n(_ s: String) -> Value { Number(literal: s).map(Value.number) ?? .none }
private func t(_ s: String) -> Value { .text(s) }
private func list(_ items: Value...) -> Value { .list(items) }
private func nums(_ items: Int...) -> Value { .list(items.map { .number(Number($0)) }) }
private func texts(_ items: String...) -> Value { .list(items.map { .text($0) }) }
private func dur(_ amount: Int, _ unit: DurationUnit) -> Value {
    (try? CivicDuration(amount: Number(amount), unit: unit)).map(Value.duration) ?? .none
}
private func date(_ y: Int, _ m: Int, _ d: Int) -> Value { CivicDate(year: y, month: m, day: d).map(Value.date) ?? .none }
private func time(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Value {
    CivicTime(year: y, month: m, day: d, hour: h, minute: mi, second: s).map(Value.time) ?? .none
}
private func record(_ pairs: (String, Value)...) -> Value { .record(Record(pairs)) }
private let big = n("1000000000000000000000000000000")      // 10^30
private let bigNegative = n("-1000000000000000000000000000000")
private let trillion = n(1_000_000_000_000)

/// The type a typing closure gives, or nil if it reports an error.
private func resultType(_ name: String, _ types: [CivicType]) -> CivicType? {
    guard case .type(let t)? = Builtins.all[name]?.typing(types) else { return nil }
    return t
}

/// The error a typing closure reports, or nil if it accepts the types.
private func typingError(_ name: String, _ types: [CivicType]) -> (argument: Int, message: String, hint: String?)? {
    guard case .error(let argument, let message, let hint)? = Builtins.all[name]?.typing(types) else { return nil }
    return (argument, message, hint)
}

// MARK: - The registry

@Suite("Built-in registry")
struct RegistryTests {
    @Test func everySignatureHasAnImplementationAndBack() {
        let signatures = Set(Builtins.all.keys)
        let implementations = Set(BuiltinLibrary.implementations.keys)
        #expect(signatures.subtracting(implementations).isEmpty, "without implementation: \(signatures.subtracting(implementations).sorted())")
        #expect(implementations.subtracting(signatures).isEmpty, "without signature: \(implementations.subtracting(signatures).sorted())")
        #expect(signatures.count == 50)
    }

    @Test func namesAreSortedAndMatchTheirSignatures() {
        #expect(Builtins.names == Builtins.all.keys.sorted())
        for (name, signature) in Builtins.all {
            #expect(signature.name == name)
            #expect(!signature.summary.isEmpty)
            #expect(signature.example.contains("\(name)("), "the example of \(name) does not call it: \(signature.example)")
        }
        let inAreas = Builtins.areas.flatMap { $0.functions.map(\.name) }
        #expect(inAreas.count == Set(inAreas).count, "a name is in two areas")
        #expect(Set(inAreas) == Set(Builtins.all.keys))
    }

    @Test func theTestClockIsSet() {
        #expect(testNow.description == "2026-11-28T09:30")
    }

    @Test func aValueOfUnknownTypeAlwaysPasses() {
        for (name, signature) in Builtins.all {
            let most = min(signature.arity.upperBound, 6)
            for count in signature.arity.lowerBound...most {
                // date(year, month) is refused for its count, whatever the types.
                if name == "date" && count == 2 { continue }
                let verdict = signature.typing(Array(repeating: .any, count: count))
                if case .error(let argument, let message, _) = verdict {
                    Issue.record("\(name) with \(count) unknown values: argument \(argument): \(message)")
                }
            }
        }
    }

    @Test func arityIsChecked() {
        expectFailure("upper", [], argument: nil, "upper takes 1 argument, found 0")
        expectFailure("slice", [t("a"), n(1), n(2), n(3)], argument: nil, "slice takes 2 or 3 arguments, found 4")
        expectFailure("now", [n(1)], argument: nil, "now takes 0 arguments, found 1")
        expectFailure("min", [], argument: nil, "min takes at least 1 argument, found 0")
        expectFailure("time", [n(2026)], argument: nil, "time takes 5 or 6 arguments, found 1")
        expectFailure("date", [n(1), n(2), n(3), n(4)], argument: nil, "date takes 1 to 3 arguments, found 4")
    }

    @Test func anUnknownNameIsAnError() {
        #expect(throws: BuiltinError.self) { try BuiltinLibrary.call("no_such_thing", [], environment) }
    }

    /// Every example in the documentation runs and prints what its comment says.
    @Test func examplesPrintWhatTheySay() throws {
        // allocate needs a declared split; its examples are conformance scripts (core/split_*).
        for name in Builtins.names where name != "allocate" {
            guard let signature = Builtins.all[name] else { continue }
            let example = signature.example
            guard example.hasPrefix("print "), let hash = example.firstRange(of: "  # ") else {
                Issue.record("\(name): the example is not `print ...  # result`: \(example)")
                continue
            }
            let source = String(example[example.index(example.startIndex, offsetBy: 6)..<hash.lowerBound])
            var expected = String(example[hash.upperBound...])
            if expected.hasPrefix("e.g. ") { expected.removeFirst(5) }
            var evaluator = ExampleEvaluator(source)
            do {
                let value = try evaluator.run()
                #expect(value.formatted() == expected, "\(name): \(source) printed \(value.formatted())")
                #expect(evaluator.called.contains(name), "\(name): the example does not call it")
            } catch {
                Issue.record("\(name): \(source) failed: \(error)")
            }
        }
    }

    /// No built-in traps, whatever it is given: each returns a value or
    /// throws an error that names an argument it was given.
    @Test func oddArgumentsNeverCrash() {
        let pool: [Value] = [
            .none, t(""), t("张三"), n(0), n(-1), n("1.5"), big, n(Int.max), n(Int.min),
            .list([]), list(n(1), t("a")), .range(Int.min, Int.max), .range(5, 1),
            record(("a", n(1))), date(2026, 11, 28), time(9999, 12, 31, 23, 59), dur(-1, .month), .bool(true),
        ]
        for name in Builtins.names {
            var combinations: [[Value]] = [[]]
            for v in pool { combinations.append([v]) }
            for x in pool { for y in pool { combinations.append([x, y]) } }
            for x in pool.prefix(10) { for y in pool { for z in pool.suffix(10) { combinations.append([x, y, z]) } } }
            for arguments in combinations {
                do {
                    _ = try BuiltinLibrary.call(name, arguments, environment)
                } catch {
                    #expect(!error.message.isEmpty)
                    if let i = error.argument {
                        #expect(i >= 0 && i < arguments.count, "\(name): argument \(i) of \(arguments.count)")
                    }
                }
            }
        }
    }
}

// MARK: - Text

@Suite("Text functions")
struct TextTests {
    @Test func len() throws {
        #expect(try call("len", t("张三")) == n(2))
        #expect(try call("len", t("")) == n(0))
        #expect(try call("len", t("e\u{301}")) == n(1))
        #expect(try call("len", t("👨‍👩‍👧")) == n(1))
        #expect(try call("len", nums(1, 2, 3)) == n(3))
        #expect(try call("len", .list([])) == n(0))
        #expect(try call("len", .range(1, 10)) == n(10))
        #expect(try call("len", .range(5, 1)) == n(0))
        #expect(try call("len", .range(Int.min, Int.max)) == n("18446744073709551616"))
        #expect(try call("len", record(("building", t("B3")), ("floor", n(4)))) == n(2))
        expectFailure("len", [n(5)], argument: 0, "len needs a Text, a List or a Record, found the Number 5")
        expectFailure("len", [.none], argument: 0, "found none")
    }

    @Test func upperAndLower() throws {
        #expect(try call("upper", t("Room b3")) == t("ROOM B3"))
        #expect(try call("upper", t("张三 abc")) == t("张三 ABC"))
        #expect(try call("lower", t("Room B3")) == t("room b3"))
        #expect(try call("lower", t("")) == t(""))
        let e = failure("upper", n(5))
        #expect(e?.argument == 0)
        #expect(e?.message == "upper needs a Text, found the Number 5")
        #expect(e?.hint?.contains("text(") == true)
        expectFailure("lower", [texts("A")], argument: 0, "lower needs a Text, found a List")
    }

    @Test func trim() throws {
        #expect(try call("trim", t("  张三 \n")) == t("张三"))
        #expect(try call("trim", t("\u{3000}张三\u{3000}")) == t("张三"))
        #expect(try call("trim", t("a b")) == t("a b"))
        #expect(try call("trim", t(" \t ")) == t(""))
        expectFailure("trim", [.bool(true)], argument: 0, "trim needs a Text, found the Bool true")
    }

    @Test func contains() throws {
        #expect(try call("contains", t("欣园 B3"), t("B3")) == .bool(true))
        #expect(try call("contains", t("欣园 B3"), t("B4")) == .bool(false))
        #expect(try call("contains", t("abc"), t("")) == .bool(true))
        #expect(try call("contains", t("e\u{301}"), t("e")) == .bool(false))
        #expect(try call("contains", nums(1, 2, 3), n("2.0")) == .bool(true))
        #expect(try call("contains", nums(1, 2, 3), t("2")) == .bool(false))
        #expect(try call("contains", .list([]), .none) == .bool(false))
        #expect(try call("contains", .range(1, 10), n(5)) == .bool(true))
        #expect(try call("contains", .range(1, 10), n("5.5")) == .bool(false))
        #expect(try call("contains", .range(1, 10), n(11)) == .bool(false))
        #expect(try call("contains", list(nums(1, 2)), .range(1, 2)) == .bool(true))
        #expect(try call("contains", list(.range(1, 1_000_000_000_000)), nums(1, 2)) == .bool(false))
        expectFailure("contains", [t("abc"), n(1)], argument: 1, "contains needs a Text for what to look for in a Text")
        expectFailure("contains", [n(5), n(1)], argument: 0, "contains needs a Text or a List for the place to look in")
    }

    @Test func startsAndEndsWith() throws {
        #expect(try call("starts_with", t("13800000000"), t("138")) == .bool(true))
        #expect(try call("starts_with", t("张三丰"), t("三")) == .bool(false))
        #expect(try call("starts_with", t("abc"), t("")) == .bool(true))
        #expect(try call("ends_with", t("report.csv"), t(".csv")) == .bool(true))
        #expect(try call("ends_with", t("张三丰"), t("丰")) == .bool(true))
        #expect(try call("ends_with", t("e\u{301}"), t("\u{301}")) == .bool(false))
        #expect(try call("ends_with", t("a"), t("ba")) == .bool(false))
        expectFailure("starts_with", [n(1), t("a")], argument: 0, "starts_with needs a Text")
        expectFailure("ends_with", [t("a"), n(1)], argument: 1, "ends_with needs a Text for the end to look for")
    }

    @Test func replace() throws {
        #expect(try call("replace", t("B3-401"), t("-"), t(" room ")) == t("B3 room 401"))
        #expect(try call("replace", t("a.b.c"), t("."), t("")) == t("abc"))
        #expect(try call("replace", t("张三张三"), t("三"), t("四")) == t("张四张四"))
        #expect(try call("replace", t("aaa"), t("aa"), t("b")) == t("ba"))
        #expect(try call("replace", t("abc"), t("x"), t("y")) == t("abc"))
        expectFailure("replace", [t("abc"), t(""), t("x")], argument: 1, "not empty")
        expectFailure("replace", [t("abc"), t("a"), n(1)], argument: 2, "replace needs a Text")
        let many = try call("repeat", t("x"), n(1_000_000))
        expectFailure("replace", [many, t("x"), .text(String(repeating: "y", count: 200))], argument: nil,
                      "replace would make a Text longer than 100,000,000")
    }

    @Test func split() throws {
        #expect(try call("split", t("王芳,李强"), t(",")) == texts("王芳", "李强"))
        #expect(try call("split", t("a,,b"), t(",")) == texts("a", "", "b"))
        #expect(try call("split", t("a--b--"), t("--")) == texts("a", "b", ""))
        #expect(try call("split", t("abc"), t(",")) == texts("abc"))
        #expect(try call("split", t(""), t(",")) == .list([]))
        #expect(try call("split", t("张三"), t("")) == texts("张", "三"))
        expectFailure("split", [n(1), t(",")], argument: 0, "split needs a Text")
        expectFailure("split", [t("a"), n(1)], argument: 1, "split needs a Text for the separator, found the Number 1")
    }

    @Test func join() throws {
        #expect(try call("join", texts("王芳", "李强"), t("、")) == t("王芳、李强"))
        #expect(try call("join", texts("a", "b")) == t("ab"))
        #expect(try call("join", list(n("1.50"), t("x"), .bool(true), date(2026, 1, 2)), t(", ")) == t("1.5, x, true, 2026-01-02"))
        #expect(try call("join", .range(1, 3), t("-")) == t("1-2-3"))
        #expect(try call("join", .list([]), t(",")) == t(""))
        #expect(try call("join", list(texts("a")), t(",")) == t(#"["a"]"#))
        expectFailure("join", [t("abc")], argument: 0, "join needs a List, found the Text \"abc\"")
        expectFailure("join", [texts("a"), n(1)], argument: 1, "join needs a Text for the separator")
        expectFailure("join", [.range(1, 1_000_000_000_000)], argument: nil, "longer than 100,000,000")
    }

    @Test func joinAndTextMaskPrivateFieldsUnlessRevealed() throws {
        let shape = RecordShape(["name", "phone"], typeName: "Resident", privateFields: ["phone"])
        let row = Value.record(Record(shape: shape, values: [t("张三"), t("13800000000")]))
        let masked = try call("join", list(row))
        #expect(masked == t(#"{ name: "张三", phone: "138****0000" }"#))
        #expect(try call("text", row) == masked)
        let revealed = try call("text", row, options: FormatOptions(reveal: true))
        #expect(revealed == t(#"{ name: "张三", phone: "13800000000" }"#))
    }

    @Test func slice() throws {
        #expect(try call("slice", t("张三丰"), n(0), n(2)) == t("张三"))
        #expect(try call("slice", t("张三丰"), n(1)) == t("三丰"))
        #expect(try call("slice", t("张三丰"), n(-1)) == t("丰"))
        #expect(try call("slice", t("13800001234"), n(-4)) == t("1234"))
        #expect(try call("slice", t("张三丰"), n(0), n(100)) == t("张三丰"))
        #expect(try call("slice", t("张三丰"), n(5), n(10)) == t(""))
        #expect(try call("slice", t("张三丰"), n(2), n(1)) == t(""))
        #expect(try call("slice", t("张三丰"), n(-100), n(2)) == t("张三"))
        #expect(try call("slice", t("张三丰"), n(0), n(-1)) == t("张三"))
        #expect(try call("slice", t("张三丰"), bigNegative, big) == t("张三丰"))
        #expect(try call("slice", nums(1, 2, 3), n(1), n(2)) == nums(2))
        #expect(try call("slice", nums(1, 2, 3), n(3)) == .list([]))
        #expect(try call("slice", .range(1, 10), n(2), n(5)) == nums(3, 4, 5))
        #expect(try call("slice", .range(1, 10), n(-2)) == nums(9, 10))
        #expect(try call("slice", .range(1, 10), n(20)) == .list([]))
        #expect(try call("slice", .range(Int.min, Int.max), n(0), n(2)) == .list([n(Int.min), n(Int.min + 1)]))
        expectFailure("slice", [t("abc"), n("1.5")], argument: 1, "slice needs a whole Number for the start, found 1.5")
        expectFailure("slice", [t("abc"), n(0), t("2")], argument: 2, "slice needs a Number for the end")
        expectFailure("slice", [n(5), n(1)], argument: 0, "slice needs a Text or a List, found the Number 5")
    }

    @Test func indexOf() throws {
        #expect(try call("index_of", t("张三丰"), t("丰")) == n(2))
        #expect(try call("index_of", t("abcabc"), t("c")) == n(2))
        #expect(try call("index_of", t("abc"), t("x")) == .none)
        #expect(try call("index_of", t("abc"), t("")) == n(0))
        #expect(try call("index_of", texts("王芳", "李强"), t("李强")) == n(1))
        #expect(try call("index_of", texts("王芳"), t("李强")) == .none)
        #expect(try call("index_of", .range(10, 20), n(15)) == n(5))
        #expect(try call("index_of", .range(10, 20), n(21)) == .none)
        expectFailure("index_of", [t("abc"), n(1)], argument: 1, "index_of needs a Text")
        expectFailure("index_of", [.none, n(1)], argument: 0, "found none")
    }

    @Test func repeatText() throws {
        #expect(try call("repeat", t("ab"), n(3)) == t("ababab"))
        #expect(try call("repeat", t("★"), n(0)) == t(""))
        #expect(try call("repeat", t(""), trillion) == t(""))
        expectFailure("repeat", [t("x"), n(-1)], argument: 1, "0 or more")
        expectFailure("repeat", [t("x"), n("1.5")], argument: 1, "whole Number")
        expectFailure("repeat", [t("x"), trillion], argument: 1, "repeat would make a Text longer than 100,000,000")
        expectFailure("repeat", [t("xy"), big], argument: 1, "longer than 100,000,000")
        expectFailure("repeat", [n(1), n(2)], argument: 0, "repeat needs a Text")
    }

    @Test func padding() throws {
        #expect(try call("pad_left", t("7"), n(3), t("0")) == t("007"))
        #expect(try call("pad_left", t("7"), n(3)) == t("  7"))
        #expect(try call("pad_left", t("1234"), n(3), t("0")) == t("1234"))
        #expect(try call("pad_left", t("张"), n(3), t("·")) == t("··张"))
        #expect(try call("pad_right", t("B3"), n(4), t(".")) == t("B3.."))
        #expect(try call("pad_right", t("B3"), n(-4)) == t("B3"))
        expectFailure("pad_left", [t("7"), n(3), t("00")], argument: 2, "single character")
        expectFailure("pad_right", [t("7"), n(3), t("")], argument: 2, "single character")
        expectFailure("pad_left", [t("7"), t("3")], argument: 1, "pad_left needs a Number for the width, found the Text \"3\"")
        expectFailure("pad_right", [t("7"), trillion], argument: 1, "longer than 100,000,000")
    }

    @Test func text() throws {
        #expect(try call("text", n("0.30")) == t("0.3"))
        #expect(try call("text", t("张三")) == t("张三"))
        #expect(try call("text", list(t("a"), n(1))) == t(#"["a", 1]"#))
        #expect(try call("text", .none) == t("none"))
        #expect(try call("text", .bool(false)) == t("false"))
        #expect(try call("text", date(2026, 11, 28)) == t("2026-11-28"))
        #expect(try call("text", dur(90, .minute)) == t("1 hour 30 minutes"))
    }

    @Test func number() throws {
        #expect(try call("number", t("12.50")) == n("12.5"))
        #expect(try call("number", t("-3")) == n(-3))
        #expect(try call("number", t("1_000")) == n(1000))
        #expect(try call("number", t(" 42\n")) == n(42))
        #expect(try call("number", t("0.1")) != n("0.10000000000000001"))
        let e = failure("number", t("abc"))
        #expect(e?.argument == 0)
        #expect(e?.message == #"number cannot read "abc" as a Number"#)
        for bad in ["", "1__0", "_1", "1_", "1.2.3", "1,000", "+1", "1.", ".5", "1e3", "一"] {
            expectFailure("number", [t(bad)], argument: 0, "cannot read")
        }
        expectFailure("number", [t(String(repeating: "9", count: 35))], argument: 0, "too large")
        let already = failure("number", n(5))
        #expect(already?.argument == 0)
        #expect(already?.hint?.contains("already") == true)
    }

    @Test func fixed() throws {
        #expect(try call("fixed", n("12.3"), n(2)) == t("12.30"))
        #expect(try call("fixed", n("2.345"), n(2)) == t("2.35"))
        #expect(try call("fixed", n("-2.345"), n(2)) == t("-2.35"))
        #expect(try call("fixed", n("1.005"), n(2)) == t("1.01"))
        #expect(try call("fixed", n("2.5"), n(0)) == t("3"))
        #expect(try call("fixed", n(0), n(2)) == t("0.00"))
        #expect(try call("fixed", n(100), n(0)) == t("100"))
        expectFailure("fixed", [n(1), n(-1)], argument: 1, "from 0 to 6176")
        expectFailure("fixed", [n(1), n("1.5")], argument: 1, "for the number of decimals")
        expectFailure("fixed", [t("1"), n(2)], argument: 0, "fixed needs a Number, found the Text \"1\"")
    }
}

// MARK: - Numbers

@Suite("Number functions")
struct NumberTests {
    @Test func round() throws {
        #expect(try call("round", n("2.5")) == n(3))
        #expect(try call("round", n("-2.5")) == n(-3))
        #expect(try call("round", n("2.4")) == n(2))
        #expect(try call("round", n("2.345"), n(2)) == n("2.35"))
        #expect(try call("round", n(1234), n(-2)) == n(1200))
        #expect(try call("round", n(1250), n(-2)) == n(1300))
        #expect(try call("round", n("1.5"), big) == n("1.5"))
        #expect(try call("round", n("1.5"), bigNegative) == n(0))
        expectFailure("round", [t("1")], argument: 0, "round needs a Number")
        expectFailure("round", [n(1), t("2")], argument: 1, "round needs a Number for the number of decimals")
        expectFailure("round", [n(String(repeating: "9", count: 34)), n(-1)], argument: nil, "too large")
    }

    @Test func floorAndCeil() throws {
        #expect(try call("floor", n("-2.5")) == n(-3))
        #expect(try call("floor", n("2.5")) == n(2))
        #expect(try call("floor", n(7)) == n(7))
        #expect(try call("ceil", n("2.1")) == n(3))
        #expect(try call("ceil", n("-2.1")) == n(-2))
        expectFailure("floor", [.none], argument: 0, "floor needs a Number, found none")
        expectFailure("ceil", [t("1")], argument: 0, "ceil needs a Number")
    }

    @Test func abs() throws {
        #expect(try call("abs", n("-3.5")) == n("3.5"))
        #expect(try call("abs", n(4)) == n(4))
        #expect(try call("abs", dur(-2, .hour)) == dur(2, .hour))
        #expect(try call("abs", dur(-1, .year)) == dur(12, .month))
        expectFailure("abs", [.duration(CivicDuration(months: 1, seconds: -86_400))], argument: 0, "no fixed length")
        expectFailure("abs", [t("x")], argument: 0, "abs needs a Number or a Duration")
    }

    @Test func minAndMaxOfSeveralValues() throws {
        #expect(try call("min", n(3), n("1.5"), n(2)) == n("1.5"))
        #expect(try call("max", n(3), n("1.5"), n(2)) == n(3))
        #expect(try call("max", date(2026, 1, 5), date(2026, 3, 1)) == date(2026, 3, 1))
        #expect(try call("min", t("b"), t("B"), t("张")) == t("B"))
        #expect(try call("max", dur(1, .hour), dur(90, .minute)) == dur(90, .minute))
        #expect(try call("min", .bool(true), .bool(false)) == .bool(false))
        expectFailure("min", [n(3), t("a")], argument: 1, #"min cannot compare the Number 3 with the Text "a""#)
        expectFailure("max", [.none, n(1)], argument: 0, "max cannot compare none with the Number 1")
        expectFailure("max", [dur(1, .month), dur(30, .day)], argument: 1, "cannot compare")
    }

    @Test func minAndMaxOfOneList() throws {
        #expect(try call("min", nums(3, 1, 2)) == n(1))
        #expect(try call("max", nums(3, 1, 2)) == n(3))
        #expect(try call("max", list(date(2026, 1, 5), date(2026, 3, 1))) == date(2026, 3, 1))
        #expect(try call("min", .range(4, 9)) == n(4))
        #expect(try call("max", .range(4, 9)) == n(9))
        #expect(try call("max", nums(7)) == n(7))
        #expect(try call("min", .list([])) == .none)
        #expect(try call("max", .range(5, 1)) == .none)
        expectFailure("min", [list(n(1), t("a"))], argument: 0, #"min cannot compare the Number 1 with the Text "a""#)
        let single = failure("min", n(5))
        #expect(single?.argument == 0)
        #expect(single?.message == "min needs a List, found the Number 5")
        #expect(single?.hint?.contains("several values") == true)
    }

    @Test func sum() throws {
        #expect(try call("sum", list(n("0.1"), n("0.2"))) == n("0.3"))
        #expect(try call("sum", .list([])) == n(0))
        #expect(try call("sum", list(dur(1, .hour), dur(30, .minute))) == dur(90, .minute))
        #expect(try call("sum", .range(1, 100)) == n(5050))
        #expect(try call("sum", .range(1, 1_000_000_000_000)) == n("500000000000500000000000"))
        #expect(try call("sum", .range(Int.min, Int.max)) == n(Int.min))
        expectFailure("sum", [list(n(1), t("a"))], argument: 0, #"sum needs a List of Numbers, but it holds the Text "a""#)
        expectFailure("sum", [list(dur(1, .hour), n(1))], argument: 0, "List of Durations")
        expectFailure("sum", [texts("a")], argument: 0, "Numbers or Durations")
        expectFailure("sum", [t("1,2")], argument: 0, "sum needs a List")
        expectFailure("sum", [list(n(String(repeating: "9", count: 34)), n(1))], argument: 0, "too large")
    }

    @Test func average() throws {
        #expect(try call("average", nums(70, 72, 81, 80)) == n("75.75"))
        #expect(try call("average", nums(1, 2)) == n("1.5"))
        #expect(try call("average", nums(1, 2, 2)) == n("1.666666666666666666666666666666667"))
        #expect(try call("average", .range(1, 4)) == n("2.5"))
        #expect(try call("average", .list([])) == .none)
        expectFailure("average", [list(n(1), .none)], argument: 0, "holds none")
        expectFailure("average", [n(1)], argument: 0, "average needs a List")
    }
}

// MARK: - Lists

@Suite("List functions")
struct ListTests {
    @Test func countAndExists() throws {
        #expect(try call("count", texts("王芳", "李强")) == n(2))
        #expect(try call("count", .list([])) == n(0))
        #expect(try call("count", .range(1, 1_000_000_000_000)) == trillion)
        #expect(try call("exists", .list([])) == .bool(false))
        #expect(try call("exists", list(.none)) == .bool(true))
        #expect(try call("exists", .range(5, 1)) == .bool(false))
        #expect(try call("exists", .range(1, 1)) == .bool(true))
        let e = failure("count", t("abc"))
        #expect(e?.argument == 0)
        #expect(e?.hint?.contains("len(") == true)
        expectFailure("exists", [n(0)], argument: 0, "exists needs a List, found the Number 0")
    }

    @Test func firstAndLast() throws {
        #expect(try call("first", texts("王芳", "李强")) == t("王芳"))
        #expect(try call("last", texts("王芳", "李强")) == t("李强"))
        #expect(try call("first", .list([])) == .none)
        #expect(try call("last", .list([])) == .none)
        #expect(try call("first", .range(3, 9)) == n(3))
        #expect(try call("last", .range(3, 9)) == n(9))
        #expect(try call("last", .range(9, 3)) == .none)
        expectFailure("first", [t("abc")], argument: 0, "first needs a List")
    }

    @Test func sort() throws {
        #expect(try call("sort", nums(3, 1, 2)) == nums(1, 2, 3))
        #expect(try call("sort", nums(3, 1, 2), .bool(true)) == nums(3, 2, 1))
        #expect(try call("sort", texts("b", "B", "张", "a")) == texts("B", "a", "b", "张"))
        #expect(try call("sort", list(date(2026, 3, 1), date(2025, 1, 1))) == list(date(2025, 1, 1), date(2026, 3, 1)))
        #expect(try call("sort", list(dur(2, .hour), dur(1, .day), dur(30, .minute))) == list(dur(30, .minute), dur(2, .hour), dur(1, .day)))
        #expect(try call("sort", .list([])) == .list([]))
                #expect(try call("sort", .range(1, 3)) == nums(1, 2, 3))
        #expect(try call("sort", .range(1, 3), .bool(true)) == nums(3, 2, 1))
        let numbers = (0..<100).map { Value.number(Number(($0 * 37) % 100)) }
        #expect(try call("sort", .list(numbers)) == .list((0..<100).map { Value.number(Number($0)) }))
    }

    /// Equal items keep their order: a composed and a decomposed "é" are the
    /// same text to `==` and to the order, but their scalars tell them apart.
    @Test func sortIsStable() throws {
        let composed = "\u{e9}", decomposed = "e\u{301}"
        let input = texts(decomposed, "b", composed, "a", decomposed)
        func scalars(_ v: Value) -> [[UInt32]] {
            (v.items ?? []).map { item in
                if case .text(let s) = item { return s.unicodeScalars.map(\.value) }
                return []
            }
        }
        let up = try call("sort", input)
        #expect(scalars(up) == [[0x61], [0x62], [0x65, 0x301], [0xe9], [0x65, 0x301]])
        let down = try call("sort", input, .bool(true))
        #expect(scalars(down) == [[0x65, 0x301], [0xe9], [0x65, 0x301], [0x62], [0x61]])

        // Forty items, three letters, each composed or not: the result must be
        // the items in order of letter, and of position among equal letters.
        let letters: [(composed: String, decomposed: String)] = [("\u{e1}", "a\u{301}"), ("\u{e9}", "e\u{301}"), ("\u{f3}", "o\u{301}")]
        let keys = (0..<40).map { ($0 * 7 + $0 / 5) % 3 }
        let many = Value.list((0..<40).map { i in
            .text(i / 3 % 2 == 0 ? letters[keys[i]].composed : letters[keys[i]].decomposed)
        })
        let expectedUp = (0..<40).sorted { (keys[$0], $0) < (keys[$1], $1) }
        let expectedDown = (0..<40).sorted { (-keys[$0], $0) < (-keys[$1], $1) }
        let all = scalars(many)
        #expect(scalars(try call("sort", many)) == expectedUp.map { all[$0] })
        #expect(scalars(try call("sort", many, .bool(true))) == expectedDown.map { all[$0] })
    }

    @Test func sortNamesTheItemsItCannotCompare() {
        expectFailure("sort", [list(n(3), t("a"))], argument: 0, #"sort cannot compare the Number 3 with the Text "a""#)
        expectFailure("sort", [list(dur(1, .month), dur(30, .day))], argument: 0, "sort cannot compare the Duration 1 month with the Duration 4 weeks 2 days")
        expectFailure("sort", [list(nums(1), nums(2))], argument: 0, "sort cannot compare a List")
        // Even one item that cannot be compared is refused, as the checker does.
        expectFailure("sort", [list(.none)], argument: 0, "sort cannot compare none")
        expectFailure("max", [list(record(("a", n(1))))], argument: 0, "max cannot compare a Record")
        expectFailure("sort", [nums(1), t("yes")], argument: 1, "sort needs true or false for descending")
        expectFailure("sort", [.range(Int.min, Int.max), .bool(true)], argument: nil, "longer than 100,000,000")
    }

    @Test func reverse() throws {
        #expect(try call("reverse", t("张三")) == t("三张"))
        #expect(try call("reverse", t("e\u{301}x")) == t("xe\u{301}"))
        #expect(try call("reverse", nums(1, 2, 3)) == nums(3, 2, 1))
        #expect(try call("reverse", .range(1, 3)) == nums(3, 2, 1))
        #expect(try call("reverse", .list([])) == .list([]))
        expectFailure("reverse", [n(12)], argument: 0, "reverse needs a Text or a List")
        expectFailure("reverse", [.range(1, 1_000_000_000_000)], argument: nil, "longer than 100,000,000")
    }

    @Test func append() throws {
        let staff = texts("王芳")
        #expect(try call("append", staff, t("李强")) == texts("王芳", "李强"))
        #expect(staff == texts("王芳"))
        #expect(try call("append", .list([]), .none) == list(.none))
        #expect(try call("append", .range(1, 2), n(3)) == nums(1, 2, 3))
        expectFailure("append", [t("a"), n(1)], argument: 0, "append needs a List")
        expectFailure("append", [.range(1, 1_000_000_000_000), n(1)], argument: 0, "longer than 100,000,000")
    }

    @Test func unique() throws {
        #expect(try call("unique", texts("B3", "A1", "B3")) == texts("B3", "A1"))
        #expect(try call("unique", list(n(1), n("1.0"), n(2), n(1))) == nums(1, 2))
        #expect(try call("unique", list(nums(1, 2), .range(1, 2), nums(2, 1))) == list(nums(1, 2), nums(2, 1)))
        #expect(try call("unique", texts("\u{e9}", "e\u{301}")) == texts("\u{e9}"))
        #expect(try call("unique", list(dur(1, .year), dur(12, .month), .none, .none)) == list(dur(1, .year), .none))
        #expect(try call("unique", .list([])) == .list([]))
        #expect(try call("unique", .range(1, 5)) == nums(1, 2, 3, 4, 5))
        expectFailure("unique", [t("aab")], argument: 0, "unique needs a List")
    }

    @Test func keys() throws {
        #expect(try call("keys", record(("building", t("B3")), ("floor", n(4)))) == texts("building", "floor"))
        #expect(try call("keys", record()) == .list([]))
        let row = Value.record(Record(shape: RecordShape(["id", "名字"], typeName: "居民"), values: [t("R1"), t("张三")]))
        #expect(try call("keys", row) == texts("id", "名字"))
        expectFailure("keys", [nums(1)], argument: 0, "keys needs a Record, found a List")
    }

    @Test func range() throws {
        #expect(try call("range", n(1), n(5)) == nums(1, 2, 3, 4, 5))
        #expect(try call("range", n(-2), n(0)) == nums(-2, -1, 0))
        #expect(try call("range", n(5), n(1)) == .list([]))
        #expect(try call("range", n(1), trillion) == .range(1, 1_000_000_000_000))
        expectFailure("range", [n("1.5"), n(3)], argument: 0, "range needs a whole Number for the start, found 1.5")
        expectFailure("range", [n(1), t("3")], argument: 1, "range needs a Number for the end")
        expectFailure("range", [n(0), big], argument: 1, "too large")
        expectFailure("range", [n(Int.min), n(Int.max)], argument: 1, "too many")
    }
}

// MARK: - Dates

@Suite("Date functions")
struct DateTests {
    @Test func makingDates() throws {
        #expect(try call("date", n(2026), n(11), n(28)) == date(2026, 11, 28))
        #expect(try call("date", n(2024), n(2), n(29)) == date(2024, 2, 29))
        #expect(try call("date", time(2026, 11, 28, 23, 59)) == date(2026, 11, 28))
        #expect(try call("date", date(2026, 1, 1)) == date(2026, 1, 1))
        expectFailure("date", [n(2026), n(2), n(29)], argument: 2, "February 2026 has no day 29: it has 28 days")
        expectFailure("date", [n(2026), n(13), n(1)], argument: 1, "date needs a whole Number from 1 to 12 for the month, found 13")
        expectFailure("date", [n(0), n(1), n(1)], argument: 0, "from 1 to 9999 for the year")
        expectFailure("date", [n("2026.5"), n(1), n(1)], argument: 0, "found 2026.5")
        expectFailure("date", [n(2026)], argument: 0, "date needs a month and a day after the year")
        expectFailure("date", [n(2026), n(11)], argument: 1, "date needs a day after the month")
        expectFailure("date", [t("2026-11-28")], argument: 0, "date needs a Time, or a year, month and day")
    }

    @Test func makingTimes() throws {
        #expect(try call("time", n(2026), n(11), n(28), n(9), n(30)) == time(2026, 11, 28, 9, 30))
        #expect(try call("time", n(2026), n(11), n(28), n(9), n(30), n(15)) == time(2026, 11, 28, 9, 30, 15))
        #expect(try call("text", try call("time", n(2026), n(11), n(28), n(9), n(30))) == t("2026-11-28T09:30"))
        expectFailure("time", [n(2026), n(11), n(28), n(24), n(0)], argument: 3, "from 0 to 23 for the hour")
        expectFailure("time", [n(2026), n(11), n(28), n(9), n(60)], argument: 4, "from 0 to 59 for the minute")
        expectFailure("time", [n(2026), n(11), n(28), n(9), n(0), n(60)], argument: 5, "for the second")
        expectFailure("time", [n(2026), n(11), n(31), n(9), n(0)], argument: 2, "November 2026 has no day 31")
        expectFailure("time", [n(2026), n(11), n(28), t("9"), n(0)], argument: 3, "time needs a Number for the hour")
    }

    @Test func parts() throws {
        #expect(try call("year", date(2026, 11, 28)) == n(2026))
        #expect(try call("month", date(2026, 11, 28)) == n(11))
        #expect(try call("day", date(2026, 11, 28)) == n(28))
        #expect(try call("year", time(1999, 12, 31, 23, 59)) == n(1999))
        #expect(try call("day", time(2026, 11, 28, 9, 30)) == n(28))
        #expect(try call("weekday", date(2026, 11, 28)) == n(6))
        #expect(try call("weekday", date(2026, 11, 29)) == n(7))
        #expect(try call("weekday", date(2026, 11, 30)) == n(1))
        #expect(try call("weekday", time(2026, 11, 30, 23, 0)) == n(1))
        #expect(try call("hour", time(2026, 11, 28, 9, 30)) == n(9))
        #expect(try call("minute", time(2026, 11, 28, 9, 30)) == n(30))
        #expect(try call("hour", time(2026, 11, 28, 0, 5)) == n(0))
        expectFailure("year", [t("2026")], argument: 0, "year needs a Date or a Time")
        let e = failure("hour", date(2026, 11, 28))
        #expect(e?.argument == 0)
        #expect(e?.message == "hour needs a Time, found the Date 2026-11-28")
        #expect(e?.hint?.contains("no time of day") == true)
    }

    @Test func nowAndToday() throws {
        #expect(try call("now") == .time(testNow))
        #expect(try call("today") == date(2026, 11, 28))
        let later = CivicTime(year: 2027, month: 1, day: 1, hour: 0, minute: 0) ?? .earliest
        #expect(try BuiltinLibrary.call("today", [], BuiltinEnvironment(now: later)) == date(2027, 1, 1))
    }

    @Test func durationParts() throws {
        #expect(try call("days", dur(36, .hour)) == n(1))
        #expect(try call("days", dur(-36, .hour)) == n(-1))
        #expect(try call("days", dur(2, .week)) == n(14))
        #expect(try call("hours", dur(90, .minute)) == n("1.5"))
        #expect(try call("hours", dur(1, .day)) == n(24))
        #expect(try call("minutes", dur(2, .hour)) == n(120))
        #expect(try call("minutes", .duration(CivicDuration(seconds: 90))) == n("1.5"))
        expectFailure("days", [dur(1, .month)], argument: 0, "days cannot count the days in 1 month")
        expectFailure("hours", [.duration(CivicDuration(months: 1, seconds: 3_600))], argument: 0, "no fixed length")
        expectFailure("hours", [n(5)], argument: 0, "hours needs a Duration, found the Number 5")
    }
}

// MARK: - Order

@Suite("Value order")
struct OrderTests {
    @Test func comparablePairs() {
        #expect(Value.order(n(1), n("1.0")) == 0)
        #expect(Value.order(n("-0.5"), n(0)) == -1)
        #expect(Value.order(t("B"), t("a")) == -1)
        #expect(Value.order(t("张"), t("李")) == -1)
        #expect(Value.order(t("ab"), t("a")) == 1)
        #expect(Value.order(t("\u{e9}"), t("e\u{301}")) == 0)
        #expect(Value.order(date(2026, 1, 2), date(2026, 1, 1)) == 1)
        #expect(Value.order(time(2026, 1, 1, 9, 0), time(2026, 1, 1, 9, 0)) == 0)
        #expect(Value.order(dur(1, .hour), dur(59, .minute)) == 1)
        #expect(Value.order(dur(1, .year), dur(13, .month)) == -1)
        #expect(Value.order(.bool(false), .bool(true)) == -1)
    }

    @Test func incomparablePairs() {
        #expect(Value.order(n(1), t("1")) == nil)
        #expect(Value.order(.none, .none) == nil)
        #expect(Value.order(date(2026, 1, 1), time(2026, 1, 1, 0, 0)) == nil)
        #expect(Value.order(dur(1, .month), dur(30, .day)) == nil)
        #expect(Value.order(nums(1), nums(1)) == nil)
        #expect(Value.order(.range(1, 2), nums(1, 2)) == nil)
    }
}

// MARK: - Typing

@Suite("Built-in typing")
struct TypingTests {
    @Test func knownWrongTypesAreErrors() {
        let upper = typingError("upper", [.number])
        #expect(upper?.argument == 0)
        #expect(upper?.message == "upper needs a Text, found a Number")
        #expect(upper?.hint?.contains("text(") == true)
        #expect(typingError("upper", [.none])?.message == "upper needs a Text, found none")
        #expect(typingError("pad_left", [.text, .text])?.message == "pad_left needs a Number for the width, found a Text")
        #expect(typingError("pad_left", [.text, .text])?.hint?.contains("number(") == true)
        #expect(typingError("pad_right", [.text, .number, .number])?.argument == 2)
        #expect(typingError("len", [.bool])?.message == "len needs a Text, a List or a Record, found a Bool")
        #expect(typingError("contains", [.text, .number])?.argument == 1)
        #expect(typingError("contains", [.number, .any])?.argument == 0)
        #expect(typingError("join", [.list(.text), .number])?.argument == 1)
        #expect(typingError("join", [.text])?.message == "join needs a List, found a Text")
        #expect(typingError("slice", [.number, .number])?.argument == 0)
        #expect(typingError("slice", [.text, .text])?.argument == 1)
        #expect(typingError("number", [.number])?.hint?.contains("already") == true)
        #expect(typingError("fixed", [.text, .number])?.argument == 0)
        #expect(typingError("round", [.number, .bool])?.argument == 1)
        #expect(typingError("abs", [.text])?.message == "abs needs a Number or a Duration, found a Text")
        #expect(typingError("sum", [.list(.text)])?.message == "sum needs a List of Numbers or Durations, found a List of Text")
        #expect(typingError("average", [.list(.duration)])?.argument == 0)
        #expect(typingError("count", [.text])?.argument == 0)
        #expect(typingError("sort", [.list(.list(.number))])?.argument == 0)
        #expect(typingError("sort", [.list(.number), .number])?.message == "sort needs true or false for descending, found a Number")
        #expect(typingError("keys", [.number])?.message == "keys needs a Record, found a Number")
        #expect(typingError("range", [.number, .text])?.argument == 1)
        #expect(typingError("date", [.number])?.argument == 0)
        #expect(typingError("date", [.number, .number])?.argument == 1)
        #expect(typingError("date", [.number, .text, .number])?.argument == 1)
        #expect(typingError("date", [.text])?.argument == 0)
        #expect(typingError("time", [.number, .number, .number, .number, .date])?.argument == 4)
        #expect(typingError("year", [.duration])?.message == "year needs a Date or a Time, found a Duration")
        #expect(typingError("hour", [.date])?.message == "hour needs a Time, found a Date")
        #expect(typingError("days", [.number])?.argument == 0)
    }

    @Test func minAndMaxTyping() {
        #expect(typingError("min", [.number])?.message == "min needs a List or several values, found a Number")
        #expect(typingError("min", [.number, .text])?.message == "min cannot compare a Text with a Number")
        #expect(typingError("min", [.number, .text])?.argument == 1)
        #expect(typingError("max", [.number, .list(.number)])?.argument == 1)
        #expect(typingError("max", [.list(.record(RecordType(fields: [])))])?.argument == 0)
        #expect(resultType("min", [.number, .any, .number]) == .number)
        #expect(resultType("max", [.list(.date)]) == .date)
        #expect(resultType("max", [.any, .any]) == .any)
        #expect(resultType("min", [.any]) == .any)
    }

    @Test func resultTypes() {
        #expect(resultType("len", [.entity("Resident")]) == .number)
        #expect(resultType("upper", [.any]) == .text)
        #expect(resultType("split", [.text, .text]) == .list(.text))
        #expect(resultType("slice", [.text, .number]) == .text)
        #expect(resultType("slice", [.list(.date), .number, .number]) == .list(.date))
        #expect(resultType("contains", [.list(.number), .text]) == .bool)
        #expect(resultType("index_of", [.text, .text]) == .any)
        #expect(resultType("text", [.list(.any)]) == .text)
        #expect(resultType("abs", [.duration]) == .duration)
        #expect(resultType("sum", [.list(.duration)]) == .duration)
        #expect(resultType("sum", [.list(.number)]) == .number)
        #expect(resultType("sum", [.list(.any)]) == .any)
        #expect(resultType("first", [.list(.number)]) == .any)
        #expect(resultType("sort", [.list(.text), .bool]) == .list(.text))
        #expect(resultType("reverse", [.text]) == .text)
        #expect(resultType("append", [.list(.number), .number]) == .list(.number))
        #expect(resultType("append", [.list(.number), .text]) == .list(.any))
        #expect(resultType("keys", [.event("HazardReport")]) == .list(.text))
        #expect(resultType("range", [.number, .number]) == .list(.number))
        #expect(resultType("date", [.time]) == .date)
        #expect(resultType("date", [.number, .number, .number]) == .date)
        #expect(resultType("time", [.number, .number, .number, .number, .number]) == .time)
        #expect(resultType("now", []) == .time)
        #expect(resultType("today", []) == .date)
        #expect(resultType("hours", [.duration]) == .number)
    }
}

// MARK: - Running the examples

/// Reads and runs the expression of a documentation example: literals
/// (numbers, texts, dates, times, durations, lists, records, true, false,
/// none), calls of built-ins, unary minus and `+`.
private struct ExampleEvaluator {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let chars: [Character]
    var i = 0
    /// The built-ins called, in order.
    var called: [String] = []

    init(_ source: String) { chars = Array(source) }

    var peek: Character? { i < chars.count ? chars[i] : nil }

    mutating func skipSpaces() {
        while let c = peek, c == " " { i += 1 }
    }

    mutating func expect(_ c: Character) throws {
        skipSpaces()
        guard peek == c else { throw Failure(description: "expected \(c) at \(i)") }
        i += 1
    }

    mutating func run() throws -> Value {
        let v = try expression()
        skipSpaces()
        guard i == chars.count else { throw Failure(description: "unread text at \(i)") }
        return v
    }

    mutating func expression() throws -> Value {
        var v = try unary()
        skipSpaces()
        while peek == "+" {
            i += 1
            let r = try unary()
            switch (v, r) {
            case (.number(let a), .number(let b)): v = .number(try a.adding(b))
            case (.text(let a), .text(let b)): v = .text(a + b)
            default: throw Failure(description: "cannot add \(v.typeName) and \(r.typeName)")
            }
            skipSpaces()
        }
        return v
    }

    mutating func unary() throws -> Value {
        skipSpaces()
        if peek == "-" {
            i += 1
            guard case .number(let x) = try primary() else { throw Failure(description: "minus of a non-number") }
            return .number(x.negated)
        }
        return try primary()
    }

    mutating func word() -> String {
        var s = ""
        while let c = peek, c.isLetter || c == "_" || c.isNumber { s.append(c); i += 1 }
        return s
    }

    mutating func primary() throws -> Value {
        skipSpaces()
        guard let c = peek else { throw Failure(description: "unexpected end") }
        if c == "\"" {
            i += 1
            var s = ""
            while let d = peek, d != "\"" {
                if d == "\\" { i += 1 }
                if let e = peek { s.append(e) }
                i += 1
            }
            i += 1
            return .text(s)
        }
        if c == "[" {
            i += 1
            var items: [Value] = []
            skipSpaces()
            if peek == "]" { i += 1; return .list(items) }
            while true {
                items.append(try expression())
                skipSpaces()
                if peek == "," { i += 1; continue }
                try expect("]")
                return .list(items)
            }
        }
        if c == "{" {
            i += 1
            var pairs: [(String, Value)] = []
            skipSpaces()
            if peek == "}" { i += 1; return .record(Record(pairs)) }
            while true {
                skipSpaces()
                let name = word()
                try expect(":")
                pairs.append((name, try expression()))
                skipSpaces()
                if peek == "," { i += 1; continue }
                try expect("}")
                return .record(Record(pairs))
            }
        }
        if c.isASCII && c.isNumber {
            var s = ""
            while let d = peek, d.isASCII && (d.isNumber || d == "." || d == "-" || d == "T" || d == ":") {
                s.append(d)
                i += 1
            }
            if s.contains("T"), let t = CivicTime(iso: s) { return .time(t) }
            if s.contains("-"), let d = CivicDate(iso: s) { return .date(d) }
            guard let number = Number(literal: s) else { throw Failure(description: "bad number \(s)") }
            let save = i
            skipSpaces()
            let unitWord = word()
            if let unit = DurationUnit.unit(named: unitWord) {
                return .duration(try CivicDuration(amount: number, unit: unit))
            }
            i = save
            return .number(number)
        }
        let name = word()
        switch name {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "none": return .none
        case "": throw Failure(description: "unexpected \(c)")
        default: break
        }
        try expect("(")
        var arguments: [Value] = []
        skipSpaces()
        if peek == ")" {
            i += 1
        } else {
            while true {
                arguments.append(try expression())
                skipSpaces()
                if peek == "," { i += 1; continue }
                try expect(")")
                break
            }
        }
        called.append(name)
        let result = try BuiltinLibrary.call(name, arguments, environment)
        checkTyping(name, arguments, result)
        return result
    }
}
