import CivicStore
import CivicSyntax

// The Date, Time and Duration functions. Dates lie in the years 1 to 9999;
// the clock is the run's (`BuiltinEnvironment.now`), which a test sets.

extension BuiltinLibrary {
    static let dateImplementations: [String: BuiltinImplementation] = [
        "date": date,
        "time": time,
        "year": year,
        "month": month,
        "day": day,
        "weekday": weekday,
        "hour": hour,
        "minute": minute,
        "now": now,
        "today": today,
        "days": days,
        "hours": hours,
        "minutes": minutes,
    ]

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    static let dateHint = "write date(year, month, day), such as date(2026, 11, 28)"

    static func date(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("date", values)
        switch a.count {
        case 1:
            switch a[0] {
            case .time(let t): return .date(t.date)
            case .date: return a[0]
            case .number:
                throw BuiltinError("date needs a month and a day after the year", argument: 0, hint: dateHint)
            default:
                throw a.wrong(0, nil, "a Time, or a year, month and day")
            }
        case 2:
            throw BuiltinError("date needs a day after the month", argument: 1, hint: dateHint)
        default:
            return .date(try calendarDate(a))
        }
    }

    /// The date of arguments 0, 1 and 2 (year, month, day), or an error
    /// pointing at the part that does not exist.
    static func calendarDate(_ a: Arguments) throws(BuiltinError) -> CivicDate {
        let y = try a.wholeNumber(0, "the year", in: 1...9999)
        let m = try a.wholeNumber(1, "the month", in: 1...12)
        let d = try a.wholeNumber(2, "the day", in: 1...31)
        guard let date = CivicDate(year: y, month: m, day: d) else {
            let last = CivicDate.daysInMonth(year: y, month: m)
            let monthName = m >= 1 && m <= 12 ? monthNames[m - 1] : "month \(m)"
            throw BuiltinError("\(monthName) \(y) has no day \(d): it has \(last) days", argument: 2)
        }
        return date
    }

    static func time(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("time", values)
        let date = try calendarDate(a)
        let h = try a.wholeNumber(3, "the hour", in: 0...23)
        let mi = try a.wholeNumber(4, "the minute", in: 0...59)
        let s = a.has(5) ? try a.wholeNumber(5, "the second", in: 0...59) : 0
        guard let t = CivicTime(date: date, hour: h, minute: mi, second: s) else {
            throw BuiltinError("time cannot make a Time of these values")
        }
        return .time(t)
    }

    /// A part of argument 0, a Date or a Time.
    static func datePart(_ name: String, _ values: [Value],
                         _ part: (CivicDate) -> Int) throws(BuiltinError) -> Value {
        let a = try Arguments(name, values)
        switch a[0] {
        case .date(let d): return .number(Number(part(d)))
        case .time(let t): return .number(Number(part(t.date)))
        default: throw a.wrong(0, nil, "a Date or a Time")
        }
    }

    static func year(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try datePart("year", values) { $0.year }
    }

    static func month(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try datePart("month", values) { $0.month }
    }

    static func day(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try datePart("day", values) { $0.day }
    }

    static func weekday(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try datePart("weekday", values) { $0.weekday }
    }

    /// A part of argument 0, a Time.
    static func timePart(_ name: String, _ values: [Value], _ part: (CivicTime) -> Int) throws(BuiltinError) -> Value {
        let a = try Arguments(name, values)
        switch a[0] {
        case .time(let t):
            return .number(Number(part(t)))
        case .date:
            throw a.wrong(0, nil, "a Time", hint: "a Date has no time of day; a Time is written like 2026-11-28T09:30")
        default:
            throw a.wrong(0, nil, "a Time")
        }
    }

    static func hour(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try timePart("hour", values) { $0.hour }
    }

    static func minute(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try timePart("minute", values) { $0.minute }
    }

    static func now(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        _ = try Arguments("now", values)
        return .time(environment.now)
    }

    static func today(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        _ = try Arguments("today", values)
        return .date(environment.now.date)
    }

    /// The exact part of argument 0, in seconds. A Duration with months or
    /// years is refused: a month has no fixed number of days.
    static func exactSeconds(_ a: Arguments) throws(BuiltinError) -> Int {
        let d = try a.duration(0)
        guard d.months == 0 else {
            throw BuiltinError("\(a.name) cannot count the \(a.name) in \(d): a month has no fixed length",
                               argument: 0, hint: "use a Duration of weeks, days, hours or minutes")
        }
        return d.seconds
    }

    static func days(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("days", values)
        // Whole days, toward zero: 36 hours is 1 day, -36 hours is -1.
        return .number(Number(try exactSeconds(a) / 86_400))
    }

    static func hours(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("hours", values)
        return try secondsIn(a, try exactSeconds(a), per: 3_600)
    }

    static func minutes(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("minutes", values)
        return try secondsIn(a, try exactSeconds(a), per: 60)
    }

    static func secondsIn(_ a: Arguments, _ seconds: Int, per unit: Int) throws(BuiltinError) -> Value {
        do {
            return .number(try Number(seconds).dividing(by: Number(unit)))
        } catch {
            throw a.numberError(error, argument: 0)
        }
    }
}
