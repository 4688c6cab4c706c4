// Calendar.swift — Civic's Date, Time and Duration values.
//
// Proleptic Gregorian calendar, pure integer arithmetic (no Foundation).
// A `CivicDate` is a day, a `CivicTime` a local civil time with no time zone,
// and a `CivicDuration` a calendar part (months; a year is 12 months) plus an
// exact part (seconds; a minute is 60 s, an hour 3600, a day 86400, a week 7
// days). Every CivicDate and CivicTime lies in the years 1 to 9999; arithmetic
// that would leave that range throws `CalendarError.outOfRange`.

/// Why a date, time or duration operation failed. `description` is a sentence
/// for the person who wrote the script.
public enum CalendarError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The result would fall outside the years 1 to 9999.
    case outOfRange
    /// A Date moved by a duration that is not a whole number of days.
    case partialDay(CivicDuration)
    /// A fractional number of months or years (`1.5 months`).
    case fractionalCalendarUnit(Number, DurationUnit)
    /// An amount of an exact unit that is not a whole number of seconds.
    case notWholeSeconds(Number, DurationUnit)
    /// Multiplying or dividing a duration would give a fraction of a month.
    case fractionalMonths(CivicDuration, Number)
    /// Multiplying or dividing a duration would give a fraction of a second.
    case fractionalSeconds(CivicDuration, Number)
    /// Two durations that cannot be ordered, because a month has no fixed length.
    case incomparable(CivicDuration, CivicDuration)
    /// A duration divided by zero.
    case divisionByZero
    /// A duration too large to represent.
    case tooLarge

    public var message: String { description }

    public var description: String {
        switch self {
        case .outOfRange:
            return "the result falls outside the years 1 to 9999"
        case .partialDay(let d):
            return "a Date can only move by whole days, but \(d) is not a whole number of days; use a Time instead"
        case .fractionalCalendarUnit(let n, let unit):
            return "\(n) \(unit.plural) is not a whole number of \(unit.plural); months and years cannot be split"
        case .notWholeSeconds(let n, let unit):
            return "\(n) \(unit.plural) is not a whole number of seconds"
        case .fractionalMonths(let d, let n):
            return "\(d) cannot be multiplied or divided by \(n): the result would not be a whole number of months"
        case .fractionalSeconds(let d, let n):
            return "\(d) cannot be multiplied or divided by \(n): the result would not be a whole number of seconds"
        case .incomparable(let a, let b):
            return "cannot compare \(a) with \(b): a month has no fixed length"
        case .divisionByZero:
            return "a duration cannot be divided by zero"
        case .tooLarge:
            return "the duration is too large"
        }
    }
}

/// The units a Duration literal may use (`2 hours`, `1 month`).
public enum DurationUnit: String, CaseIterable, Hashable, Sendable {
    case second, minute, hour, day, week, month, year

    /// The unit named by a word, singular or plural: "hour", "hours".
    public static func unit(named name: String) -> DurationUnit? {
        if let unit = DurationUnit(rawValue: name) { return unit }
        if name.hasSuffix("s"), let unit = DurationUnit(rawValue: String(name.dropLast())) { return unit }
        return nil
    }

    /// Seconds in one unit, or nil for the calendar units (month, year).
    public var seconds: Int? {
        switch self {
        case .second: return 1
        case .minute: return 60
        case .hour: return 3_600
        case .day: return 86_400
        case .week: return 604_800
        case .month, .year: return nil
        }
    }

    /// Months in one unit, or nil for the exact units.
    public var months: Int? {
        switch self {
        case .month: return 1
        case .year: return 12
        default: return nil
        }
    }

    public var plural: String { rawValue + "s" }
}

/// A calendar period, for caps and budgets: "per day", "per week" (weeks start
/// on Monday), "per month", "per year".
public enum CalendarPeriod: String, CaseIterable, Hashable, Sendable {
    case day, week, month, year
}

// MARK: - Civil calendar arithmetic (Howard Hinnant's algorithms)

enum Civil {
    static let secondsPerDay = 86_400
    /// Days since 1970-01-01 of 0001-01-01 and of 9999-12-31.
    static let minDay = -719_162
    static let maxDay = 2_932_896

    /// Days since 1970-01-01 of a valid proleptic Gregorian date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400                                   // 0...399
        let mp = month > 2 ? month - 3 : month + 9                // March = 0
        let doy = (153 * mp + 2) / 5 + day - 1                    // 0...365
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy           // 0...146096
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a day count in the valid range.
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// a / b rounded toward minus infinity (b > 0).
    @inline(__always)
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }

    /// Parses exactly `count` ASCII digits starting at `start`.
    static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<(start + count) {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
        }
        return value
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// "YYYY-MM-DD", then "THH:MM" for a time of day, then ":SS" if asked:
    /// written digit by digit, since storing and comparing times does it often.
    static func isoText(_ date: CivicDate, secondOfDay: Int?, seconds: Bool) -> String {
        let (y, m, d) = date.components
        guard (0...9999).contains(y) else {
            var text = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
            if let s = secondOfDay {
                text += "T" + pad(s / 3_600, 2) + ":" + pad(s % 3_600 / 60, 2)
                if seconds { text += ":" + pad(s % 60, 2) }
            }
            return text
        }
        let count = secondOfDay == nil ? 10 : (seconds ? 19 : 16)
        return String(unsafeUninitializedCapacity: count) { b in
            func put(_ value: Int, _ at: Int, _ width: Int) {
                var v = value
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    b[i] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            put(y, 0, 4); b[4] = 45; put(m, 5, 2); b[7] = 45; put(d, 8, 2)
            if let s = secondOfDay {
                b[10] = 84; put(s / 3_600, 11, 2); b[13] = 58; put(s % 3_600 / 60, 14, 2)
                if seconds { b[16] = 58; put(s % 60, 17, 2) }
            }
            return count
        }
    }
}

// MARK: - CivicDate

/// A day in the proleptic Gregorian calendar, years 1 to 9999.
public struct CivicDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public let daysSince1970: Int

    @inline(__always)
    init(unchecked days: Int) { daysSince1970 = days }

    /// Nil outside 0001-01-01 ... 9999-12-31.
    public init?(daysSince1970 days: Int) {
        guard days >= Civil.minDay && days <= Civil.maxDay else { return nil }
        daysSince1970 = days
    }

    /// Nil unless the date exists (2026-02-29 does not) and 1 <= year <= 9999.
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1 && year <= 9999, month >= 1 && month <= 12,
              day >= 1 && day <= Civil.daysInMonth(year: year, month: month) else { return nil }
        daysSince1970 = Civil.days(year: year, month: month, day: day)
    }

    /// Parses "2026-11-28" (four-digit year, two-digit month and day).
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, let date = CivicDate.parse(bytes) else { return nil }
        self = date
    }

    static func parse(_ bytes: [UInt8]) -> CivicDate? {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let y = Civil.digits(bytes, 0, 4), let m = Civil.digits(bytes, 5, 2),
              let d = Civil.digits(bytes, 8, 2) else { return nil }
        return CivicDate(year: y, month: m, day: d)
    }

    public static let earliest = CivicDate(unchecked: Civil.minDay)
    public static let latest = CivicDate(unchecked: Civil.maxDay)

    public var components: (year: Int, month: Int, day: Int) { Civil.civil(daysSince1970) }
    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }
    /// 1 = Monday ... 7 = Sunday (ISO 8601).
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (daysSince1970 + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    public static func isLeapYear(_ year: Int) -> Bool { Civil.isLeapYear(year) }
    /// Days in a month (1...12) of a year.
    public static func daysInMonth(year: Int, month: Int) -> Int { Civil.daysInMonth(year: year, month: month) }

    /// Midnight at the start of this day.
    public var startOfDay: CivicTime { CivicTime(unchecked: daysSince1970 * Civil.secondsPerDay) }

    public static func < (lhs: CivicDate, rhs: CivicDate) -> Bool { lhs.daysSince1970 < rhs.daysSince1970 }

    public var description: String {
        Civil.isoText(self, secondOfDay: nil, seconds: false)
    }

    // MARK: Arithmetic

    /// The same day of the month `months` later, clamped to the end of a
    /// shorter month: 2026-01-31 + 1 month = 2026-02-28.
    public func addingMonths(_ months: Int) throws(CalendarError) -> CivicDate {
        if months == 0 { return self }
        let c = components
        let (index, overflow) = (c.year * 12 + c.month - 1).addingReportingOverflow(months)
        guard !overflow else { throw .outOfRange }
        let year = Civil.floorDiv(index, 12)
        let month = index - year * 12 + 1
        guard year >= 1 && year <= 9999 else { throw .outOfRange }
        let last = Civil.daysInMonth(year: year, month: month)
        return CivicDate(unchecked: Civil.days(year: year, month: month, day: c.day < last ? c.day : last))
    }

    public func addingDays(_ days: Int) throws(CalendarError) -> CivicDate {
        let (d, overflow) = daysSince1970.addingReportingOverflow(days)
        guard !overflow, d >= Civil.minDay && d <= Civil.maxDay else { throw .outOfRange }
        return CivicDate(unchecked: d)
    }

    /// Adds the months first (clamping to the end of the month), then the
    /// days. Throws ``CalendarError/partialDay(_:)`` if the duration has a
    /// part smaller than a day.
    public func adding(_ duration: CivicDuration) throws(CalendarError) -> CivicDate {
        guard duration.seconds % Civil.secondsPerDay == 0 else { throw .partialDay(duration) }
        return try addingMonths(duration.months).addingDays(duration.seconds / Civil.secondsPerDay)
    }

    public func subtracting(_ duration: CivicDuration) throws(CalendarError) -> CivicDate {
        try adding(try duration.negated())
    }

    /// `self - other`, in days (as seconds, with no months).
    public func subtracting(_ other: CivicDate) -> CivicDuration {
        CivicDuration(seconds: (daysSince1970 - other.daysSince1970) * Civil.secondsPerDay)
    }

    /// Whole days from `other` to `self` (negative if `self` is earlier).
    public func days(since other: CivicDate) -> Int { daysSince1970 - other.daysSince1970 }

    // MARK: Periods

    /// The first day of the period containing this date (weeks start on Monday).
    public func startOf(_ period: CalendarPeriod) -> CivicDate {
        switch period {
        case .day:
            return self
        case .week:
            // Never before 0001-01-01: that day was a Monday.
            return CivicDate(unchecked: daysSince1970 - (weekday - 1))
        case .month:
            let c = components
            return CivicDate(unchecked: Civil.days(year: c.year, month: c.month, day: 1))
        case .year:
            return CivicDate(unchecked: Civil.days(year: year, month: 1, day: 1))
        }
    }

    /// The first day of the next period. Throws ``CalendarError/outOfRange``
    /// in the last period of the year 9999.
    public func nextStart(of period: CalendarPeriod) throws(CalendarError) -> CivicDate {
        let start = startOf(period)
        switch period {
        case .day: return try start.addingDays(1)
        case .week: return try start.addingDays(7)
        case .month: return try start.addingMonths(1)
        case .year: return try start.addingMonths(12)
        }
    }
}

// MARK: - CivicTime

/// A local civil time (no time zone) to the second, years 1 to 9999.
public struct CivicTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00 (negative before).
    public let secondsSince1970: Int

    static let minSecond = Civil.minDay * Civil.secondsPerDay
    static let maxSecond = (Civil.maxDay + 1) * Civil.secondsPerDay - 1

    @inline(__always)
    init(unchecked seconds: Int) { secondsSince1970 = seconds }

    /// Nil outside 0001-01-01T00:00 ... 9999-12-31T23:59:59.
    public init?(secondsSince1970 seconds: Int) {
        guard seconds >= CivicTime.minSecond && seconds <= CivicTime.maxSecond else { return nil }
        secondsSince1970 = seconds
    }

    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard let date = CivicDate(year: year, month: month, day: day) else { return nil }
        self.init(date: date, hour: hour, minute: minute, second: second)
    }

    /// Nil unless 0 <= hour <= 23, 0 <= minute <= 59, 0 <= second <= 59.
    public init?(date: CivicDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard hour >= 0 && hour <= 23, minute >= 0 && minute <= 59, second >= 0 && second <= 59 else { return nil }
        secondsSince1970 = date.daysSince1970 * Civil.secondsPerDay + hour * 3_600 + minute * 60 + second
    }

    /// Parses "2026-11-28T09:30" or "2026-11-28T09:30:05"; a space may stand
    /// in for the "T".
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16 || bytes.count == 19,
              let date = CivicDate.parse(bytes),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"),
              let hour = Civil.digits(bytes, 11, 2), let minute = Civil.digits(bytes, 14, 2) else { return nil }
        var second = 0
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), let s = Civil.digits(bytes, 17, 2) else { return nil }
            second = s
        }
        self.init(date: date, hour: hour, minute: minute, second: second)
    }

    public static let earliest = CivicTime(unchecked: minSecond)
    public static let latest = CivicTime(unchecked: maxSecond)

    public var date: CivicDate { CivicDate(unchecked: Civil.floorDiv(secondsSince1970, Civil.secondsPerDay)) }
    /// Seconds since midnight, 0 ..< 86400.
    public var secondOfDay: Int { secondsSince1970 - date.daysSince1970 * Civil.secondsPerDay }
    public var year: Int { date.year }
    public var month: Int { date.month }
    public var day: Int { date.day }
    public var weekday: Int { date.weekday }
    public var hour: Int { secondOfDay / 3_600 }
    public var minute: Int { secondOfDay % 3_600 / 60 }
    public var second: Int { secondOfDay % 60 }

    public static func < (lhs: CivicTime, rhs: CivicTime) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    /// "2026-11-28T09:30", with ":SS" only when the seconds are not zero.
    public var description: String {
        Civil.isoText(date, secondOfDay: secondOfDay, seconds: secondOfDay % 60 != 0)
    }

    /// "2026-11-28T09:30:00": always with the seconds (the form the store keeps).
    public var textWithSeconds: String {
        Civil.isoText(date, secondOfDay: secondOfDay, seconds: true)
    }

    // MARK: Arithmetic

    /// Adds the months first (keeping the time of day, clamping the day to the
    /// end of a shorter month), then the seconds.
    public func adding(_ duration: CivicDuration) throws(CalendarError) -> CivicTime {
        var base = self
        if duration.months != 0 {
            let day = try date.addingMonths(duration.months)
            base = CivicTime(unchecked: day.daysSince1970 * Civil.secondsPerDay + secondOfDay)
        }
        let (s, overflow) = base.secondsSince1970.addingReportingOverflow(duration.seconds)
        guard !overflow, s >= CivicTime.minSecond && s <= CivicTime.maxSecond else { throw .outOfRange }
        return CivicTime(unchecked: s)
    }

    public func subtracting(_ duration: CivicDuration) throws(CalendarError) -> CivicTime {
        try adding(try duration.negated())
    }

    /// `self - other`, in seconds (no months).
    public func subtracting(_ other: CivicTime) -> CivicDuration {
        CivicDuration(seconds: secondsSince1970 - other.secondsSince1970)
    }

    // MARK: Periods

    /// Midnight at the start of the period containing this time (weeks start on Monday).
    public func startOf(_ period: CalendarPeriod) -> CivicTime {
        date.startOf(period).startOfDay
    }

    /// Midnight at the start of the next period. Throws
    /// ``CalendarError/outOfRange`` in the last period of the year 9999.
    public func nextStart(of period: CalendarPeriod) throws(CalendarError) -> CivicTime {
        try date.nextStart(of: period).startOfDay
    }
}

// MARK: - CivicDuration

/// A length of time: a calendar part in months (a year is 12) and an exact
/// part in seconds. `1 month` and `30 days` are different durations; they
/// are not equal and cannot be ordered.
public struct CivicDuration: Hashable, Sendable, CustomStringConvertible {
    public let months: Int
    public let seconds: Int

    public init(months: Int = 0, seconds: Int = 0) {
        self.months = months
        self.seconds = seconds
    }

    public static let zero = CivicDuration()

    /// The unit named by a word, singular or plural (same as ``DurationUnit/unit(named:)``).
    public static func unit(named name: String) -> DurationUnit? {
        DurationUnit.unit(named: name)
    }

    /// `amount unit`, as in `1.5 hours`. An exact unit may take a fractional
    /// amount if it makes whole seconds; months and years must be whole.
    public init(amount: Number, unit: DurationUnit) throws(CalendarError) {
        if let perUnit = unit.months {
            guard amount.isInteger else { throw .fractionalCalendarUnit(amount, unit) }
            guard let months = (try? amount.multiplying(Number(perUnit)))?.intValue else { throw .tooLarge }
            self.init(months: months)
        } else {
            let perUnit = unit.seconds ?? 0
            let total: Number
            do { total = try amount.multiplying(Number(perUnit)) } catch { throw .tooLarge }
            guard total.isInteger else { throw .notWholeSeconds(amount, unit) }
            guard let seconds = total.intValue else { throw .tooLarge }
            self.init(seconds: seconds)
        }
    }

    public var isZero: Bool { months == 0 && seconds == 0 }
    /// True when there is no calendar part: the duration has a fixed length.
    public var isExact: Bool { months == 0 }

    public func adding(_ other: CivicDuration) throws(CalendarError) -> CivicDuration {
        let (m, o1) = months.addingReportingOverflow(other.months)
        let (s, o2) = seconds.addingReportingOverflow(other.seconds)
        guard !o1 && !o2 else { throw .tooLarge }
        return CivicDuration(months: m, seconds: s)
    }

    public func subtracting(_ other: CivicDuration) throws(CalendarError) -> CivicDuration {
        let (m, o1) = months.subtractingReportingOverflow(other.months)
        let (s, o2) = seconds.subtractingReportingOverflow(other.seconds)
        guard !o1 && !o2 else { throw .tooLarge }
        return CivicDuration(months: m, seconds: s)
    }

    /// The opposite duration.
    public func negated() throws(CalendarError) -> CivicDuration {
        let (m, o1) = 0.subtractingReportingOverflow(months)
        let (s, o2) = 0.subtractingReportingOverflow(seconds)
        guard !o1 && !o2 else { throw .tooLarge }
        return CivicDuration(months: m, seconds: s)
    }

    /// Multiplies both parts. The months must stay whole (`1 month * 1.5` is an
    /// error) and the seconds too (`1 minute * 0.5` is fine, `1 second * 0.5` is not).
    public func multiplying(_ factor: Number) throws(CalendarError) -> CivicDuration {
        try scaled(by: factor) { (part: Number) throws(NumberError) -> Number in try part.multiplying(factor) }
    }

    /// Divides both parts; both must stay whole (`2 hours / 3` = 40 minutes,
    /// `1 hour / 7` is an error, `12 months / 4` = 3 months).
    public func dividing(by divisor: Number) throws(CalendarError) -> CivicDuration {
        guard !divisor.isZero else { throw .divisionByZero }
        return try scaled(by: divisor) { (part: Number) throws(NumberError) -> Number in try part.dividing(by: divisor) }
    }

    private func scaled(by n: Number, _ op: (Number) throws(NumberError) -> Number) throws(CalendarError) -> CivicDuration {
        var m = 0
        var s = 0
        if months != 0 {
            let r: Number
            do { r = try op(Number(months)) } catch { throw .tooLarge }
            guard r.isInteger else { throw .fractionalMonths(self, n) }
            guard let v = r.intValue else { throw .tooLarge }
            m = v
        }
        if seconds != 0 {
            let r: Number
            do { r = try op(Number(seconds)) } catch { throw .tooLarge }
            guard r.isInteger else { throw .fractionalSeconds(self, n) }
            guard let v = r.intValue else { throw .tooLarge }
            s = v
        }
        return CivicDuration(months: m, seconds: s)
    }

    /// -1, 0 or 1. Durations with equal months compare by seconds, and with
    /// equal seconds by months; otherwise (`1 month` against `30 days`) they
    /// cannot be ordered, since a month has no fixed length, and this throws.
    public static func compare(_ lhs: CivicDuration, _ rhs: CivicDuration) throws(CalendarError) -> Int {
        if lhs.months == rhs.months {
            return lhs.seconds < rhs.seconds ? -1 : (lhs.seconds == rhs.seconds ? 0 : 1)
        }
        if lhs.seconds == rhs.seconds {
            return lhs.months < rhs.months ? -1 : 1
        }
        throw .incomparable(lhs, rhs)
    }

    /// "2 hours", "1 hour 30 minutes", "1 year 2 months", "3 weeks", "0 minutes",
    /// "-1 day". The largest units are used. A duration whose parts have
    /// opposite signs reads as a difference: "1 month - 1 day".
    public var description: String {
        if months == 0 && seconds == 0 { return "0 minutes" }
        let monthText = CivicDuration.describe(months: months.magnitude)
        let secondText = CivicDuration.describe(seconds: seconds.magnitude)
        if months == 0 { return (seconds < 0 ? "-" : "") + secondText }
        if seconds == 0 { return (months < 0 ? "-" : "") + monthText }
        if (months < 0) == (seconds < 0) {
            return (months < 0 ? "-" : "") + monthText + " " + secondText
        }
        return (months < 0 ? "-" : "") + monthText + (seconds < 0 ? " - " : " + ") + secondText
    }

    private static func unitText(_ n: UInt, _ singular: String) -> String {
        n == 1 ? "1 " + singular : String(n) + " " + singular + "s"
    }

    private static func describe(months: UInt) -> String {
        var parts: [String] = []
        if months / 12 > 0 { parts.append(unitText(months / 12, "year")) }
        if months % 12 > 0 { parts.append(unitText(months % 12, "month")) }
        return parts.joined(separator: " ")
    }

    private static func describe(seconds: UInt) -> String {
        var rest = seconds
        var parts: [String] = []
        for (size, name) in [(UInt(604_800), "week"), (86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second")] {
            if rest >= size {
                parts.append(unitText(rest / size, name))
                rest %= size
            }
        }
        return parts.joined(separator: " ")
    }
}
