import Foundation
import CivicSyntax
import CivicStore
import CivicRuntime

extension Engine {
    /// Checks the invariants of the store's books, and says which fail:
    /// every balance equals the sum of its ledger entries; every entry has a
    /// balance; no balance is below its account's floor or above `at most`;
    /// for accounts whose credits expire, the lots hold exactly the balance;
    /// every holder in the ledger exists; every event the ledger names is
    /// stored (an event is never half applied, nor handled twice); every
    /// budget's total equals its rule's awards in the period; no stock is negative.
    ///
    /// It reads one snapshot of the store (a transaction that only reads),
    /// so runs writing at the same moment neither wait for it nor make it
    /// see half of what they did.
    public func verify() -> [String] {
        do throws(StoreError) {
            try store.beginReading()
        } catch {
            return [error.message]
        }
        defer { store.rollback() }
        return Engine.verify(store)
    }

    /// Checks the invariants of a store's books (see `verify()`), inside
    /// whatever transaction the store has open.
    public static func verify(_ store: Store) -> [String] {
        var problems: [String] = []
        do throws(StoreError) {
            let schema = try store.storedSchema()
            guard schema.entity(Books.ledger) != nil else { return [] }
            var sums: [String: Number] = [:]
            var holders: [String: (entity: String, key: String)] = [:]
            var events: Set<[String]> = []
            var awarded: [String: Number] = [:]
            for row in try store.fetch(StoreQuery(entity: Books.ledger), []) {
                if case .text(let type)? = row["event_type"], case .text(let id)? = row["event_id"] { events.insert([type, id]) }
                if case .text(LedgerEntry.Kind.award.rawValue)? = row["kind"], case .text(let rule)? = row["rule"],
                   case .text(let account)? = row["account"], case .time(let at)? = row["at"], case .number(let amount)? = row["amount"] {
                    for period in CalendarPeriod.allCases {
                        let k = "budget|\(rule)|\(account)|\(period.rawValue)|\(at.startOf(period))"
                        awarded[k] = (try? (awarded[k] ?? .zero).adding(amount)) ?? amount
                    }
                }
                guard case .text(let account)? = row["account"], case .text(let entity)? = row["holder_entity"],
                      case .text(let key)? = row["holder_key"], case .number(let amount)? = row["amount"] else {
                    problems.append("a ledger entry is incomplete: \(row.values.map { $0.literal() }.joined(separator: ", "))")
                    continue
                }
                let k = "\(account)|\(entity)|\(key)"
                sums[k] = (try? (sums[k] ?? .zero).adding(amount)) ?? amount
                holders[k] = (entity, key)
            }
            var balances: [String: Number] = [:]
            for row in try store.fetch(StoreQuery(entity: Books.balance), []) {
                guard case .text(let k)? = row["key"], case .number(let b)? = row["balance"] else { continue }
                balances[k] = b
                let sum = sums[k] ?? .zero
                if sum != b { problems.append("the balance of \(k) is \(b), but its ledger entries add up to \(sum)") }
            }
            for (k, sum) in sums where balances[k] == nil {
                problems.append("\(k) has ledger entries adding up to \(sum) but no balance")
            }
            var floors: [String: (Number, Number?)] = [:]
            for row in try store.fetch(StoreQuery(entity: Books.account), []) {
                guard case .text(let name)? = row["name"], case .text(let holder)? = row["holder"],
                      case .number(let least)? = row["at_least"] else { continue }
                var most: Number?
                if case .number(let m)? = row["at_most"] { most = m }
                floors["\(name)|\(holder)"] = (least, most)
            }
            for (k, b) in balances {
                let parts = k.split(separator: "|", maxSplits: 2).map(String.init)
                guard parts.count == 3 else { continue }
                let (least, most) = floors["\(parts[0])|\(parts[1])"] ?? (.zero, nil)
                if b < least { problems.append("the balance of \(k) is \(b), below its floor \(least)") }
                if let most, b > most { problems.append("the balance of \(k) is \(b), above its limit \(most)") }
            }
            var lotSums: [String: Number] = [:]
            for row in try store.fetch(StoreQuery(entity: Books.lot), []) {
                guard case .text(let account)? = row["account"], case .text(let entity)? = row["holder_entity"],
                      case .text(let key)? = row["holder_key"], case .number(let remaining)? = row["remaining"] else { continue }
                if remaining.isNegative { problems.append("a lot of \(account)|\(entity)|\(key) holds \(remaining), below 0") }
                let k = "\(account)|\(entity)|\(key)"
                lotSums[k] = (try? (lotSums[k] ?? .zero).adding(remaining)) ?? remaining
            }
            for (k, sum) in lotSums where sum != (balances[k] ?? .zero) {
                problems.append("the lots of \(k) hold \(sum), but its balance is \(balances[k] ?? .zero)")
            }
            for (k, holder) in holders {
                guard let entity = schema.entity(holder.entity), let keyField = entity.key else {
                    problems.append("\(k): the ledger names an entity '\(holder.entity)' the store does not have")
                    continue
                }
                let key: Value = keyField.type == .number ? (Number(literal: holder.key).map { .number($0) } ?? .text(holder.key)) : .text(holder.key)
                if try store.row(holder.entity, key: key) == nil {
                    problems.append("\(k): the ledger names \(holder.entity) \(holder.key), which does not exist")
                }
            }
            for event in events.sorted(by: { $0.lexicographicallyPrecedes($1) }) where event.count == 2 {
                guard schema.entity(event[0]) != nil, try store.contains(event[0], key: .text(event[1])) else {
                    problems.append("the ledger has entries for \(event[0]) \(event[1]), which is not stored")
                    continue
                }
            }
            if schema.entity(Books.window) != nil {
                for row in try store.fetch(StoreQuery(entity: Books.window), []) {
                    guard case .text(let k)? = row["key"], k.hasPrefix("budget|"), case .number(let total)? = row["total"] else { continue }
                    let sum = awarded[k] ?? .zero
                    if sum != total { problems.append("the budget window \(k) holds \(total), but its rule's awards add up to \(sum)") }
                }
            }
            for row in try store.fetch(StoreQuery(entity: Books.stock), []) {
                if case .number(let n)? = row["remaining"], n.isNegative, case .text(let item)? = row["item"] {
                    problems.append("the stock of \(item) is \(n), below 0")
                }
            }
            problems = problems.map { maskPrivateKeys($0, holders.values, schema) }
        } catch {
            problems.append("the store cannot be read: \(error.message)")
        }
        return problems.sorted()
    }

    /// A problem with the keys of holders whose entity keeps its key private
    /// masked, as every other way out of Civic masks them.
    static func maskPrivateKeys(_ problem: String, _ holders: some Sequence<(entity: String, key: String)>,
                                _ schema: StoreSchema) -> String {
        var text = problem
        for holder in holders where schema.entity(holder.entity)?.key?.isPrivate == true {
            let masked = Value.mask(holder.key)
            text = text.replacing("\(holder.entity)|\(holder.key)", with: "\(holder.entity)|\(masked)")
                .replacing("\(holder.entity) \(holder.key)", with: "\(holder.entity) \(masked)")
        }
        return text
    }
}
