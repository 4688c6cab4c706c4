/// The built-in functions as the checker sees them: names, parameters, what
/// they give back for given argument types, and their one-line documentation.
///
/// A `typing` closure reports an error only when an argument's type is known
/// and certainly wrong: a value whose type is not known until the script runs
/// (`CivicType.any`) always passes, and the run checks it (see
/// `BuiltinLibrary` in CivicRuntime, which implements every name here).
public enum Builtins {
    /// Every built-in function, by name.
    public static let all: [String: BuiltinSignature] = {
        var table: [String: BuiltinSignature] = [:]
        for area in areas {
            for signature in area.functions { table[signature.name] = signature }
        }
        return table
    }()

    /// The names of all built-in functions, sorted.
    public static let names: [String] = all.keys.sorted()

    /// The functions grouped by area (Text, Numbers, Lists, Dates), in the
    /// order the reference lists them.
    public static let areas: [BuiltinArea] = [
        BuiltinArea(name: "Text", functions: textFunctions),
        BuiltinArea(name: "Numbers", functions: numberFunctions),
        BuiltinArea(name: "Lists", functions: listFunctions),
        BuiltinArea(name: "Dates", functions: dateFunctions),
        BuiltinArea(name: "Splitting", functions: splitFunctions),
    ]
}

/// One area of the library, for the reference and for help.
public struct BuiltinArea: Sendable {
    public var name: String
    public var functions: [BuiltinSignature]

    public init(name: String, functions: [BuiltinSignature]) {
        self.name = name
        self.functions = functions
    }
}

// MARK: - Text

extension Builtins {
    static let textFunctions: [BuiltinSignature] = [
        BuiltinSignature(
            "len", ["value"],
            summary: "How many characters a Text has, how many items a List has, or how many fields a Record has.",
            example: #"print len("张三")  # 2"#
        ) { types in
            let t = arg(types, 0)
            guard isText(t) || isList(t) || isRecord(t) else {
                return wrong("len", 0, nil, "a Text, a List or a Record", t)
            }
            return .type(.number)
        },
        BuiltinSignature(
            "upper", ["text"],
            summary: "The text with its letters in capitals.",
            example: #"print upper("Room b3")  # ROOM B3"#
        ) { types in
            textToText("upper", types)
        },
        BuiltinSignature(
            "lower", ["text"],
            summary: "The text with its letters in small letters.",
            example: #"print lower("Room B3")  # room b3"#
        ) { types in
            textToText("lower", types)
        },
        BuiltinSignature(
            "trim", ["text"],
            summary: "The text without the spaces and line ends at its start and end.",
            example: #"print len(trim("  张三 "))  # 2"#
        ) { types in
            textToText("trim", types)
        },
        BuiltinSignature(
            "contains", ["text_or_list", "item"],
            summary: "Whether a Text contains another Text, or a List contains an item.",
            example: #"print contains("欣园 B3", "B3")  # true"#
        ) { types in
            lookIn("contains", types, result: .bool)
        },
        BuiltinSignature(
            "starts_with", ["text", "prefix"],
            summary: "Whether the text starts with the prefix.",
            example: #"print starts_with("13800000000", "138")  # true"#
        ) { types in
            if let e = need("starts_with", types, 0, nil, .text) { return e }
            if let e = need("starts_with", types, 1, "the start to look for", .text) { return e }
            return .type(.bool)
        },
        BuiltinSignature(
            "ends_with", ["text", "suffix"],
            summary: "Whether the text ends with the suffix.",
            example: #"print ends_with("report.csv", ".csv")  # true"#
        ) { types in
            if let e = need("ends_with", types, 0, nil, .text) { return e }
            if let e = need("ends_with", types, 1, "the end to look for", .text) { return e }
            return .type(.bool)
        },
        BuiltinSignature(
            "replace", ["text", "old", "new"],
            summary: "The text with every occurrence of old replaced by new.",
            example: #"print replace("B3-401", "-", " room ")  # B3 room 401"#
        ) { types in
            if let e = need("replace", types, 0, nil, .text) { return e }
            if let e = need("replace", types, 1, "the text to replace", .text) { return e }
            if let e = need("replace", types, 2, "the text to put in its place", .text) { return e }
            return .type(.text)
        },
        BuiltinSignature(
            "split", ["text", "separator"],
            summary: "The pieces of the text between the separators, as a List of Text; an empty separator splits it into characters, and an empty text gives an empty List.",
            example: #"print split("王芳,李强", ",")  # ["王芳", "李强"]"#
        ) { types in
            if let e = need("split", types, 0, nil, .text) { return e }
            if let e = need("split", types, 1, "the separator", .text) { return e }
            return .type(.list(.text))
        },
        BuiltinSignature(
            "join", ["list", "separator?"],
            summary: "The items of a list written one after another, as print writes them, with the separator between them.",
            example: #"print join(["王芳", "李强"], "、")  # 王芳、李强"#
        ) { types in
            if let e = need("join", types, 0, nil, .list(.any)) { return e }
            if let e = need("join", types, 1, "the separator", .text) { return e }
            return .type(.text)
        },
        BuiltinSignature(
            "slice", ["text_or_list", "from", "to?"],
            summary: "The part of a Text or List from position from (counting from 0) up to, not including, position to (the end unless given); a negative position counts from the end, and a position past either end stops there.",
            example: #"print slice("张三丰", 0, 2)  # 张三"#
        ) { types in
            let t = arg(types, 0)
            guard isText(t) || isList(t) else {
                return wrong("slice", 0, nil, "a Text or a List", t)
            }
            if let e = need("slice", types, 1, "the start", .number) { return e }
            if let e = need("slice", types, 2, "the end", .number) { return e }
            return .type(t)
        },
        BuiltinSignature(
            "index_of", ["text_or_list", "item"],
            summary: "The position (counting from 0) where the item first appears in a Text or List, or none if it does not.",
            example: #"print index_of(["王芳", "李强"], "李强")  # 1"#
        ) { types in
            // A Number, or none when not found.
            lookIn("index_of", types, result: .any)
        },
        BuiltinSignature(
            "repeat", ["text", "times"],
            summary: "The text written the given number of times (0 or more).",
            example: #"print repeat("★", 3)  # ★★★"#
        ) { types in
            if let e = need("repeat", types, 0, nil, .text) { return e }
            if let e = need("repeat", types, 1, "the number of times", .number) { return e }
            return .type(.text)
        },
        BuiltinSignature(
            "pad_left", ["text", "width", "fill?"],
            summary: "The text made width characters long by adding fill (one character, a space unless given) on its left; a longer text is kept as it is.",
            example: #"print pad_left("7", 3, "0")  # 007"#
        ) { types in
            pad("pad_left", types)
        },
        BuiltinSignature(
            "pad_right", ["text", "width", "fill?"],
            summary: "The text made width characters long by adding fill (one character, a space unless given) on its right; a longer text is kept as it is.",
            example: #"print pad_right("B3", 4, ".") + "|"  # B3..|"#
        ) { types in
            pad("pad_right", types)
        },
        BuiltinSignature(
            "text", ["value"],
            summary: "Any value as a Text, written the way print writes it.",
            example: #"print text(0.1 + 0.2) + " kg"  # 0.3 kg"#
        ) { _ in
            .type(.text)
        },
        BuiltinSignature(
            "number", ["text"],
            summary: "The exact Number written in a Text, such as \"12.50\", \"-3\" or \"1_000\"; spaces around it do not matter, anything else is an error.",
            example: #"print number("12.50") + 1  # 13.5"#
        ) { types in
            let t = arg(types, 0)
            if t == .number {
                return .error(argument: 0, message: "number needs a Text, found a Number",
                              hint: "it is a Number already: leave out number(...)")
            }
            if let e = need("number", types, 0, nil, .text) { return e }
            return .type(.number)
        },
        BuiltinSignature(
            "fixed", ["number", "places"],
            summary: "The number as a Text with exactly that many decimals, rounded half away from zero, as for money.",
            example: #"print fixed(12.3, 2)  # 12.30"#
        ) { types in
            if let e = need("fixed", types, 0, nil, .number) { return e }
            if let e = need("fixed", types, 1, "the number of decimals", .number) { return e }
            return .type(.text)
        },
    ]

    static func textToText(_ name: String, _ types: [CivicType]) -> BuiltinTyping {
        if let e = need(name, types, 0, nil, .text) { return e }
        return .type(.text)
    }

    static func pad(_ name: String, _ types: [CivicType]) -> BuiltinTyping {
        if let e = need(name, types, 0, nil, .text) { return e }
        if let e = need(name, types, 1, "the width", .number) { return e }
        if let e = need(name, types, 2, "the fill", .text) { return e }
        return .type(.text)
    }

    /// `contains` and `index_of`: a Text searched for a Text, or a List for anything.
    static func lookIn(_ name: String, _ types: [CivicType], result: CivicType) -> BuiltinTyping {
        let t = arg(types, 0)
        guard isText(t) || isList(t) else {
            return wrong(name, 0, "the place to look in", "a Text or a List", t)
        }
        if t == .text {
            let item = arg(types, 1)
            if !isText(item) {
                return wrong(name, 1, "what to look for in a Text", "a Text", item)
            }
        }
        return .type(result)
    }
}

// MARK: - Numbers

extension Builtins {
    static let numberFunctions: [BuiltinSignature] = [
        BuiltinSignature(
            "round", ["number", "places?"],
            summary: "The number rounded to that many decimals (none unless given; negative rounds to tens, hundreds, ...), halves away from zero.",
            example: #"print round(2.345, 2)  # 2.35"#
        ) { types in
            if let e = need("round", types, 0, nil, .number) { return e }
            if let e = need("round", types, 1, "the number of decimals", .number) { return e }
            return .type(.number)
        },
        BuiltinSignature(
            "floor", ["number"],
            summary: "The largest whole number not above the number.",
            example: #"print floor(-2.5)  # -3"#
        ) { types in
            if let e = need("floor", types, 0, nil, .number) { return e }
            return .type(.number)
        },
        BuiltinSignature(
            "ceil", ["number"],
            summary: "The smallest whole number not below the number.",
            example: #"print ceil(2.1)  # 3"#
        ) { types in
            if let e = need("ceil", types, 0, nil, .number) { return e }
            return .type(.number)
        },
        BuiltinSignature(
            "abs", ["number_or_duration"],
            summary: "The number (or duration) without its minus sign.",
            example: #"print abs(-3.5)  # 3.5"#
        ) { types in
            let t = arg(types, 0)
            guard t.mayBe(.number) || t.mayBe(.duration) else {
                return wrong("abs", 0, nil, "a Number or a Duration", t)
            }
            return .type(t)
        },
        BuiltinSignature(
            "min", ["values..."], arity: 1...1_000,
            summary: "The smallest of several values, or of the items of one List (which must not be empty).",
            example: #"print min(3, 1.5, 2)  # 1.5"#
        ) { types in
            extreme("min", types)
        },
        BuiltinSignature(
            "max", ["values..."], arity: 1...1_000,
            summary: "The largest of several values, or of the items of one List (which must not be empty).",
            example: #"print max([2026-01-05, 2026-03-01])  # 2026-03-01"#
        ) { types in
            extreme("max", types)
        },
        BuiltinSignature(
            "sum", ["list"],
            summary: "The total of a List of Numbers or of Durations (0 for an empty list).",
            example: #"print sum([0.1, 0.2])  # 0.3"#
        ) { types in
            let t = arg(types, 0)
            guard let element = t.element else {
                return wrong("sum", 0, nil, "a List of Numbers or Durations", t)
            }
            guard element.mayBe(.number) || element.mayBe(.duration) else {
                return wrong("sum", 0, nil, "a List of Numbers or Durations", t)
            }
            return .type(element == .duration ? .duration : (element == .number ? .number : .any))
        },
        BuiltinSignature(
            "average", ["list"],
            summary: "The exact average of a non-empty List of Numbers.",
            example: #"print average([70, 72, 81, 80])  # 75.75"#
        ) { types in
            let t = arg(types, 0)
            guard let element = t.element, element.mayBe(.number) else {
                return wrong("average", 0, nil, "a List of Numbers", t)
            }
            return .type(.number)
        },
    ]

    /// `min` and `max`: one List, or several values of one orderable type.
    static func extreme(_ name: String, _ types: [CivicType]) -> BuiltinTyping {
        if types.count == 1 {
            let t = types[0]
            guard let element = t.element else {
                return .error(argument: 0, message: "\(name) needs a List or several values, found \(t.withArticle)",
                              hint: "give it a List, such as \(name)([3, 5]), or several values, such as \(name)(3, 5)")
            }
            if !orderable(element) {
                return .error(argument: 0, message: "\(name) cannot compare the items of \(t.withArticle)", hint: nil)
            }
            return .type(element)
        }
        var known: CivicType? = nil
        for (i, t) in types.enumerated() {
            if !orderable(t) {
                return .error(argument: i, message: "\(name) cannot compare \(t.withArticle)",
                              hint: "it compares Numbers, Texts, Dates, Times, Durations or Bools")
            }
            guard t != .any else { continue }
            if let k = known, k != t {
                return .error(argument: i, message: "\(name) cannot compare \(t.withArticle) with \(k.withArticle)",
                              hint: nil)
            }
            known = t
        }
        // An argument not known until the run is of the same type, or the run fails.
        return .type(known ?? .any)
    }

    static func orderable(_ t: CivicType) -> Bool {
        switch t {
        case .any, .number, .text, .date, .time, .duration, .bool: return true
        default: return false
        }
    }
}

// MARK: - Lists

extension Builtins {
    static let listFunctions: [BuiltinSignature] = [
        BuiltinSignature(
            "count", ["list"],
            summary: "How many items a List has.",
            example: #"print count(["王芳", "李强"])  # 2"#
        ) { types in
            if let e = need("count", types, 0, nil, .list(.any)) { return e }
            return .type(.number)
        },
        BuiltinSignature(
            "exists", ["list"],
            summary: "Whether a List has any items.",
            example: #"print exists([])  # false"#
        ) { types in
            if let e = need("exists", types, 0, nil, .list(.any)) { return e }
            return .type(.bool)
        },
        BuiltinSignature(
            "first", ["list"],
            summary: "The first item of a List, or none if it is empty.",
            example: #"print first(["王芳", "李强"])  # 王芳"#
        ) { types in
            // The item, or none for an empty list: not known before the run.
            if let e = need("first", types, 0, nil, .list(.any)) { return e }
            return .type(.any)
        },
        BuiltinSignature(
            "last", ["list"],
            summary: "The last item of a List, or none if it is empty.",
            example: #"print last([])  # none"#
        ) { types in
            if let e = need("last", types, 0, nil, .list(.any)) { return e }
            return .type(.any)
        },
        BuiltinSignature(
            "sort", ["list", "descending?"],
            summary: "The items of a List from smallest to largest (largest first if descending is true); equal items keep their order, and texts go by Unicode code point.",
            example: #"print sort([3, 1, 2], true)  # [3, 2, 1]"#
        ) { types in
            let t = arg(types, 0)
            guard let element = t.element else {
                return wrong("sort", 0, nil, "a List", t)
            }
            if !orderable(element) {
                return .error(argument: 0, message: "sort cannot compare the items of \(t.withArticle)", hint: nil)
            }
            if let e = need("sort", types, 1, "descending", .bool) { return e }
            return .type(t)
        },
        BuiltinSignature(
            "reverse", ["text_or_list"],
            summary: "A Text or List in the opposite order.",
            example: #"print reverse([1, 2, 3])  # [3, 2, 1]"#
        ) { types in
            let t = arg(types, 0)
            guard isText(t) || isList(t) else {
                return wrong("reverse", 0, nil, "a Text or a List", t)
            }
            return .type(t)
        },
        BuiltinSignature(
            "append", ["list", "item"],
            summary: "A new List with the item added at the end; the list given is not changed.",
            example: #"print append(["王芳"], "李强")  # ["王芳", "李强"]"#
        ) { types in
            let t = arg(types, 0)
            guard let element = t.element else {
                return wrong("append", 0, nil, "a List", t)
            }
            return .type(.list(CivicType.join(element, arg(types, 1))))
        },
        BuiltinSignature(
            "unique", ["list"],
            summary: "The List without repeated items: the first of each is kept, in order.",
            example: #"print unique(["B3", "A1", "B3"])  # ["B3", "A1"]"#
        ) { types in
            if let e = need("unique", types, 0, nil, .list(.any)) { return e }
            return .type(arg(types, 0))
        },
        BuiltinSignature(
            "keys", ["record"],
            summary: "The names of a Record's fields, as a List of Text, in order.",
            example: #"print keys({ building: "B3", floor: 4 })  # ["building", "floor"]"#
        ) { types in
            let t = arg(types, 0)
            guard isRecord(t) else {
                return wrong("keys", 0, nil, "a Record", t)
            }
            return .type(.list(.text))
        },
        BuiltinSignature(
            "range", ["from", "to"],
            summary: "The whole numbers from from to to, both included, as a List: the same as from..to, and empty if from is larger.",
            example: #"print range(1, 5)  # 1..5"#
        ) { types in
            if let e = need("range", types, 0, "the start", .number) { return e }
            if let e = need("range", types, 1, "the end", .number) { return e }
            return .type(.list(.number))
        },
    ]
}

// MARK: - Dates

extension Builtins {
    static let dateFunctions: [BuiltinSignature] = [
        BuiltinSignature(
            "date", ["year_or_time", "month?", "day?"], arity: 1...3,
            summary: "The Date of a year, month and day, or the Date of a Time.",
            example: #"print date(2026, 11, 28)  # 2026-11-28"#
        ) { types in
            if types.count == 1 {
                let t = types[0]
                guard t.mayBe(.time) || t.mayBe(.date) || t.mayBe(.number) else {
                    return wrong("date", 0, nil, "a Time, or a year, month and day", t)
                }
                if t == .number {
                    return .error(argument: 0, message: "date needs a month and a day after the year",
                                  hint: "write date(year, month, day), such as date(2026, 11, 28)")
                }
                return .type(.date)
            }
            if types.count == 2 {
                return .error(argument: 1, message: "date needs a day after the month",
                              hint: "write date(year, month, day), such as date(2026, 11, 28)")
            }
            if let e = need("date", types, 0, "the year", .number) { return e }
            if let e = need("date", types, 1, "the month", .number) { return e }
            if let e = need("date", types, 2, "the day", .number) { return e }
            return .type(.date)
        },
        BuiltinSignature(
            "time", ["year", "month", "day", "hour", "minute", "second?"],
            summary: "The Time of a year, month, day, hour, minute and second (0 unless given).",
            example: #"print time(2026, 11, 28, 9, 30)  # 2026-11-28T09:30"#
        ) { types in
            let roles = ["the year", "the month", "the day", "the hour", "the minute", "the second"]
            for (i, role) in roles.enumerated() {
                if let e = need("time", types, i, role, .number) { return e }
            }
            return .type(.time)
        },
        BuiltinSignature(
            "year", ["date_or_time"],
            summary: "The year of a Date or Time.",
            example: "print year(2026-11-28)  # 2026"
        ) { types in
            datePart("year", types)
        },
        BuiltinSignature(
            "month", ["date_or_time"],
            summary: "The month of a Date or Time, 1 for January to 12 for December.",
            example: "print month(2026-11-28)  # 11"
        ) { types in
            datePart("month", types)
        },
        BuiltinSignature(
            "day", ["date_or_time"],
            summary: "The day of the month of a Date or Time.",
            example: "print day(2026-11-28T09:30)  # 28"
        ) { types in
            datePart("day", types)
        },
        BuiltinSignature(
            "weekday", ["date_or_time"],
            summary: "The day of the week of a Date or Time: 1 for Monday to 7 for Sunday.",
            example: "print weekday(2026-11-28)  # 6"
        ) { types in
            datePart("weekday", types)
        },
        BuiltinSignature(
            "hour", ["time"],
            summary: "The hour of a Time, from 0 to 23.",
            example: "print hour(2026-11-28T09:30)  # 9"
        ) { types in
            if let e = need("hour", types, 0, nil, .time) { return e }
            return .type(.number)
        },
        BuiltinSignature(
            "minute", ["time"],
            summary: "The minute of a Time, from 0 to 59.",
            example: "print minute(2026-11-28T09:30)  # 30"
        ) { types in
            if let e = need("minute", types, 0, nil, .time) { return e }
            return .type(.number)
        },
        BuiltinSignature(
            "now", [],
            summary: "The Time now, by the run's clock (the clock a test sets).",
            example: "print now()  # e.g. 2026-11-28T09:30"
        ) { _ in
            .type(.time)
        },
        BuiltinSignature(
            "today", [],
            summary: "The Date today, by the run's clock.",
            example: "print today()  # e.g. 2026-11-28"
        ) { _ in
            .type(.date)
        },
        BuiltinSignature(
            "days", ["duration"],
            summary: "How many whole days a Duration makes (36 hours is 1 day); a Duration of months or years is an error, as a month has no fixed length.",
            example: "print days(36 hours)  # 1"
        ) { types in
            durationPart("days", types)
        },
        BuiltinSignature(
            "hours", ["duration"],
            summary: "How many hours a Duration makes, exactly (90 minutes is 1.5); a Duration of months or years is an error.",
            example: "print hours(90 minutes)  # 1.5"
        ) { types in
            durationPart("hours", types)
        },
        BuiltinSignature(
            "minutes", ["duration"],
            summary: "How many minutes a Duration makes, exactly; a Duration of months or years is an error.",
            example: "print minutes(2 hours)  # 120"
        ) { types in
            durationPart("minutes", types)
        },
    ]

    static func datePart(_ name: String, _ types: [CivicType]) -> BuiltinTyping {
        let t = arg(types, 0)
        guard t.mayBe(.date) || t.mayBe(.time) else {
            return wrong(name, 0, nil, "a Date or a Time", t)
        }
        return .type(.number)
    }

    static func durationPart(_ name: String, _ types: [CivicType]) -> BuiltinTyping {
        if let e = need(name, types, 0, nil, .duration) { return e }
        return .type(.number)
    }
}

// MARK: - Helpers

extension Builtins {
    /// The type of argument `i`, or `any` if there is none (the arity is
    /// checked apart, so a closure never fails on a short list).
    static func arg(_ types: [CivicType], _ i: Int) -> CivicType {
        i >= 0 && i < types.count ? types[i] : .any
    }

    static func isText(_ t: CivicType) -> Bool { t.mayBe(.text) }
    static func isList(_ t: CivicType) -> Bool { t.element != nil }

    /// Records, and entity and event rows, which are records at run time.
    static func isRecord(_ t: CivicType) -> Bool {
        switch t {
        case .any, .record, .entity, .event: return true
        default: return false
        }
    }

    /// An error if argument `i` is present, known, and cannot be `expected`.
    static func need(_ name: String, _ types: [CivicType], _ i: Int, _ role: String?,
                     _ expected: CivicType) -> BuiltinTyping? {
        guard i < types.count else { return nil }
        let t = types[i]
        if expected == .list(.any) {
            return isList(t) ? nil : wrong(name, i, role, "a List", t)
        }
        if t.mayBe(expected) { return nil }
        return wrong(name, i, role, expected == .bool ? "true or false" : expected.withArticle, t)
    }

    /// "pad_left needs a Number for the width, found a Text", with a hint
    /// when a conversion would help.
    static func wrong(_ name: String, _ i: Int, _ role: String?, _ expected: String,
                      _ found: CivicType) -> BuiltinTyping {
        let needs = role.map { "\(name) needs \(expected) for \($0)" } ?? "\(name) needs \(expected)"
        var hint: String? = nil
        if expected.hasPrefix("a Text") && found != .text && found != .none && isPlain(found) {
            hint = "text(...) turns \(found.withArticle) into a Text"
        } else if expected == "a Number" && found == .text {
            hint = "number(...) reads the Number written in a Text"
        } else if expected == "a Text" && found.element != nil {
            hint = "join(...) makes one Text of a List"
        } else if found == .none {
            hint = "the value is none: check that it is set before this call"
        }
        return .error(argument: i, message: "\(needs), found \(found.withArticle)", hint: hint)
    }

    private static func isPlain(_ t: CivicType) -> Bool {
        switch t {
        case .number, .bool, .date, .time, .duration: return true
        default: return false
        }
    }
}
