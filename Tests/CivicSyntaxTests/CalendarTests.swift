import Testing
import CivicSyntax

private func date(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CivicDate {
    try #require(CivicDate(iso: text), "not a date: \(text)", sourceLocation: sourceLocation)
}

private func time(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CivicTime {
    try #require(CivicTime(iso: text), "not a time: \(text)", sourceLocation: sourceLocation)
}

private func dur(_ amount: String, _ unit: DurationUnit, sourceLocation: SourceLocation = #_sourceLocation) throws -> CivicDuration {
    let n = try #require(Number(literal: amount), sourceLocation: sourceLocation)
    return try CivicDuration(amount: n, unit: unit)
}

private func number(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Number {
    try #require(Number(literal: text), sourceLocation: sourceLocation)
}

@Suite("Calendar")
struct CalendarTests {

    // MARK: Dates

    @Test func knownDates() throws {
        let d = try date("2026-11-28")
        #expect(d.year == 2026 && d.month == 11 && d.day == 28)
        #expect(d.weekday == 6)                                   // a Saturday
        #expect(d.daysSince1970 == 20_785)
        #expect(d.description == "2026-11-28")
        #expect(try date("1970-01-01").daysSince1970 == 0)
        #expect(try date("1970-01-01").weekday == 4)              // Thursday
        #expect(try date("2000-01-01").daysSince1970 == 10_957)
        #expect(try date("2000-01-01").weekday == 6)
        #expect(try date("0001-01-01").daysSince1970 == -719_162)
        #expect(try date("0001-01-01").weekday == 1)              // Monday
        #expect(try date("9999-12-31").daysSince1970 == 2_932_896)
        #expect(try date("9999-12-31").weekday == 5)
        #expect(try date("2024-02-29").weekday == 4)
        #expect(CivicDate(year: 2026, month: 11, day: 29)?.weekday == 7)   // Sunday
        #expect(CivicDate(year: 1969, month: 12, day: 31)?.daysSince1970 == -1)
        #expect(CivicDate(year: 5, month: 3, day: 1)?.description == "0005-03-01")
    }

    @Test func validation() {
        #expect(CivicDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CivicDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivicDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivicDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivicDate(year: 2026, month: 4, day: 31) == nil)
        #expect(CivicDate(year: 2026, month: 13, day: 1) == nil)
        #expect(CivicDate(year: 2026, month: 0, day: 1) == nil)
        #expect(CivicDate(year: 2026, month: 1, day: 0) == nil)
        #expect(CivicDate(year: 0, month: 1, day: 1) == nil)
        #expect(CivicDate(year: 10_000, month: 1, day: 1) == nil)
        #expect(CivicDate(daysSince1970: 2_932_897) == nil)
        #expect(CivicDate(daysSince1970: -719_163) == nil)
        #expect(CivicDate(daysSince1970: Int.min) == nil)
        #expect(CivicDate(daysSince1970: 0)?.description == "1970-01-01")
        #expect(CivicTime(year: 2026, month: 11, day: 28, hour: 24) == nil)
        #expect(CivicTime(year: 2026, month: 11, day: 28, hour: 9, minute: 60) == nil)
        #expect(CivicTime(year: 2026, month: 11, day: 28, hour: 9, minute: 0, second: -1) == nil)
        #expect(CivicTime(secondsSince1970: Int.max) == nil)
    }

    /// Walks day by day with a naive calendar and checks every date in 1890...2110.
    @Test func roundTripAgainstNaiveCalendar() throws {
        var (y, m, d) = (1890, 1, 1)
        var days = try #require(CivicDate(year: 1890, month: 1, day: 1)).daysSince1970
        var weekday = try #require(CivicDate(year: 1890, month: 1, day: 1)).weekday
        var mismatches = 0
        while y <= 2110 {
            let c = CivicDate(daysSince1970: days)
            if c?.year != y || c?.month != m || c?.day != d || c?.weekday != weekday
                || CivicDate(year: y, month: m, day: d)?.daysSince1970 != days {
                mismatches += 1
            }
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
            let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            d += 1
            if d > length { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
            days += 1
            weekday = weekday == 7 ? 1 : weekday + 1
        }
        #expect(mismatches == 0)
        #expect(try date("1890-01-01").weekday == 3)   // a Wednesday
    }

    // MARK: Times

    @Test func times() throws {
        let t = try time("2026-11-28T09:30")
        #expect(t.secondsSince1970 == 1_795_858_200)
        #expect(t.description == "2026-11-28T09:30")
        #expect(t.hour == 9 && t.minute == 30 && t.second == 0)
        #expect(t.date == (try date("2026-11-28")))
        #expect(t.weekday == 6)
        let s = try time("2026-11-28 09:30:05")
        #expect(s.description == "2026-11-28T09:30:05")
        #expect(s.second == 5)
        #expect(try time("2026-11-28T09:30:00").description == "2026-11-28T09:30")
        let before = try #require(CivicTime(secondsSince1970: -1))
        #expect(before.description == "1969-12-31T23:59:59")
        #expect(before.hour == 23 && before.date.day == 31)
        #expect(CivicTime(year: 1, month: 1, day: 1)?.description == "0001-01-01T00:00")
        #expect(try time("2026-11-28T09:30") < time("2026-11-28T09:31"))
    }

    @Test func isoParsing() {
        for bad in ["", "2026-11-2", "26-11-28", "2026-1-28", "2026/11/28", "2026-11-28 ", "0000-01-01",
                    "2026-02-29", "2026-13-01", "２０２６-11-28", "2026-11-28T09:30", "+026-11-28"] {
            #expect(CivicDate(iso: bad) == nil, "\(bad) should not be a date")
        }
        for bad in ["2026-11-28", "2026-11-28T24:00", "2026-11-28T09:60", "2026-11-28T09:30:60", "2026-11-28T09:30:",
                    "2026-11-28t09:30", "2026-11-28T9:30", "2026-11-28T09-30", "2026-11-28T09:30:5", "2026-02-30T09:30"] {
            #expect(CivicTime(iso: bad) == nil, "\(bad) should not be a time")
        }
        #expect(CivicDate(iso: "2024-02-29")?.description == "2024-02-29")
        #expect(CivicTime(iso: "2026-11-28T23:59:59")?.description == "2026-11-28T23:59:59")
    }

    // MARK: Durations

    @Test func durationUnits() throws {
        #expect(DurationUnit.unit(named: "hours") == .hour)
        #expect(DurationUnit.unit(named: "hour") == .hour)
        #expect(DurationUnit.unit(named: "day") == .day)
        #expect(DurationUnit.unit(named: "weeks") == .week)
        #expect(DurationUnit.unit(named: "years") == .year)
        #expect(DurationUnit.unit(named: "minutes") == .minute)
        #expect(DurationUnit.unit(named: "Days") == nil)
        #expect(DurationUnit.unit(named: "s") == nil)
        #expect(DurationUnit.unit(named: "hourss") == nil)
        #expect(DurationUnit.unit(named: "seconds") == .second)
        #expect(DurationUnit.allCases.count == 7)
        #expect(CivicDuration.unit(named: "months") == .month)

        #expect(try dur("1.5", .hour) == CivicDuration(seconds: 5_400))
        #expect(try dur("2", .week) == CivicDuration(seconds: 1_209_600))
        #expect(try dur("1", .year) == CivicDuration(months: 12))
        #expect(try dur("-3", .month) == CivicDuration(months: -3))
        #expect(try dur("0.5", .minute) == CivicDuration(seconds: 30))
        #expect(throws: CalendarError.fractionalCalendarUnit(try number("1.5"), .month)) { try dur("1.5", .month) }
        #expect(throws: CalendarError.notWholeSeconds(try number("0.001"), .minute)) { try dur("0.001", .minute) }
        #expect(throws: CalendarError.tooLarge) { try dur("1000000000000000000000", .day) }
    }

    @Test func durationDescriptions() throws {
        #expect(try dur("2", .hour).description == "2 hours")
        #expect(try dur("1", .day).description == "1 day")
        #expect(try dur("1.5", .hour).description == "1 hour 30 minutes")
        #expect(try dur("14", .month).description == "1 year 2 months")
        #expect(try dur("21", .day).description == "3 weeks")
        #expect(try dur("10", .day).description == "1 week 3 days")
        #expect(try dur("2", .year).description == "2 years")
        #expect(CivicDuration.zero.description == "0 minutes")
        #expect(try dur("-1", .day).description == "-1 day")
        #expect(try dur("-90", .minute).description == "-1 hour 30 minutes")
        #expect(CivicDuration(seconds: 90).description == "1 minute 30 seconds")
        #expect(CivicDuration(seconds: 1).description == "1 second")
        #expect(CivicDuration(months: 1, seconds: 86_400).description == "1 month 1 day")
        #expect(CivicDuration(months: 1, seconds: -86_400).description == "1 month - 1 day")
        #expect(CivicDuration(months: -1, seconds: 86_400).description == "-1 month + 1 day")
        #expect(CivicDuration(months: -13, seconds: -60).description == "-1 year 1 month 1 minute")
        #expect(CivicDuration(seconds: Int.min).description.hasPrefix("-"))
    }

    @Test func durationArithmetic() throws {
        let hour = try dur("1", .hour)
        let month = try dur("1", .month)
        #expect(try hour.adding(dur("30", .minute)).description == "1 hour 30 minutes")
        #expect(try hour.subtracting(dur("2", .hour)).description == "-1 hour")
        #expect(try month.adding(hour) == CivicDuration(months: 1, seconds: 3_600))
        #expect(try hour.multiplying(try number("1.5")).description == "1 hour 30 minutes")
        #expect(try month.multiplying(Number(3)).description == "3 months")
        #expect(try dur("2", .hour).dividing(by: Number(3)).description == "40 minutes")
        #expect(try dur("1", .year).dividing(by: Number(4)).description == "3 months")
        #expect(throws: CalendarError.fractionalMonths(month, try number("1.5"))) { try month.multiplying(try number("1.5")) }
        #expect(throws: CalendarError.fractionalMonths(month, Number(2))) { try month.dividing(by: Number(2)) }
        #expect(throws: CalendarError.fractionalSeconds(hour, Number(7))) { try hour.dividing(by: Number(7)) }
        #expect(throws: CalendarError.divisionByZero) { try hour.dividing(by: Number.zero) }
        #expect(throws: CalendarError.tooLarge) { try CivicDuration(seconds: Int.max).adding(CivicDuration(seconds: 1)) }
        #expect(throws: CalendarError.tooLarge) { try CivicDuration(seconds: Int.max).multiplying(Number(2)) }
        #expect(throws: CalendarError.tooLarge) { try CivicDuration(months: Int.min).negated() }
    }

    @Test func durationComparison() throws {
        let hour = try dur("1", .hour)
        #expect(try CivicDuration.compare(hour, dur("59", .minute)) == 1)
        #expect(try CivicDuration.compare(hour, dur("60", .minute)) == 0)
        #expect(try CivicDuration.compare(dur("1", .year), dur("13", .month)) == -1)
        #expect(try CivicDuration.compare(CivicDuration.zero, dur("1", .month)) == -1)
        #expect(try CivicDuration.compare(dur("-1", .day), CivicDuration.zero) == -1)
        #expect(try CivicDuration.compare(CivicDuration(months: 1, seconds: 60), CivicDuration(months: 1, seconds: 120)) == -1)
        let month = try dur("1", .month)
        let thirty = try dur("30", .day)
        #expect(throws: CalendarError.incomparable(month, thirty)) { try CivicDuration.compare(month, thirty) }
        #expect(month != thirty)
        do {
            _ = try CivicDuration.compare(month, thirty)
            Issue.record("comparing 1 month with 30 days should fail")
        } catch {
            #expect(error.message == "cannot compare 1 month with 4 weeks 2 days: a month has no fixed length")
        }
    }

    // MARK: Calendar arithmetic

    @Test func monthEndClamping() throws {
        let month = try dur("1", .month)
        let year = try dur("1", .year)
        #expect(try date("2026-01-31").adding(month).description == "2026-02-28")
        #expect(try date("2024-01-31").adding(month).description == "2024-02-29")
        #expect(try date("2024-02-29").adding(year).description == "2025-02-28")
        #expect(try date("2024-02-29").adding(dur("4", .year)).description == "2028-02-29")
        #expect(try date("2026-01-31").adding(dur("2", .month)).description == "2026-03-31")
        #expect(try date("2026-03-31").subtracting(month).description == "2026-02-28")
        #expect(try date("1900-01-31").adding(month).description == "1900-02-28")
        #expect(try date("2000-01-31").adding(month).description == "2000-02-29")
        #expect(try date("2026-08-31").adding(month).description == "2026-09-30")
        #expect(try date("2026-12-15").adding(month).description == "2027-01-15")
        #expect(try date("2026-01-15").subtracting(month).description == "2025-12-15")
        #expect(try date("2026-05-31").adding(dur("-15", .month)).description == "2025-02-28")
        // Months first, then days: Jan 31 + (1 month + 1 day) = Feb 28 + 1 day.
        #expect(try date("2026-01-31").adding(month.adding(dur("1", .day))).description == "2026-03-01")
        #expect(try time("2026-01-31T10:15").adding(month).description == "2026-02-28T10:15")
        #expect(try time("2024-02-29T23:00").adding(year.adding(dur("2", .hour))).description == "2025-03-01T01:00")
    }

    @Test func dateAndTimeArithmetic() throws {
        #expect(try date("2026-11-28").adding(dur("3", .day)).description == "2026-12-01")
        #expect(try date("2026-11-28").adding(dur("2", .week)).description == "2026-12-12")
        #expect(try date("2026-03-01").subtracting(dur("1", .day)).description == "2026-02-28")
        #expect(try time("2026-11-28T09:30").adding(dur("90", .minute)).description == "2026-11-28T11:00")
        #expect(try time("2026-11-28T23:30").adding(dur("1", .hour)).description == "2026-11-29T00:30")
        #expect(try time("2026-11-28T00:10").subtracting(dur("20", .minute)).description == "2026-11-27T23:50")
        let twoHours = try dur("2", .hour)
        #expect(throws: CalendarError.partialDay(twoHours)) { try date("2026-11-28").adding(twoHours) }
        #expect(throws: CalendarError.outOfRange) { try date("9999-12-31").adding(dur("1", .day)) }
        #expect(throws: CalendarError.outOfRange) { try date("0001-01-01").subtracting(dur("1", .day)) }
        #expect(throws: CalendarError.outOfRange) { try date("9999-12-01").adding(dur("1", .month)) }
        #expect(throws: CalendarError.outOfRange) { try time("9999-12-31T23:59").adding(dur("1", .minute)) }
        #expect(throws: CalendarError.outOfRange) { try date("2026-01-01").adding(CivicDuration(months: Int.max)) }
    }

    @Test func differences() throws {
        let gap = try date("2026-12-25").subtracting(date("2026-11-28"))
        #expect(gap == CivicDuration(seconds: 27 * 86_400))
        #expect(gap.description == "3 weeks 6 days")
        #expect(try date("2026-12-25").days(since: date("2026-11-28")) == 27)
        #expect(try date("2025-01-01").subtracting(date("2024-01-01")).seconds == 366 * 86_400)
        #expect(try date("2024-01-01").subtracting(date("2025-01-01")).description == "-52 weeks 2 days")
        let t = try time("2026-11-28T11:00").subtracting(time("2026-11-28T09:30"))
        #expect(t.description == "1 hour 30 minutes")
        #expect(t.months == 0 && t.seconds == 5_400)
        #expect(try time("2026-11-28T09:30:10").subtracting(time("2026-11-28T09:30")).description == "10 seconds")
    }

    // MARK: Periods

    @Test func periods() throws {
        let saturday = try date("2026-11-28")
        #expect(saturday.startOf(.day) == saturday)
        #expect(saturday.startOf(.week).description == "2026-11-23")
        #expect(saturday.startOf(.week).weekday == 1)
        #expect(try saturday.nextStart(of: .week).description == "2026-11-30")
        #expect(try date("2026-11-29").startOf(.week).description == "2026-11-23")   // Sunday
        #expect(try date("2026-11-30").startOf(.week).description == "2026-11-30")   // Monday
        #expect(saturday.startOf(.month).description == "2026-11-01")
        #expect(try saturday.nextStart(of: .month).description == "2026-12-01")
        #expect(try date("2026-12-31").nextStart(of: .month).description == "2027-01-01")
        #expect(saturday.startOf(.year).description == "2026-01-01")
        #expect(try saturday.nextStart(of: .year).description == "2027-01-01")
        #expect(try saturday.nextStart(of: .day).description == "2026-11-29")
        #expect(try date("2027-01-01").startOf(.week).description == "2026-12-28")   // across a year
        #expect(try date("0001-01-03").startOf(.week).description == "0001-01-01")
        #expect(throws: CalendarError.outOfRange) { try date("9999-12-31").nextStart(of: .year) }

        let t = try time("2026-11-28T09:30:15")
        #expect(t.startOf(.day).description == "2026-11-28T00:00")
        #expect(t.startOf(.week).description == "2026-11-23T00:00")
        #expect(t.startOf(.month).description == "2026-11-01T00:00")
        #expect(t.startOf(.year).description == "2026-01-01T00:00")
        #expect(try t.nextStart(of: .day).description == "2026-11-29T00:00")
        #expect(try t.nextStart(of: .month).description == "2026-12-01T00:00")
        #expect(CalendarPeriod(rawValue: "month") == .month)
        #expect(CalendarPeriod.allCases.count == 4)
    }

    @Test func errorMessages() throws {
        let e = CalendarError.partialDay(try dur("2", .hour))
        #expect(e.message.contains("2 hours"))
        #expect(CalendarError.fractionalCalendarUnit(try number("1.5"), .month).message
            == "1.5 months is not a whole number of months; months and years cannot be split")
        #expect(CalendarError.outOfRange.message == "the result falls outside the years 1 to 9999")
    }
}
