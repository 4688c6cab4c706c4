import Testing
import CivicSyntax

/// Parses a literal that the test expects to be valid.
private func num(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Number {
    try #require(Number(literal: text), "not a literal: \(text)", sourceLocation: sourceLocation)
}

private let max34 = "9999999999999999999999999999999999"   // 34 nines, the largest Number

@Suite("Number")
struct NumberTests {

    // MARK: Exactness

    @Test func pointOnePlusPointTwoIsPointThree() throws {
        let sum = try num("0.1").adding(num("0.2"))
        #expect(sum == (try num("0.3")))
        #expect(sum.description == "0.3")
        #expect(sum.coefficient == 3 && sum.scale == 1)
    }

    @Test func normalizedRepresentation() throws {
        let a = try num("1.50")
        #expect(a.coefficient == 15 && a.scale == 1)
        let b = try num("1.0")
        #expect(b.coefficient == 1 && b.scale == 0)
        #expect(try num("007") == Number(7))
        #expect(try num("-0").coefficient == 0)
        #expect(try num("-0.000") == Number.zero)
        #expect(try num("0.000100").coefficient == 1 && (try num("0.000100")).scale == 4)
        // Equal numbers hash alike.
        let set: Set<Number> = [try num("1.5"), try num("1.50"), try num("1.500"), try num("3").dividing(by: num("2"))]
        #expect(set.count == 1)
        #expect(Number(coefficient: 1500, scale: 3) == a)
        #expect(Number(coefficient: 15, scale: -2) == Number(1500))
    }

    @Test func integerFastPath() throws {
        #expect(try Number(40).adding(Number(2)) == Number(42))
        #expect(try Number(40).subtracting(Number(42)) == Number(-2))
        #expect(try Number(-6).multiplying(Number(7)) == Number(-42))
        // Int.max² has 38 digits: an overflow, not a value.
        #expect(throws: NumberError.overflow) { try Number(Int.max).multiplying(Number(Int.max)) }
        #expect(try Number(Int.max).multiplying(Number(1000)).description == "9223372036854775807000")
    }

    // MARK: Range and overflow

    @Test func largestNumbers() throws {
        let max = try num(max34)
        #expect(max == Number.greatestFiniteMagnitude)
        #expect(max.description == max34)
        #expect(throws: NumberError.overflow) { try max.adding(Number.one) }
        #expect(throws: NumberError.overflow) { try max.negated.subtracting(Number.one) }
        #expect(try max.subtracting(Number.one).description == "9999999999999999999999999999999998")
        // 10^17 × 10^17 = 10^34 has 35 digits.
        let e17 = Number(100_000_000_000_000_000)
        #expect(throws: NumberError.overflow) { try e17.multiplying(e17) }
        #expect(try e17.multiplying(Number(10_000_000_000_000_000)).description == "1" + String(repeating: "0", count: 33))
        // A product whose integer part needs 40 digits.
        #expect(throws: NumberError.overflow) {
            try num("12345678901234567890.12345").multiplying(num("98765432109876543210.54321"))
        }
        #expect(throws: NumberError.overflow) { try num("0.001").dividing(by: num("0.0000000000000000000000000000000000001")) }
        #expect(Number(literal: "1" + String(repeating: "0", count: 34)) == nil)
    }

    @Test func roundingToThirtyFourDigits() throws {
        let max = try num(max34)
        // max + 0.4 = ...99.4: rounds back down to max.
        #expect(try max.adding(num("0.4")) == max)
        // max + 0.5 = ...99.5: half to even rounds up to 10^34, which overflows.
        #expect(throws: NumberError.overflow) { try max.adding(num("0.5")) }
        let e33 = try num("1" + String(repeating: "0", count: 33))
        #expect(try e33.adding(num("0.5")) == e33)                                   // tie, ...0 is even
        #expect(try e33.adding(num("1.5")).description == "1" + String(repeating: "0", count: 32) + "2")
        #expect(try e33.adding(num("0.5000001")).description == "1" + String(repeating: "0", count: 32) + "1")
        // Far-apart scales.
        #expect(try Number.one.adding(num("0." + String(repeating: "0", count: 39) + "1")) == Number.one)
        #expect(try Number.one.subtracting(num("0.00000000000000000000000000000000006")).description
            == "0.9999999999999999999999999999999999")
        #expect(try Number.one.subtracting(num("0.00000000000000000000000000000000005")) == Number.one)   // tie to even
        // Products of two 34-digit coefficients.
        let nines = try num("0.9999999999999999999999999999999999")
        #expect(try nines.multiplying(nines).description == "0.9999999999999999999999999999999998")
        #expect(try num("1.000000000000000000000000000000001").multiplying(num("1.5")).description
            == "1.500000000000000000000000000000002")
        #expect(try num("1.000000000000000000000000000000003").multiplying(num("1.5")).description
            == "1.500000000000000000000000000000004")
        #expect(try Number(100_000_000_000_000_000).multiplying(num("99999999999999999.99")).description
            == "9999999999999999999000000000000000")
    }

    @Test func literalsRoundBeyond34Digits() throws {
        #expect(try num("0.12345678901234567890123456789012345").description == "0.1234567890123456789012345678901234")
        #expect(try num("0.123456789012345678901234567890123451").description == "0.1234567890123456789012345678901235")
        #expect(try num("0.12345678901234567890123456789012355").description == "0.1234567890123456789012345678901236")
        #expect(try num("1234567890123456789012345678901234.5").description == "1234567890123456789012345678901234")
        #expect(Number(literal: max34 + ".5") == nil)       // rounds to 10^34: out of range
        #expect(try num(max34 + ".4999").description == max34)
    }

    // MARK: Division and mod

    @Test func division() throws {
        #expect(try Number.one.dividing(by: Number(3)).description == "0.3333333333333333333333333333333333")
        #expect(try Number(2).dividing(by: Number(3)).description == "0.6666666666666666666666666666666667")
        #expect(try Number(-1).dividing(by: Number(3)).description == "-0.3333333333333333333333333333333333")
        #expect(try Number(10).dividing(by: Number(4)).description == "2.5")
        #expect(try Number(1).dividing(by: Number(8)).description == "0.125")
        #expect(try Number(1).dividing(by: Number(7)).description == "0.1428571428571428571428571428571429")
        #expect(try num(max34).dividing(by: Number(7)).description == "1428571428571428571428571428571428")
        #expect(try Number(100).dividing(by: num("0.01")) == Number(10_000))
        #expect(try num("1234.57").dividing(by: num("0.07")).description == "17636.71428571428571428571428571429")
        #expect(try num("0.1").dividing(by: Number(3)).description == "0.03333333333333333333333333333333333")
        #expect(try Number(42).dividing(by: Number(-6)) == Number(-7))
        #expect(throws: NumberError.divisionByZero) { try Number.one.dividing(by: Number.zero) }
        #expect(throws: NumberError.divisionByZero) { try Number.zero.dividing(by: num("0.0")) }
        // 1/3 × 3 is not 1: the rounding is visible, as in decimal128.
        #expect(try Number.one.dividing(by: Number(3)).multiplying(Number(3)).description == "0.9999999999999999999999999999999999")
    }

    @Test func modIsFloored() throws {
        #expect(try Number(-7).remainder(dividingBy: Number(3)) == Number(2))
        #expect(try Number(7).remainder(dividingBy: Number(-3)) == Number(-2))
        #expect(try Number(-7).remainder(dividingBy: Number(-3)) == Number(-1))
        #expect(try Number(7).remainder(dividingBy: Number(3)) == Number(1))
        #expect(try Number(6).remainder(dividingBy: Number(-3)) == Number.zero)
        #expect(try num("5.5").remainder(dividingBy: Number(2)) == (try num("1.5")))
        #expect(try num("-5.5").remainder(dividingBy: Number(2)) == (try num("0.5")))
        #expect(try num("5.5").remainder(dividingBy: num("-2")) == (try num("-0.5")))
        #expect(try Number(10).remainder(dividingBy: num("0.3")) == (try num("0.1")))
        #expect(try num("1" + String(repeating: "0", count: 33)).remainder(dividingBy: num("0.0007")) == (try num("0.0003")))
        #expect(throws: NumberError.divisionByZero) { try Number(5).remainder(dividingBy: Number.zero) }
        #expect(throws: NumberError.divisionByZero) { try num("5.5").remainder(dividingBy: Number.zero) }
    }

    // MARK: Comparison

    @Test func comparison() throws {
        #expect(try num("0.3") < num("0.31"))
        #expect(try num("-0.3") > num("-0.31"))
        #expect(try num("2") > num("1.999999999999999999999999999999999"))
        #expect(try num("100") > num("99.99"))
        #expect(try num("0.001") < num("0.01"))
        #expect(try num("-1") < Number.zero)
        #expect(try Number.zero < num("0.0000000001"))
        #expect(try num("12.50") == num("12.5"))
        #expect(try num("12.5").compare(to: num("12.50")) == 0)
        #expect(try num("12.5").compare(to: num("12.51")) == -1)
        #expect(Number(3).compare(to: Number(-3)) == 1)
        let sorted = try ["3", "-1.5", "0.25", "10", "-20", "0.3"].map { try num($0) }.sorted()
        #expect(sorted.map(\.description) == ["-20", "-1.5", "0.25", "0.3", "3", "10"])
    }

    // MARK: Text

    @Test func description() throws {
        #expect(Number(140).description == "140")
        #expect(Number.zero.description == "0")
        #expect(try num("-0.5").description == "-0.5")
        #expect(try num("1234.570").description == "1234.57")
        #expect(try num("0.000001").description == "0.000001")
        #expect(try num("-1000000").description == "-1000000")
        #expect(try num("0.5").negated.negated.description == "0.5")
        #expect(try num("-0.0").description == "0")
        #expect(Number(coefficient: 0, scale: 5).description == "0")
        #expect(Number(Int.min).description == "-9223372036854775808")
    }

    @Test func badLiterals() {
        for text in ["", "-", ".", "1.", ".5", "1.2.3", "--1", "+1", "1e5", " 1", "1 ", "1_000", "0x10", "1-", "١٢", "1,5", "Infinity", "NaN"] {
            #expect(Number(literal: text) == nil, "\(text) should not parse")
        }
    }

    @Test func percent() throws {
        #expect(Number.percent("70") == (try num("0.7")))
        #expect(Number.percent("12.5") == (try num("0.125")))
        #expect(Number.percent("100") == Number.one)
        #expect(Number.percent("-5")?.description == "-0.05")
        #expect(Number.percent("70%") == nil)
        #expect(Number.percent("abc") == nil)
    }

    // MARK: Rounding

    @Test func roundingRules() throws {
        func r(_ text: String, _ places: Int, _ rule: RoundingRule) throws -> String {
            try num(text).rounded(places: places, rule: rule).description
        }
        #expect(try r("2.5", 0, .halfAwayFromZero) == "3")
        #expect(try r("-2.5", 0, .halfAwayFromZero) == "-3")
        #expect(try r("2.5", 0, .halfEven) == "2")
        #expect(try r("3.5", 0, .halfEven) == "4")
        #expect(try r("-2.5", 0, .halfEven) == "-2")
        #expect(try r("2.9", 0, .down) == "2")
        #expect(try r("-2.9", 0, .down) == "-2")
        #expect(try r("2.1", 0, .floor) == "2")
        #expect(try r("-2.1", 0, .floor) == "-3")
        #expect(try r("2.1", 0, .ceiling) == "3")
        #expect(try r("-2.9", 0, .ceiling) == "-2")
        #expect(try r("1.005", 2, .halfAwayFromZero) == "1.01")
        #expect(try r("1.005", 2, .halfEven) == "1")
        #expect(try r("1234.5678", 2, .halfAwayFromZero) == "1234.57")
        #expect(try r("1234.5678", -1, .halfAwayFromZero) == "1230")
        #expect(try r("1235", -1, .halfAwayFromZero) == "1240")
        #expect(try r("1245", -1, .halfEven) == "1240")
        #expect(try r("1234", -2, .ceiling) == "1300")
        #expect(try r("0.4", -5, .ceiling) == "100000")
        #expect(try r("1.25", 5, .halfEven) == "1.25")                 // nothing to drop
        #expect(try num("1234.5678").rounded(places: 2) == (try num("1234.57")))   // default rule
        #expect(try r("0.001", 2, .halfAwayFromZero) == "0")
        #expect(throws: NumberError.overflow) { try num(max34).rounded(places: -1, rule: .halfAwayFromZero) }
        #expect(try num(max34).rounded(places: -1, rule: .down).description == "999999999999999999999999999999999" + "0")
        #expect(throws: NumberError.overflow) { try Number.one.rounded(places: Int.min, rule: .ceiling) }
        #expect(try Number.one.rounded(places: Int.min, rule: .floor) == Number.zero)
        #expect(try Number.one.rounded(places: Int.max) == Number.one)
    }

    @Test func formatted() throws {
        #expect(try num("12.3").formatted(places: 2) == "12.30")
        #expect(Number(12).formatted(places: 2) == "12.00")
        #expect(try num("1234.565").formatted(places: 2) == "1234.57")
        #expect(try num("-1234.565").formatted(places: 2) == "-1234.57")
        #expect(try num("0.125").formatted(places: 0) == "0")
        #expect(try num("0.5").formatted(places: 0) == "1")
        #expect(try num("-0.004").formatted(places: 2) == "0.00")
        #expect(try num("0.001").formatted(places: 4) == "0.0010")
        #expect(try num("3.14159").formatted(places: -1) == "3")
        #expect(Number.one.formatted(places: Int.max).utf8.count == 2 + Number.maxScale)
    }

    // MARK: Properties and conversions

    @Test func properties() throws {
        let x = try num("-12.5")
        #expect(x.isNegative && !x.isZero && !x.isInteger)
        #expect(x.sign == -1 && Number.zero.sign == 0 && Number(3).sign == 1)
        #expect(x.magnitude == (try num("12.5")) && x.abs == x.magnitude)
        #expect(x.negated == (try num("12.5")))
        #expect(x.intValue == nil)
        #expect(Number(42).intValue == 42)
        #expect(try num("42.0").intValue == 42)
        #expect(try num(max34).intValue == nil)
        #expect(Number(Int.min).intValue == Int.min)
        #expect(Number.zero.isZero && Number.one.isInteger)
    }

    @Test func coefficientInitNeverTraps() {
        #expect(Number(coefficient: Int128.max, scale: 0) == Number.greatestFiniteMagnitude)
        #expect(Number(coefficient: Int128.min, scale: 0) == Number.greatestFiniteMagnitude.negated)
        #expect(Number(coefficient: Int128.max, scale: 10).description == "17014118346046923173168730371.58841")   // ...58841|05727: 39 digits rounded to 34
        #expect(Number(coefficient: 5, scale: Int.min) == Number.greatestFiniteMagnitude)
        #expect(Number(coefficient: 5, scale: Int.max) == Number.zero)
        #expect(Number(coefficient: 12_300, scale: 4).description == "1.23")
        #expect(Number(coefficient: -7, scale: -3) == Number(-7000))
    }

    @Test func tinyNumbersRoundAtMaxScale() throws {
        let tiny = Number(coefficient: 1, scale: Number.maxScale)
        #expect(tiny.scale == Number.maxScale && tiny > Number.zero)
        #expect(Number(coefficient: 15, scale: Number.maxScale + 1) == Number(coefficient: 2, scale: Number.maxScale))
        #expect(Number(coefficient: 1, scale: Number.maxScale + 1) == Number.zero)
        #expect(try tiny.dividing(by: Number(3)) == Number.zero)
        #expect(try tiny.multiplying(tiny) == Number.zero)
        #expect(try tiny.adding(Number.one) == Number.one)
    }
}
