import CivicStore
import CivicSyntax

/// A declared split: shares that add up to 100%, in the order written, and
/// the unit amounts are exact to.
public struct Split: Sendable {
    public var name: String
    public var shares: [(party: String, share: Number)]
    public var unit: Number

    public init(name: String, shares: [(party: String, share: Number)], unit: Number = Number(coefficient: 1, scale: 2)) {
        self.name = name
        self.shares = shares
        self.unit = unit
    }

    /// Shares `amount` out: each party gets its share rounded down to the unit,
    /// and the units left over go one each to the largest remainders (ties to
    /// the party written first), so the parts always add up to the amount.
    public func allocate(_ amount: Number) throws(BuiltinError) -> [(party: String, amount: Number)] {
        if amount.isNegative {
            throw BuiltinError("allocate shares out an amount of 0 or more, found \(amount)", argument: 0)
        }
        let units: Number
        do { units = try amount.dividing(by: unit) } catch { throw BuiltinError("the split's unit \(unit) cannot share out \(amount)", argument: 0) }
        guard units.isInteger else {
            throw BuiltinError("\(amount) is not a whole number of \(unit)s, so it cannot be split exactly", argument: 0,
                               hint: "round it to the split's unit first, as in round(x, 2)")
        }
        var parts: [(party: String, units: Number, remainder: Number, order: Int)] = []
        var given = Number.zero
        for (i, s) in shares.enumerated() {
            do {
                let exact = try units.multiplying(s.share)
                let whole = try exact.rounded(places: 0, rule: .floor)
                parts.append((s.party, whole, try exact.subtracting(whole), i))
                given = try given.adding(whole)
            } catch {
                throw BuiltinError("the amount \(amount) is too large to split", argument: 0)
            }
        }
        var left = ((try? units.subtracting(given)) ?? .zero).intValue ?? 0
        let byRemainder = parts.indices.sorted { a, b in
            parts[a].remainder != parts[b].remainder ? parts[a].remainder > parts[b].remainder : parts[a].order < parts[b].order
        }
        for i in byRemainder where left > 0 {
            parts[i].units = (try? parts[i].units.adding(.one)) ?? parts[i].units
            left -= 1
        }
        return parts.map { ($0.party, (try? $0.units.multiplying(unit)) ?? .zero) }
    }
}

extension BuiltinLibrary {
    static let splitImplementations: [String: BuiltinImplementation] = ["allocate": allocate]

    static let partShape = RecordShape(["party", "amount"])

    static func allocate(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        guard values.count == 2 else { throw BuiltinError("allocate takes 2 arguments, found \(values.count)") }
        guard case .number(let amount) = values[0] else {
            throw BuiltinError("allocate needs a Number to share out, found \(values[0].typeNameWithArticle)", argument: 0)
        }
        guard case .text(let name) = values[1] else {
            throw BuiltinError("allocate needs the split's name as a Text, found \(values[1].typeNameWithArticle)", argument: 1)
        }
        guard let split = environment.splits[name] else {
            let known = environment.splits.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw BuiltinError("there is no split \"\(name)\"", argument: 1,
                               hint: known.isEmpty ? "declare it with 'split \"\(name)\" { 70% to \"...\" ... }'" : "the splits are \(known)")
        }
        return .list(try split.allocate(amount).map { .record(Record(shape: partShape, values: [.text($0.party), .number($0.amount)])) })
    }
}

extension Compiler {
    /// Compiles the `split` declarations: their shares must add up to 100%.
    mutating func splits(_ statements: [Stmt]) -> [Split] {
        var out: [Split] = []
        for s in statements {
            guard case .split(let nameExpr, let lines) = s.kind else { continue }
            guard case .success(.text(let name)) = Compiler.constant(nameExpr, in: program) else {
                diagnostics.append(.error("a split's name must be a Text", at: nameExpr.span))
                continue
            }
            var split = Split(name: name, shares: [])
            var total = Number.zero
            for line in lines {
                switch line {
                case .share(let shareExpr, let partyExpr, _):
                    guard case .success(.number(let share)) = Compiler.constant(shareExpr, in: program), share > .zero else {
                        diagnostics.append(.error("a share must be a Number above 0, as in 70%", at: shareExpr.span))
                        continue
                    }
                    guard case .success(.text(let party)) = Compiler.constant(partyExpr, in: program) else {
                        diagnostics.append(.error("a party must be a Text", at: partyExpr.span))
                        continue
                    }
                    split.shares.append((party, share))
                    total = (try? total.adding(share)) ?? total
                case .roundTo(let unitExpr, _):
                    guard case .success(.number(let unit)) = Compiler.constant(unitExpr, in: program), unit > .zero else {
                        diagnostics.append(.error("'round to' needs a Number above 0, as in 0.01", at: unitExpr.span))
                        continue
                    }
                    split.unit = unit
                }
            }
            if total != .one, !split.shares.isEmpty {
                diagnostics.append(.error("the shares of \"\(name)\" add up to \((try? total.multiplying(Number(100))) ?? total)%, not 100%", at: s.span))
            }
            out.append(split)
        }
        return out
    }
}
