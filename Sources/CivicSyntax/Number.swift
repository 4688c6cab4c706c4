// Number.swift — Civic's exact decimal number.
//
// A Number is `coefficient × 10^-scale` with at most 34 significant digits (the
// precision of IEEE decimal128). It never uses binary floating point: not for
// arithmetic, parsing or printing. `0.1 + 0.2 == 0.3` holds.
//
// Invariants (every Number value satisfies them; `init(raw:scale:)` is the only
// unchecked initializer and is internal):
//   * |coefficient| < 10^34
//   * 0 <= scale <= Number.maxScale
//   * if scale > 0, coefficient is not a multiple of 10 (no trailing zeros)
//   * zero is (0, 0): there is no negative zero
// So equal numbers have equal representations, and the synthesized `==` and
// `hash(into:)` agree with numeric equality.
//
// Precision: results are exact whenever the exact result has at most 34
// significant digits; otherwise they are rounded to 34 significant digits, half
// to even. A result whose integer part would need more than 34 digits is an
// overflow error. A result with more than `maxScale` decimals (smaller than
// 10^-6176, like decimal128's subnormals) is rounded to `maxScale` decimals.

/// Why an arithmetic operation on ``Number`` failed.
public enum NumberError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Division or `mod` by zero.
    case divisionByZero
    /// The integer part of the result would need more than 34 digits.
    case overflow

    public var description: String {
        switch self {
        case .divisionByZero: return "division by zero"
        case .overflow: return "number too large: more than 34 digits before the decimal point"
        }
    }
}

/// How ``Number/rounded(places:rule:)`` treats the digits it drops.
public enum RoundingRule: Hashable, Sendable, CaseIterable {
    /// 2.5 → 3, -2.5 → -3 (the school rule; the default).
    case halfAwayFromZero
    /// 2.5 → 2, 3.5 → 4 (banker's rounding).
    case halfEven
    /// Toward zero: 2.9 → 2, -2.9 → -2.
    case down
    /// Toward minus infinity: 2.9 → 2, -2.1 → -3.
    case floor
    /// Toward plus infinity: 2.1 → 3, -2.9 → -2.
    case ceiling
}

/// An exact decimal number with up to 34 significant digits.
public struct Number: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The digits, with the sign. |coefficient| < 10^34.
    public let coefficient: Int128
    /// How many of the coefficient's digits are after the decimal point (>= 0).
    public let scale: Int

    /// Significant digits a Number keeps.
    public static let maxDigits = 34
    /// The most digits after the decimal point; smaller quantities round to this.
    public static let maxScale = 6176

    public static let zero = Number(raw: 0, scale: 0)
    public static let one = Number(raw: 1, scale: 0)
    /// The largest Number: 34 nines.
    public static let greatestFiniteMagnitude = Number(raw: limit - 1, scale: 0)

    /// 10^34, one past the largest coefficient.
    static let limit: Int128 = 10_000_000_000_000_000_000_000_000_000_000_000
    static let limitU: UInt128 = 10_000_000_000_000_000_000_000_000_000_000_000

    /// Unchecked: the caller guarantees the invariants.
    @inline(__always)
    init(raw coefficient: Int128, scale: Int) {
        self.coefficient = coefficient
        self.scale = scale
    }

    // MARK: - Making numbers

    public init(_ value: Int) {
        self.init(raw: Int128(value), scale: 0)
    }

    /// `coefficient × 10^-scale`, normalized and, if it has more than 34
    /// significant digits, rounded half to even. Never traps: a negative
    /// `scale` multiplies; a value whose magnitude would reach 10^34 is clamped
    /// to ±``greatestFiniteMagnitude``; a scale beyond ``maxScale`` rounds.
    public init(coefficient: Int128, scale: Int) {
        let negative = coefficient < 0
        // Any non-zero coefficient with scale <= -34 is already out of range.
        let s = scale < -40 ? -40 : scale
        do {
            self = try Number.finish(negative: negative, magnitude: coefficient.magnitude, scale: s, sticky: false)
        } catch {
            self = negative ? Number(raw: -(Number.limit - 1), scale: 0) : Number(raw: Number.limit - 1, scale: 0)
        }
    }

    /// Parses a literal: an optional leading `-`, one or more ASCII digits, and
    /// optionally a `.` followed by one or more digits (`1234.57`, `-3`, `007`).
    /// More than 34 significant digits are rounded half to even. Returns nil for
    /// anything else, and for a literal whose integer part has more than 34
    /// digits.
    public init?(literal: String) {
        guard let n = Number.parse(literal, extraScale: 0) else { return nil }
        self = n
    }

    /// A percentage literal (the text before `%`) as a fraction: "70" → 0.7,
    /// "12.5" → 0.125. Same syntax as ``init(literal:)``.
    public static func percent(_ literal: String) -> Number? {
        parse(literal, extraScale: 2)
    }

    private static func parse(_ text: String, extraScale: Int) -> Number? {
        var magnitude: UInt128 = 0
        var significant = 0          // digits stored in `magnitude`
        var scale = extraScale
        var sticky = false           // a non-zero digit was dropped
        var negative = false
        var seenPoint = false
        var digitsBefore = 0
        var digitsAfter = 0
        var first = true
        for byte in text.utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = UInt128(byte &- UInt8(ascii: "0"))
                if seenPoint { digitsAfter += 1 } else { digitsBefore += 1 }
                if significant == 0 && digit == 0 {
                    // A leading zero is not significant, but after the point it
                    // still moves the digits that follow.
                    if seenPoint { scale += 1 }
                } else if significant < 38 {
                    magnitude = magnitude &* 10 &+ digit
                    significant += 1
                    if seenPoint { scale += 1 }
                } else {
                    // Beyond what we keep: remember only whether it was zero.
                    if digit != 0 { sticky = true }
                    if !seenPoint { scale -= 1 }
                }
            case UInt8(ascii: "."):
                if seenPoint || digitsBefore == 0 { return nil }
                seenPoint = true
            case UInt8(ascii: "-"):
                if !first { return nil }
                negative = true
            default:
                return nil
            }
        }
        if digitsBefore == 0 || (seenPoint && digitsAfter == 0) { return nil }
        // 38 kept digits: `finish` drops at least four of them when `sticky`.
        return try? finish(negative: negative, magnitude: magnitude, scale: scale, sticky: sticky)
    }

    // MARK: - Properties

    public var isZero: Bool { coefficient == 0 }
    public var isNegative: Bool { coefficient < 0 }
    /// True for whole numbers (a normalized Number has no zero decimals).
    public var isInteger: Bool { scale == 0 }
    /// -1, 0 or 1.
    public var sign: Int { coefficient < 0 ? -1 : (coefficient == 0 ? 0 : 1) }
    /// The absolute value.
    public var magnitude: Number { coefficient < 0 ? Number(raw: -coefficient, scale: scale) : self }
    /// The absolute value (same as ``magnitude``).
    public var abs: Number { magnitude }
    /// The value as an Int, or nil if it is not a whole number or out of range.
    public var intValue: Int? { scale == 0 ? Int(exactly: coefficient) : nil }

    /// The number with the opposite sign. Never fails (the range is symmetric).
    public var negated: Number {
        Number(raw: 0 &- coefficient, scale: scale)
    }

    // MARK: - Arithmetic

    public func adding(_ other: Number) throws(NumberError) -> Number {
        if (scale | other.scale) == 0 {
            let (r, o) = coefficient.addingReportingOverflow(other.coefficient)
            if o || r >= Number.limit || r <= -Number.limit { throw .overflow }
            return Number(raw: r, scale: 0)
        }
        return try Number.addSlow(self, other, negateOther: false)
    }

    public func subtracting(_ other: Number) throws(NumberError) -> Number {
        if (scale | other.scale) == 0 {
            let (r, o) = coefficient.subtractingReportingOverflow(other.coefficient)
            if o || r >= Number.limit || r <= -Number.limit { throw .overflow }
            return Number(raw: r, scale: 0)
        }
        return try Number.addSlow(self, other, negateOther: true)
    }

    public func multiplying(_ other: Number) throws(NumberError) -> Number {
        if (scale | other.scale) == 0 {
            let (r, o) = coefficient.multipliedReportingOverflow(by: other.coefficient)
            if o || r >= Number.limit || r <= -Number.limit { throw .overflow }
            return Number(raw: r, scale: 0)
        }
        return try Number.multiplySlow(self, other)
    }

    /// Exact when the quotient terminates within 34 significant digits,
    /// otherwise rounded to 34 significant digits, half to even.
    public func dividing(by other: Number) throws(NumberError) -> Number {
        if other.coefficient == 0 { throw .divisionByZero }
        if coefficient == 0 { return .zero }
        if (scale | other.scale) == 0 {
            // |coefficients| < 10^34, so neither division can overflow.
            let (q, r) = coefficient.quotientAndRemainder(dividingBy: other.coefficient)
            if r == 0 { return Number(raw: q, scale: 0) }
        }
        return try Number.divideSlow(self, other)
    }

    /// The language's `mod`: floored, so the result has the sign of the
    /// divisor (`-7 mod 3 == 2`, `7 mod -3 == -2`, `5.5 mod 2 == 1.5`).
    public func remainder(dividingBy other: Number) throws(NumberError) -> Number {
        if other.coefficient == 0 { throw .divisionByZero }
        if coefficient == 0 { return .zero }
        if (scale | other.scale) == 0 {
            var r = coefficient % other.coefficient
            if r != 0 && ((r < 0) != (other.coefficient < 0)) { r += other.coefficient }
            return Number(raw: r, scale: 0)
        }
        return try Number.remainderSlow(self, other)
    }

    // MARK: - Comparison

    public static func < (lhs: Number, rhs: Number) -> Bool {
        if (lhs.scale | rhs.scale) == 0 { return lhs.coefficient < rhs.coefficient }
        return compareSlow(lhs, rhs) < 0
    }

    /// -1, 0 or 1 as `self` is less than, equal to or greater than `other`.
    public func compare(to other: Number) -> Int {
        if (scale | other.scale) == 0 {
            return coefficient < other.coefficient ? -1 : (coefficient == other.coefficient ? 0 : 1)
        }
        return Number.compareSlow(self, other)
    }

    // MARK: - Rounding and formatting

    /// Rounds to `places` digits after the decimal point; a negative `places`
    /// rounds to tens (-1), hundreds (-2), ... Throws ``NumberError/overflow``
    /// only if rounding up leaves the range (e.g. 34 nines to the nearest ten).
    public func rounded(places: Int, rule: RoundingRule = .halfAwayFromZero) throws(NumberError) -> Number {
        if scale <= places { return self }
        // For places <= -35 every result is 0 or out of range; -40 behaves the same.
        let target = places < -40 ? -40 : places
        let drop = scale - target                      // >= 1
        let negative = coefficient < 0
        let m = coefficient.magnitude
        var q: UInt128
        let remainderNonZero: Bool
        let order: Int                                 // remainder vs half a unit
        if drop > 38 {
            // m < 10^39 <= half a unit, as 5 × 10^38 > UInt128.max.
            q = 0
            remainderNonZero = m != 0
            order = -1
        } else {
            let p = Number.pow10(drop)
            q = m / p
            let r = m - q * p
            let half = p / 2
            remainderNonZero = r != 0
            order = r < half ? -1 : (r == half ? 0 : 1)
        }
        let up: Bool
        switch rule {
        case .halfAwayFromZero: up = order >= 0
        case .halfEven: up = order > 0 || (order == 0 && q & 1 == 1)
        case .down: up = false
        case .floor: up = negative && remainderNonZero
        case .ceiling: up = !negative && remainderNonZero
        }
        if up { q += 1 }
        return try Number.finish(negative: negative, magnitude: q, scale: target, sticky: false)
    }

    /// The number with exactly `places` decimals (rounded half away from zero),
    /// as a person writes it: `12.3.formatted(places: 2) == "12.30"`. A
    /// negative `places` is treated as 0, and more than ``maxScale`` as
    /// `maxScale` (so a huge request cannot exhaust memory).
    public func formatted(places: Int) -> String {
        let places = places < 0 ? 0 : (places > Number.maxScale ? Number.maxScale : places)
        // Rounding to places >= 0 cannot overflow: a number with decimals has at
        // most 33 integer digits.
        let r = (try? rounded(places: places, rule: .halfAwayFromZero)) ?? self
        var text = r.description
        if places > r.scale {
            if r.scale == 0 { text += "." }
            text += String(repeating: "0", count: places - r.scale)
        }
        return text
    }

    /// Plain decimal notation: "0.3", "140", "-0.5". Never an exponent, never
    /// trailing zeros, "0" for zero.
    public var description: String {
        if coefficient == 0 { return "0" }
        let digits = String(coefficient.magnitude)
        var text = coefficient < 0 ? "-" : ""
        if scale == 0 {
            text += digits
        } else if digits.utf8.count > scale {
            let split = digits.index(digits.endIndex, offsetBy: -scale)
            text += digits[..<split]
            text += "."
            text += digits[split...]
        } else {
            text += "0."
            text += String(repeating: "0", count: scale - digits.utf8.count)
            text += digits
        }
        return text
    }
}

// MARK: - The slow paths

extension Number {
    /// 10^n for 0 <= n <= 38 (0 otherwise, never used).
    @inline(__always)
    static func pow10(_ n: Int) -> UInt128 {
        switch n {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1_000
        case 4: return 10_000
        case 5: return 100_000
        case 6: return 1_000_000
        case 7: return 10_000_000
        case 8: return 100_000_000
        case 9: return 1_000_000_000
        case 10: return 10_000_000_000
        case 11: return 100_000_000_000
        case 12: return 1_000_000_000_000
        case 13: return 10_000_000_000_000
        case 14: return 100_000_000_000_000
        case 15: return 1_000_000_000_000_000
        case 16: return 10_000_000_000_000_000
        case 17: return 100_000_000_000_000_000
        case 18: return 1_000_000_000_000_000_000
        case 19: return 10_000_000_000_000_000_000
        case 20: return 100_000_000_000_000_000_000
        case 21: return 1_000_000_000_000_000_000_000
        case 22: return 10_000_000_000_000_000_000_000
        case 23: return 100_000_000_000_000_000_000_000
        case 24: return 1_000_000_000_000_000_000_000_000
        case 25: return 10_000_000_000_000_000_000_000_000
        case 26: return 100_000_000_000_000_000_000_000_000
        case 27: return 1_000_000_000_000_000_000_000_000_000
        case 28: return 10_000_000_000_000_000_000_000_000_000
        case 29: return 100_000_000_000_000_000_000_000_000_000
        case 30: return 1_000_000_000_000_000_000_000_000_000_000
        case 31: return 10_000_000_000_000_000_000_000_000_000_000
        case 32: return 100_000_000_000_000_000_000_000_000_000_000
        case 33: return 1_000_000_000_000_000_000_000_000_000_000_000
        case 34: return 10_000_000_000_000_000_000_000_000_000_000_000
        case 35: return 100_000_000_000_000_000_000_000_000_000_000_000
        case 36: return 1_000_000_000_000_000_000_000_000_000_000_000_000
        case 37: return 10_000_000_000_000_000_000_000_000_000_000_000_000
        case 38: return 100_000_000_000_000_000_000_000_000_000_000_000_000
        default: return 0
        }
    }

    /// The number of decimal digits of `m` (0 for 0).
    @inline(__always)
    static func digitCount(_ m: UInt128) -> Int {
        let bits = 128 - m.leadingZeroBitCount
        let t = (bits &* 1233) >> 12                   // about bits × log10(2)
        return m >= pow10(t) ? t + 1 : t
    }

    /// Makes a Number from the exact value `(magnitude + ε) × 10^-scale`, where
    /// ε is in [0, 1) and `sticky` says whether ε is non-zero. Rounds half to
    /// even to 34 significant digits and to at most `maxScale` decimals, removes
    /// trailing zeros. When `sticky` is true the caller guarantees that at least
    /// one digit is dropped (magnitude has 35 or more digits).
    static func finish(negative: Bool, magnitude: UInt128, scale: Int, sticky: Bool) throws(NumberError) -> Number {
        var m = magnitude
        var s = scale
        if m == 0 { return .zero }
        var drop = digitCount(m) - maxDigits
        if s - maxScale > drop { drop = s - maxScale }
        if drop > 0 {
            // 5 × 10^38 (half a unit at drop 39) exceeds every UInt128: rounds to 0.
            if drop > 38 { return .zero }
            let p = pow10(drop)
            var q = m / p
            let r = m - q * p
            let half = p / 2
            if r > half || (r == half && (sticky || q & 1 == 1)) {
                q += 1
                if q == limitU {
                    q = limitU / 10
                    drop += 1
                }
            }
            if q == 0 { return .zero }
            m = q
            s -= drop
        }
        if s < 0 {
            // m has at most 34 digits; the value is m × 10^-s.
            if s < -33 { throw .overflow }
            let (p, o) = m.multipliedReportingOverflow(by: pow10(-s))
            if o || p >= limitU { throw .overflow }
            m = p
            s = 0
        } else if s > 0 {
            stripZeros(&m, &s)
        }
        let c = Int128(truncatingIfNeeded: m)           // m < 10^34
        return Number(raw: negative ? -c : c, scale: s)
    }

    /// Removes trailing decimal zeros while scale > 0. Each decimal zero is also
    /// a binary zero, which bounds the work cheaply.
    @inline(__always)
    static func stripZeros(_ m: inout UInt128, _ s: inout Int) {
        var most = m.trailingZeroBitCount
        if most > s { most = s }
        if most == 0 { return }
        if m <= UInt128(UInt64.max) {
            var small = UInt64(truncatingIfNeeded: m)
            while most >= 4 && small % 10_000 == 0 { small /= 10_000; s -= 4; most -= 4 }
            while most >= 1 && small % 10 == 0 { small /= 10; s -= 1; most -= 1 }
            m = UInt128(small)
            return
        }
        while most >= 16 && m % 10_000_000_000_000_000 == 0 { m /= 10_000_000_000_000_000; s -= 16; most -= 16 }
        while most >= 4 && m % 10_000 == 0 { m /= 10_000; s -= 4; most -= 4 }
        while most >= 1 && m % 10 == 0 { m /= 10; s -= 1; most -= 1 }
    }

    static func addSlow(_ a: Number, _ b: Number, negateOther: Bool) throws(NumberError) -> Number {
        if b.coefficient == 0 { return a }
        if a.coefficient == 0 { return negateOther ? b.negated : b }
        let aNegative = a.coefficient < 0
        let bNegative = (b.coefficient < 0) != negateOther
        // x has the larger (or equal) scale.
        let swap = a.scale < b.scale
        let xNegative = swap ? bNegative : aNegative
        let yNegative = swap ? aNegative : bNegative
        let mx = swap ? b.coefficient.magnitude : a.coefficient.magnitude
        let my = swap ? a.coefficient.magnitude : b.coefficient.magnitude
        let sx = swap ? b.scale : a.scale
        let sy = swap ? a.scale : b.scale
        let d = sx - sy
        let yDigits = digitCount(my)
        let x: UInt128
        let y: UInt128
        let scale: Int
        var sticky = false
        if yDigits + d <= 38 {
            // Align exactly: my × 10^d < 10^38, the sum < 2^128.
            y = my * pow10(d)
            x = mx
            scale = sx
        } else {
            // y dominates (>= 10^38 units of x's last place, x < 10^34 of them):
            // give y 37 digits and cut x's digits below that, keeping a sticky bit.
            let shift = 37 - yDigits
            y = my * pow10(shift)
            scale = sy + shift
            let cut = sx - scale                       // >= 2
            if cut > 38 {
                x = 0
                sticky = mx != 0
            } else {
                let p = pow10(cut)
                let q = mx / p
                x = q
                sticky = mx - q * p != 0
            }
        }
        if xNegative == yNegative {
            return try finish(negative: xNegative, magnitude: x + y, scale: scale, sticky: sticky)
        }
        if sticky {
            // |y| - (x + ε) = (y - x - 1) + (1 - ε), with 1 - ε in (0, 1).
            return try finish(negative: yNegative, magnitude: y - x - 1, scale: scale, sticky: true)
        }
        if x >= y {
            return try finish(negative: xNegative, magnitude: x - y, scale: scale, sticky: false)
        }
        return try finish(negative: yNegative, magnitude: y - x, scale: scale, sticky: false)
    }

    static func multiplySlow(_ a: Number, _ b: Number) throws(NumberError) -> Number {
        if a.coefficient == 0 || b.coefficient == 0 { return .zero }
        let negative = (a.coefficient < 0) != (b.coefficient < 0)
        let scale = a.scale + b.scale
        let (high, low) = a.coefficient.magnitude.multipliedFullWidth(by: b.coefficient.magnitude)
        if high == 0 {
            return try finish(negative: negative, magnitude: low, scale: scale, sticky: false)
        }
        // The product P (< 10^68) needs more than 128 bits. With `bits` its bit
        // length, P has between `lower` and `lower + 1` digits. Divide by
        // 10^(lower - 35) so that the quotient keeps 35 or 36 digits (< 2^128)
        // and `finish` rounds it with the remainder as a sticky bit.
        let bits = 256 - high.leadingZeroBitCount
        let lower = (((bits - 1) &* 1233) >> 12) + 1
        let drop = lower - 35                         // 4 ... 33
        let (q, r) = pow10(drop).dividingFullWidth((high: high, low: low))
        return try finish(negative: negative, magnitude: q, scale: scale - drop, sticky: r != 0)
    }

    static func divideSlow(_ a: Number, _ b: Number) throws(NumberError) -> Number {
        let negative = (a.coefficient < 0) != (b.coefficient < 0)
        let ma = a.coefficient.magnitude
        let mb = b.coefficient.magnitude
        // Q = floor(ma × 10^p / mb) lies in [10^34, 10^36): 35 or 36 digits.
        let p = 35 + digitCount(mb) - digitCount(ma)   // 2 ... 68
        var q = ma / mb
        var r = ma - q * mb
        var left = p
        while left > 0 {
            let step = left < 38 ? left : 38
            let scaleUp = pow10(step)
            // r < mb, so r × 10^step / mb < 10^step fits, and high < mb.
            let (high, low) = r.multipliedFullWidth(by: scaleUp)
            let (t, r2) = mb.dividingFullWidth((high: high, low: low))
            q = q * scaleUp + t
            r = r2
            left -= step
        }
        return try finish(negative: negative, magnitude: q, scale: a.scale - b.scale + p, sticky: r != 0)
    }

    static func remainderSlow(_ a: Number, _ b: Number) throws(NumberError) -> Number {
        let aNegative = a.coefficient < 0
        let bNegative = b.coefficient < 0
        let ma = a.coefficient.magnitude
        let mb = b.coefficient.magnitude
        let scale = a.scale > b.scale ? a.scale : b.scale
        // The truncated remainder |a| mod |b|, in units of 10^-scale.
        var rt: UInt128
        if a.scale >= b.scale {
            let d = a.scale - b.scale
            if d > 38 {
                rt = ma                                 // |b| >= 10^39 units > |a|
            } else {
                let (bigB, o) = mb.multipliedReportingOverflow(by: pow10(d))
                rt = o ? ma : ma % bigB
            }
        } else {
            // (ma × 10^d) mod mb, 38 digits at a time.
            var d = b.scale - a.scale
            rt = ma % mb
            while d > 0 && rt != 0 {
                let step = d < 38 ? d : 38
                let (high, low) = rt.multipliedFullWidth(by: pow10(step))
                rt = mb.dividingFullWidth((high: high, low: low)).remainder
                d -= step
            }
        }
        // rt < 10^34 and scale <= maxScale: exact.
        let r = try finish(negative: aNegative, magnitude: rt, scale: scale, sticky: false)
        if r.coefficient != 0 && aNegative != bNegative {
            return try r.adding(b)
        }
        return r
    }

    static func compareSlow(_ lhs: Number, _ rhs: Number) -> Int {
        let ls = lhs.sign
        let rs = rhs.sign
        if ls != rs { return ls < rs ? -1 : 1 }
        if ls == 0 { return 0 }
        let order = compareMagnitudes(lhs.coefficient.magnitude, lhs.scale, rhs.coefficient.magnitude, rhs.scale)
        return ls > 0 ? order : -order
    }

    static func compareMagnitudes(_ ma: UInt128, _ sa: Int, _ mb: UInt128, _ sb: Int) -> Int {
        if sa == sb { return ma < mb ? -1 : (ma == mb ? 0 : 1) }
        let da = digitCount(ma)
        let db = digitCount(mb)
        // Position of the leading digit relative to the decimal point.
        let ea = da - sa
        let eb = db - sb
        if ea != eb { return ea < eb ? -1 : 1 }
        // Same leading position: |sa - sb| = |da - db| <= 33, no overflow.
        if sa > sb {
            let bb = mb * pow10(sa - sb)
            return ma < bb ? -1 : (ma == bb ? 0 : 1)
        }
        let aa = ma * pow10(sb - sa)
        return aa < mb ? -1 : (aa == mb ? 0 : 1)
    }
}

/// `let n: Number = 20`, for programs that embed Civic.
extension Number: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}
