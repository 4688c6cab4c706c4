// Assignment.swift — the algorithm behind grid assignment:
//
//     assign Household to Worker where role == "grid" {
//       weight members        # Item.weight (default: 1 per item)
//       together building     # Item.group (nil: the item is a group of its own)
//       at most 300           # atMost: items per worker
//     }
//
// `Assignment.assign` is pure: it takes the items (with the worker each has
// now, if any), the eligible workers and the limit, and returns where every
// item goes, how many items changed worker, what could not be placed and why,
// and each worker's load. It knows nothing of stores or scripts; the
// interpreter reads the entities, calls it, and writes the result back.
//
// # What it guarantees
//
// The *average* is the total weight placed divided by the number of workers;
// a worker's *load* is the weight of its items; a group's weight is the sum of
// its items' weights.
//
// * **Groups are never split.** Every item of a group goes to the same worker,
//   or the whole group is reported as unplaced.
// * **`at most` is a hard limit** on the number of items of every worker.
// * **Nothing is dropped silently.** Every item is either in `placement` or in
//   `unplaced`, with a reason: a group larger than `at most`, no workers, no
//   worker with room left (then, at the end, no worker has room for it), a
//   negative weight, a key given twice.
// * **Deterministic.** The result depends only on the items, the set of
//   workers and the limit: not on the order of either list, nor on any
//   dictionary's order. Every tie is broken by keys.
// * **Balance.** Without `at most`, every worker's load is
//
//       at most  the average + the weight of its own heaviest group, and
//       at least the average - the weight of the heaviest group of all:
//
//   take away a worker's heaviest building and it is at or below the average;
//   give it the heaviest building there is and it is at or above. So no worker
//   is further from the average than the heaviest building. With `at most`, a
//   worker is above the first line only when no worker at or below the average
//   has room for any of its groups lighter than its heaviest, and below the
//   second only when it has no room for any group of a worker above the
//   average. (Proof below; AssignmentTests checks both on random inputs.)
// * **Stable.** A group stays with the worker that has it now (the worker with
//   most of its weight when its items are spread over several) unless the
//   limit or the balance needs it to move, and then the moves chosen are those
//   that move the fewest items for the balance they bring. Running again on
//   its own result moves nothing (short of the search limits under Cost).
//   Items whose worker is gone or is no longer eligible are placed again (and
//   count as moved).
//
// Beyond the guarantee, it aims at no worker more than `targetPercent` (7%)
// above the average or `lowerTargetPercent` (10%) below it, moving a group,
// swapping two, or passing a group along a short chain of workers, when every
// worker involved stays within the targets. Whether that is possible depends on
// the sizes of the groups, so these are targets, not promises. In the
// benchmark (Benchmarks/assign: 100,000 households in buildings of 20 to 120,
// 400 workers, at most 300) the heaviest worker ends 3.4% above the average,
// and a run after 1% more households moves none (they join existing buildings)
// or 1.3% (they come in new buildings) of the existing households.
//
// # How
//
// 1. Items are checked (keys given twice, negative weights) and gathered into
//    groups. Weights are added exactly: as integers at the largest scale of
//    any weight (a total that needs more than Number's 34 digits is reported).
// 2. A group larger than `at most` is unplaced. Every other group that some
//    eligible worker has now is kept with that worker (its holder).
// 3. A worker over `at most` gives up groups until it is within it: the
//    cheapest group big enough on its own, or else the biggest, and again.
// 4. The groups without a worker (new, displaced) are placed heaviest first:
//    on the lightest worker with room if it stays within the upper target;
//    otherwise along a chain (the group goes to a worker that passes a
//    lighter group on, and so on, each worker ending within the target);
//    otherwise on the lightest worker with room at or below the average (LPT,
//    "longest processing time first"; if only `at most` is in the way, that
//    worker first passes one group to another worker with room); otherwise on
//    the lightest worker with room. A group no worker has room for waits.
// 5. Balance, until nothing changes:
//    - a worker above the first line of the guarantee gives groups other than
//      its heaviest to the lightest worker with room at or below the average;
//    - a worker below the second line takes groups from workers above the
//      average;
//    - a worker above the upper target, or below the lower one, passes or
//      takes weight (a move, a swap, a chain) when every worker involved ends
//      within the upper target, the giver within the lower target and the
//      guarantee, and every receiver lighter than the giver was;
//    - the waiting groups are tried again.
//    Among the possible changes it takes the one with the most useful weight
//    (up to what is needed) per item moved. A group placed in this run costs
//    nothing to move again; a kept group costs its items that are with it now.
//
// Proof of the balance. Write avg for the average, L(w) for a worker's load,
// h(w) for its heaviest group and H for the heaviest group placed.
//   (a) Step 5 ends. Every change it makes takes weight from a giver a and
//       leaves a and every receiver lighter than L(a), and every receiver was
//       lighter than a: for the first line, a receiver b ends at most
//       avg + w(g) <= avg + h(a) < L(a); for the second, a receiver ends below
//       avg - H + w(g) <= avg < L(a); for the targets it is required. So the
//       list of loads, sorted from the heaviest, decreases in dictionary order,
//       which can happen only finitely often. A waiting group is tried again
//       only until it is placed.
//   (b) When step 5 ends, no worker is above the first line. If a were,
//       L(a) > avg + h(a) >= avg, so some worker b is below the average, and
//       a has a group of positive weight other than its heaviest (otherwise
//       L(a) = h(a)); without `at most`, b has room for it, so step 5 would
//       have moved it.
//   (c) When step 5 ends, no worker is below the second line. If b were,
//       L(b) < avg - H <= avg, so some worker a is above the average and has a
//       group of positive weight; without `at most`, b has room for it.
//   With `at most`, (b) and (c) fail only for want of room: the exceptions the
//   guarantee states.
//
// Cost: O(n log n) for n items, plus O(w) per placement or move for w workers
// (kept in an array sorted by load). Swaps look at the 32 lightest (or
// heaviest) workers; chain searches together look at 20 million groups at most.

import CivicSyntax

/// The grid assignment algorithm. See the comment at the top of this file for
/// what it guarantees and how.
public enum Assignment {

    /// How far above the average (in percent) the balancing aims to keep every
    /// worker, beyond the guarantee.
    public static let targetPercent = 7

    /// How far below the average (in percent) the balancing aims to keep every
    /// worker, beyond the guarantee.
    public static let lowerTargetPercent = 10

    /// One thing to assign (a household).
    public struct Item: Sendable, Hashable {
        /// The item's key; unique among the items.
        public var key: String
        /// Items with the same group go to the same worker; nil: a group of one.
        public var group: String?
        /// What is balanced (`weight members`); 1 when counting. Not negative.
        public var weight: Number
        /// The key of the worker the item has now, if any.
        public var current: String?

        public init(key: String, group: String? = nil, weight: Number = .one, current: String? = nil) {
            self.key = key
            self.group = group
            self.weight = weight
            self.current = current
        }
    }

    /// What one worker is given.
    public struct Load: Sendable, Hashable {
        /// The worker's key.
        public var worker: String
        /// How many items.
        public var count: Int
        /// Their total weight, exact.
        public var weight: Number
        /// How many groups (an item without a group is a group of one).
        public var groups: Int

        public init(worker: String, count: Int, weight: Number, groups: Int) {
            self.worker = worker
            self.count = count
            self.weight = weight
            self.groups = groups
        }
    }

    /// Why an item was not placed. `group` is the item's group (nil when it has
    /// none); every item of a group has the same reason.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// There are no (eligible) workers.
        case noWorkers
        /// The group has more items than `at most` allows one worker.
        case groupTooLarge(group: String?, size: Int, atMost: Int)
        /// No worker had room left for the group under `at most`.
        case noRoom(group: String?, size: Int, atMost: Int)
        /// An item of the group (`item`) has a negative weight.
        case negativeWeight(item: String, weight: Number)
        /// The key `item` is given to more than one item; those items, and the
        /// other items of their groups, are not placed.
        case duplicateKey(item: String)
        /// The total weight needs more than a Number's 34 digits.
        case weightTooLarge

        public var description: String {
            switch self {
            case .noWorkers:
                return "there are no workers to assign to"
            case .groupTooLarge(let group, let size, let atMost):
                if let group {
                    return "group \(group) has \(size) items, more than at most \(atMost)"
                }
                return "at most \(atMost) leaves no room for a single item"
            case .noRoom(let group, let size, let atMost):
                if let group {
                    return "no worker has room left for group \(group) of \(size) items (at most \(atMost))"
                }
                return "no worker has room left for it (at most \(atMost))"
            case .negativeWeight(let item, let weight):
                return "the weight of \(item) is negative (\(weight))"
            case .duplicateKey(let item):
                return "the key \(item) is given to more than one item"
            case .weightTooLarge:
                return "the total weight needs more than 34 digits"
            }
        }
    }

    /// An item that was not placed.
    public struct Unplaced: Sendable, Hashable {
        public var item: String
        public var group: String?
        public var reason: Reason

        public init(item: String, group: String?, reason: Reason) {
            self.item = item
            self.group = group
            self.reason = reason
        }
    }

    /// The result of ``assign(items:workers:atMost:)``.
    public struct Outcome: Sendable, Equatable {
        /// Item key → worker key, for every placed item.
        public var placement: [String: String]
        /// Placed items that had a worker (`current` not nil) and now have
        /// another; this includes items whose worker is gone. Items that had a
        /// worker and are now unplaced are in `unplaced`, not here.
        public var moved: Int
        /// Every item that was not placed, by item key (then group).
        public var unplaced: [Unplaced]
        /// Every worker, in the order given (a key given twice counts once).
        public var loads: [Load]
    }

    /// Assigns `items` to `workers` (keys); `atMost`, if given, limits the
    /// number of items of each worker. See the top of this file.
    public static func assign(items: [Item], workers: [String], atMost: Int?) -> Outcome {
        var plan = Plan(items: items, workers: workers, atMost: atMost)
        plan.run()
        return plan.outcome()
    }
}

// MARK: - The plan

/// The working state of one assignment. Workers and groups are numbered; all
/// choices are made by orders that end in keys, so the numbering (which
/// follows the input order) never shows in the result.
private struct Plan {
    let items: [Assignment.Item]
    let cap: Int?

    // Workers, deduplicated, in the order given.
    var names: [String] = []
    /// Position of each worker in the order of keys: the tie-breaker.
    var rank: [Int] = []
    var load: [Int128] = []
    var count: [Int] = []
    /// The groups each worker holds (in no particular order).
    var held: [[Int]] = []
    /// All workers sorted by (load, count, rank): the lightest first.
    var order: [Int] = []

    // Groups.
    var gName: [String?] = []
    /// The group's name, or its single item's key: unique with `gName == nil`.
    var gTie: [String] = []
    var gCount: [Int] = []
    var gWeight: [Int128] = []
    /// The worker that has the group now (most of its weight), or -1.
    var gHolder: [Int] = []
    /// How many of its items are with the holder now.
    var gAtHolder: [Int] = []
    /// Where it is in this plan, or -1; and its index in `held[gWorker]`.
    var gWorker: [Int] = []
    var gSlot: [Int] = []
    /// Why it cannot be placed, if so.
    var gReason: [Assignment.Reason?] = []

    // Items.
    var itemGroup: [Int] = []
    /// The item's current worker's number, or -1 (none, gone, not eligible).
    var itemCurrent: [Int] = []

    /// The weights' common scale: weights are integers of 10^-scale.
    var scale = 0
    /// Groups for which no worker had room; tried again after moves.
    var waiting: [Int] = []

    init(items: [Assignment.Item], workers: [String], atMost: Int?) {
        self.items = items
        self.cap = atMost

        // Workers.
        var workerIndex: [String: Int] = [:]
        workerIndex.reserveCapacity(workers.count)
        for name in workers where workerIndex[name] == nil {
            workerIndex[name] = names.count
            names.append(name)
        }
        let n = names.count
        rank = Array(repeating: 0, count: n)
        for (position, w) in (0..<n).sorted(by: { names[$0] < names[$1] }).enumerated() {
            rank[w] = position
        }
        load = Array(repeating: 0, count: n)
        count = Array(repeating: 0, count: n)
        held = Array(repeating: [], count: n)
        order = (0..<n).sorted { rank[$0] < rank[$1] }

        // Keys given twice.
        var seen = Set<String>(minimumCapacity: items.count)
        var twice = Set<String>()
        for item in items where !seen.insert(item.key).inserted {
            twice.insert(item.key)
        }

        // Groups.
        var groupIndex: [String: Int] = [:]
        itemGroup.reserveCapacity(items.count)
        itemCurrent.reserveCapacity(items.count)
        for item in items {
            let g: Int
            if let name = item.group {
                if let existing = groupIndex[name] {
                    g = existing
                } else {
                    g = newGroup(name: name, tie: name)
                    groupIndex[name] = g
                }
            } else {
                g = newGroup(name: nil, tie: item.key)
            }
            itemGroup.append(g)
            itemCurrent.append(item.current.flatMap { workerIndex[$0] } ?? -1)
            gCount[g] += 1
        }

        // Invalid items spoil their group: the smallest key among them names
        // the reason, so the reason does not depend on the order of items.
        var culprit: [Int: Int] = [:]
        for (i, item) in items.enumerated() where item.weight.isNegative || twice.contains(item.key) {
            let g = itemGroup[i]
            if let c = culprit[g], !Plan.culpritPrecedes(item, items[c]) { continue }
            culprit[g] = i
        }
        for (g, i) in culprit {
            let item = items[i]
            gReason[g] = twice.contains(item.key) ? .duplicateKey(item: item.key) : .negativeWeight(item: item.key, weight: item.weight)
        }

        // Exact weights: integers at the largest scale.
        for (i, item) in items.enumerated() where gReason[itemGroup[i]] == nil {
            scale = max(scale, item.weight.scale)
        }
        var total: Int128 = 0
        var tooLarge = false
        for (i, item) in items.enumerated() where gReason[itemGroup[i]] == nil {
            guard let units = Plan.units(item.weight, scale: scale) else { tooLarge = true; break }
            let g = itemGroup[i]
            let (sum, o1) = total.addingReportingOverflow(units)
            let (gw, o2) = gWeight[g].addingReportingOverflow(units)
            if o1 || o2 || sum >= Plan.limit { tooLarge = true; break }
            total = sum
            gWeight[g] = gw
        }
        if tooLarge {
            for g in gReason.indices where gReason[g] == nil { gReason[g] = .weightTooLarge }
        }

        // What the limits and the workers rule out.
        for g in gReason.indices where gReason[g] == nil {
            if n == 0 {
                gReason[g] = .noWorkers
            } else if let cap, gCount[g] > cap {
                gReason[g] = .groupTooLarge(group: gName[g], size: gCount[g], atMost: cap)
            }
        }

        // Holders: the worker with most of the group's weight, then most of its
        // items, then the smallest key. Most groups sit with one worker; the
        // others are worked out with a table.
        var spread: [Int: [Int: (weight: Int128, count: Int)]] = [:]
        for i in items.indices {
            let g = itemGroup[i], w = itemCurrent[i]
            guard w >= 0, gReason[g] == nil else { continue }
            if gHolder[g] == -1 {
                gHolder[g] = w
            } else if gHolder[g] != w {
                spread[g] = [:]
            }
            if gHolder[g] == w { gAtHolder[g] += 1 }
        }
        if !spread.isEmpty {
            for i in items.indices {
                let g = itemGroup[i], w = itemCurrent[i]
                guard w >= 0, spread[g] != nil else { continue }
                let units = Plan.units(items[i].weight, scale: scale) ?? 0
                let old = spread[g]![w] ?? (0, 0)
                spread[g]![w] = (old.weight + units, old.count + 1)
            }
            for (g, table) in spread {
                let best = table.max { a, b in
                    if a.value.weight != b.value.weight { return a.value.weight < b.value.weight }
                    if a.value.count != b.value.count { return a.value.count < b.value.count }
                    return rank[a.key] > rank[b.key]
                }!
                gHolder[g] = best.key
                gAtHolder[g] = best.value.count
            }
        }
    }

    /// 10^34: a total weight (in units) must stay below it to be a Number.
    static let limit: Int128 = 10_000_000_000_000_000_000_000_000_000_000_000

    /// `weight` as an integer number of 10^-scale, or nil if it does not fit.
    static func units(_ weight: Number, scale: Int) -> Int128? {
        var value = weight.coefficient
        if value == 0 { return 0 }
        var shift = scale - weight.scale
        while shift > 0 {
            let (next, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow || next >= limit { return nil }
            value = next
            shift -= 1
        }
        return value
    }

    /// Which of two invalid items names its group's reason.
    static func culpritPrecedes(_ a: Assignment.Item, _ b: Assignment.Item) -> Bool {
        if a.key != b.key { return a.key < b.key }
        return a.weight < b.weight
    }

    mutating func newGroup(name: String?, tie: String) -> Int {
        gName.append(name)
        gTie.append(tie)
        gCount.append(0)
        gWeight.append(0)
        gHolder.append(-1)
        gAtHolder.append(0)
        gWorker.append(-1)
        gSlot.append(-1)
        gReason.append(nil)
        return gName.count - 1
    }

    // MARK: Orders

    /// The key order of groups: named groups by name, then single items by key.
    func keyPrecedes(_ a: Int, _ b: Int) -> Bool {
        let namedA = gName[a] != nil, namedB = gName[b] != nil
        if namedA != namedB { return namedA }
        return gTie[a] < gTie[b]
    }

    /// Placing order: heaviest first, then most items, then by key.
    func placePrecedes(_ a: Int, _ b: Int) -> Bool {
        if gWeight[a] != gWeight[b] { return gWeight[a] > gWeight[b] }
        if gCount[a] != gCount[b] { return gCount[a] > gCount[b] }
        return keyPrecedes(a, b)
    }

    /// Lighter workers first; then fewer items; then by key.
    func lighter(_ a: Int, _ b: Int) -> Bool {
        if load[a] != load[b] { return load[a] < load[b] }
        if count[a] != count[b] { return count[a] < count[b] }
        return rank[a] < rank[b]
    }

    /// Items that would count as moved if the group left the worker it is on.
    func cost(_ g: Int) -> Int {
        gWorker[g] == gHolder[g] ? gAtHolder[g] : 0
    }

    // MARK: Workers in order of load

    func position(of w: Int) -> Int {
        var low = 0, high = order.count
        while low < high {
            let mid = (low + high) / 2
            if lighter(order[mid], w) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    mutating func put(_ g: Int, on w: Int) {
        order.remove(at: position(of: w))
        load[w] += gWeight[g]
        count[w] += gCount[g]
        gWorker[g] = w
        gSlot[g] = held[w].count
        held[w].append(g)
        order.insert(w, at: position(of: w))
    }

    mutating func take(_ g: Int) {
        let w = gWorker[g]
        order.remove(at: position(of: w))
        load[w] -= gWeight[g]
        count[w] -= gCount[g]
        let slot = gSlot[g]
        let last = held[w].removeLast()
        if last != g {
            held[w][slot] = last
            gSlot[last] = slot
        }
        gWorker[g] = -1
        gSlot[g] = -1
        order.insert(w, at: position(of: w))
    }

    func hasRoom(_ w: Int, for size: Int) -> Bool {
        guard let cap else { return true }
        return count[w] + size <= cap
    }

    /// The lightest worker other than `except` with room for `size` more items
    /// whose load is at most `limit`.
    func lightest(room size: Int, except: Int = -1, limit: Int128? = nil) -> Int? {
        for w in order {
            if let limit, load[w] > limit { return nil }
            if w != except && hasRoom(w, for: size) { return w }
        }
        return nil
    }

    // MARK: Lines

    /// The lines balancing works with. All comparisons of a load (an integer)
    /// with a fraction are exact: `x <= avg` ⟺ `x <= floor(avg)`, `x < avg` ⟺
    /// `x < ceil(avg)`.
    struct Lines {
        /// Floor and ceiling of the average.
        var average: Int128
        var averageUp: Int128
        /// The heaviest group placed.
        var heaviest: Int128
        /// Floor of the upper target, the average plus `targetPercent`.
        var high: Int128
        /// Ceiling of the lower target, the average minus `lowerTargetPercent`.
        var low: Int128

        /// Above the guarantee: more than the average plus its heaviest group.
        func overGuarantee(_ load: Int128, heaviestOwn: Int128) -> Bool { load - heaviestOwn > average }
        /// Below the guarantee: less than the average minus the heaviest group.
        func underGuarantee(_ load: Int128) -> Bool { load + heaviest < averageUp }
        /// A load a worker may be left with when it gives weight away for a target.
        func keepsDonor(_ load: Int128) -> Bool { load >= low && !underGuarantee(load) }
    }

    /// The lines for the weight placed now, or for `planned` in all.
    func lines(planned: Int128? = nil) -> Lines {
        let total = planned ?? load.reduce(0, +)
        let n = Int128(names.count)
        let (q, r) = total.quotientAndRemainder(dividingBy: n)
        var heaviest: Int128 = 0
        for w in names.indices { for g in held[w] where gWeight[g] > heaviest { heaviest = gWeight[g] } }
        let high = total * Int128(100 + Assignment.targetPercent) / (100 * n)
        let low = (total * Int128(100 - Assignment.lowerTargetPercent) + 100 * n - 1) / (100 * n)
        return Lines(average: q, averageUp: r == 0 ? q : q + 1, heaviest: heaviest, high: high, low: low)
    }

    // MARK: Steps

    mutating func run() {
        guard !names.isEmpty else { return }
        // Keep what can be kept.
        var pool: [Int] = []
        for g in gName.indices where gReason[g] == nil {
            if gHolder[g] >= 0 { put(g, on: gHolder[g]) } else { pool.append(g) }
        }
        pool += makeRoom()
        // Place the rest, heaviest first.
        waiting = place(pool)
        // Balance until nothing changes.
        while true {
            var changed = keepUpper()
            changed = keepLower() || changed
            changed = reachTargets() || changed
            if !waiting.isEmpty {
                let before = waiting.count
                waiting = place(waiting)
                changed = waiting.count != before || changed
            }
            if !changed { break }
        }
        for g in waiting {
            gReason[g] = .noRoom(group: gName[g], size: gCount[g], atMost: cap ?? 0)
        }
    }

    /// Step 3: every worker over `at most` gives up groups; returns them.
    mutating func makeRoom() -> [Int] {
        guard let cap else { return [] }
        var given: [Int] = []
        for w in names.indices {
            while count[w] > cap {
                let excess = count[w] - cap
                var best: Int?
                var bestBig = false
                for g in held[w] {
                    let big = gCount[g] >= excess
                    guard let b = best else { best = g; bestBig = big; continue }
                    let better: Bool
                    if big != bestBig {
                        better = big
                    } else if big {
                        // The cheapest group big enough, then the smallest.
                        better = (cost(g), gCount[g], gWeight[g]) < (cost(b), gCount[b], gWeight[b])
                            || ((cost(g), gCount[g], gWeight[g]) == (cost(b), gCount[b], gWeight[b]) && keyPrecedes(g, b))
                    } else {
                        // None is: the biggest.
                        better = gCount[g] > gCount[b]
                            || (gCount[g] == gCount[b] && (cost(g) < cost(b) || (cost(g) == cost(b) && keyPrecedes(g, b))))
                    }
                    if better { best = g; bestBig = big }
                }
                guard let g = best else { break }
                take(g)
                given.append(g)
            }
        }
        return given
    }

    /// Step 4: places groups heaviest first; returns those no worker has room
    /// for. A group goes to the lightest worker with room if it stays within
    /// the target there; otherwise along a chain (see `chain`); otherwise to the
    /// lightest worker with room at or below the average (making room there
    /// if `at most` is in the way); otherwise to the lightest with room.
    mutating func place(_ groups: [Int]) -> [Int] {
        let sorted = groups.sorted(by: placePrecedes)
        // The lines as they will be once all are placed.
        let line = lines(planned: load.reduce(0, +) + sorted.reduce(0) { $0 + gWeight[$1] })
        var left: [Int] = []
        for g in sorted {
            let size = gCount[g], weight = gWeight[g]
            let lightestWithRoom = lightest(room: size)
            if let w = lightestWithRoom, load[w] + weight <= line.high {
                put(g, on: w)
            } else if let t = chain(for: g, line: line) {
                apply(t)
            } else if let w = lightestWithRoom, load[w] <= line.average {
                put(g, on: w)
            } else if let (w, e, to) = makeRoom(for: g, average: line.average) {
                take(e)
                put(e, on: to)
                put(g, on: w)
            } else if let w = lightestWithRoom {
                put(g, on: w)
            } else {
                left.append(g)
            }
        }
        return left
    }

    /// How many of the lightest workers are tried for a swap, a chain or to
    /// make room.
    static let reach = 32
    /// How many steps a chain may have.
    static let chainSteps = 8
    /// How many groups all chain searches of one assignment may look at.
    static let chainBudget = 20_000_000

    /// When `at most` keeps group `g` from every worker at or below the
    /// average: one of the lightest of them that could give up one group to
    /// another worker with room, and so have room for `g`. Returns the worker,
    /// the group it gives up (the cheapest, then the smallest), and where that
    /// group goes (the lightest worker with room).
    func makeRoom(for g: Int, average: Int128) -> (worker: Int, group: Int, to: Int)? {
        guard let cap else { return nil }
        var best: (worker: Int, group: Int, to: Int)?
        var tried = 0
        for w in order {
            if load[w] > average || tried == Plan.reach { break }
            tried += 1
            let need = count[w] + gCount[g] - cap
            if need <= 0 { continue }
            var receivers: [Int: Int] = [:]
            for e in held[w] where gCount[e] >= need {
                let to: Int
                if let known = receivers[gCount[e]] {
                    to = known
                } else {
                    to = lightest(room: gCount[e], except: w) ?? -1
                    receivers[gCount[e]] = to
                }
                if to < 0 { continue }
                guard let b = best else { best = (w, e, to); continue }
                if (cost(e), gCount[e]) < (cost(b.group), gCount[b.group])
                    || ((cost(e), gCount[e]) == (cost(b.group), gCount[b.group]) && lighter(w, b.worker))
                    || ((cost(e), gCount[e]) == (cost(b.group), gCount[b.group]) && w == b.worker && keyPrecedes(e, b.group)) {
                    best = (w, e, to)
                }
            }
        }
        return best
    }

    /// A chain for group `x` (on no worker, or leaving `from`): `x` goes to the
    /// lightest worker where it fits within the upper target; if there is none,
    /// to a worker that gives a lighter group on to the next worker, and so on
    /// (at most `chainSteps` steps), until a group fits. `from` may take one
    /// group back. Every worker of the chain ends within the upper target, the
    /// first line of the guarantee and `at most`. At each step the group given
    /// on is the cheapest, then the lightest. Returns nil if there is no chain.
    mutating func chain(for x: Int, from: Int = -1, line: Lines) -> Transfer? {
        var moves: [(group: Int, to: Int)] = []
        var used: [Int] = []
        var current = x
        var cost = from >= 0 ? self.cost(x) : 0
        // The giver, as it is once `x` has left: it may take a group back.
        let fromLoad = from >= 0 ? load[from] - gWeight[x] : 0
        let fromCount = from >= 0 ? count[from] - gCount[x] : 0
        var fromTop: Int128 = 0
        if from >= 0 { for g in held[from] where g != x { fromTop = max(fromTop, gWeight[g]) } }
        var fromUsed = from < 0
        /// The weight the giver ends up losing.
        func transfer() -> Transfer {
            var lost = gWeight[x]
            for m in moves where m.to == from { lost -= gWeight[m.group] }
            return Transfer(moves: moves, weight: lost, cost: cost, needed: 0)
        }
        for _ in 0..<Plan.chainSteps {
            let weight = gWeight[current], size = gCount[current]
            // Does it fit as it is? On the lightest worker where it does, or back on the giver.
            var direct: Int?
            for c in order {
                if load[c] + weight > line.high { break }
                if c == from || used.contains(c) || !hasRoom(c, for: size) { continue }
                // The guarantee holds there afterwards.
                if load[c] > line.average, let top = heaviest(of: c), load[c] + weight - max(weight, gWeight[top]) > line.average { continue }
                direct = c
                break
            }
            if !fromUsed && fromLoad + weight <= line.high && (cap.map { fromCount + size <= $0 } ?? true)
                && fromLoad + weight - max(weight, fromTop) <= line.average
                && (direct == nil || fromLoad < load[direct!] || (fromLoad == load[direct!] && rank[from] < rank[direct!])) {
                direct = from
            }
            if let c = direct {
                moves.append((current, c))
                return transfer()
            }
            // Who could take it and give a lighter group on?
            var best: (worker: Int, group: Int)?
            func consider(_ c: Int, _ h: Int, load l: Int128, count n: Int) {
                guard gWeight[h] < weight, gWeight[h] >= l + weight - line.high,
                      // The guarantee holds there afterwards: it keeps a group as heavy as `current`.
                      l - gWeight[h] <= line.average else { return }
                if let cap, n - gCount[h] + size > cap { return }
                guard let b = best else { best = (c, h); return }
                let key = (self.cost(h), gWeight[h], gCount[h]), other = (self.cost(b.group), gWeight[b.group], gCount[b.group])
                if key < other || (key == other && (keyPrecedes(h, b.group) || (h == b.group && rank[c] < rank[b.worker]))) {
                    best = (c, h)
                }
            }
            for c in order {
                if load[c] >= line.high || chainBudget <= 0 { break }
                if c == from || used.contains(c) { continue }
                chainBudget -= held[c].count
                for h in held[c] { consider(c, h, load: load[c], count: count[c]) }
            }
            if !fromUsed {
                for h in held[from] where h != x { consider(from, h, load: fromLoad, count: fromCount) }
            }
            guard let (c, h) = best else { return nil }
            moves.append((current, c))
            if c == from { fromUsed = true } else { used.append(c) }
            cost += self.cost(h)
            current = h
        }
        return nil
    }
    var chainBudget = Plan.chainBudget

    /// The heaviest group of a worker (then most items, then by key).
    func heaviest(of w: Int) -> Int? {
        var best: Int?
        for g in held[w] where best == nil || placePrecedes(g, best!) { best = g }
        return best
    }

    /// A change that passes weight from one worker (the giver) to others:
    /// groups, each to a worker. A move is one group; a swap, a group and one
    /// back; a chain, a group and the groups it pushes on.
    struct Transfer {
        var moves: [(group: Int, to: Int)]
        /// The weight the giver loses (or the receiver gains).
        var weight: Int128
        /// Items that would count as moved.
        var cost: Int
        /// The part of `weight` that is needed.
        var useful: Int128
        /// Whether it is enough on its own.
        var enough: Bool

        init(moves: [(group: Int, to: Int)], weight: Int128, cost: Int, needed: Int128) {
            self.moves = moves
            self.weight = weight
            self.cost = cost
            self.useful = min(weight, needed)
            self.enough = weight >= needed
        }
    }

    /// The better of two transfers: the most useful weight (up to what is
    /// needed) per item moved; a transfer that moves nothing counts first.
    /// Then the most useful weight, the cheapest, the least weight, the fewest
    /// groups; then by keys.
    func better(_ a: Transfer, than b: Transfer) -> Bool {
        if (a.cost == 0) != (b.cost == 0) { return a.cost == 0 }
        if a.cost != 0 {
            // a.useful / a.cost against b.useful / b.cost, exactly.
            let left = a.useful.multipliedFullWidth(by: Int128(b.cost))
            let right = b.useful.multipliedFullWidth(by: Int128(a.cost))
            if left.high != right.high || left.low != right.low {
                return (left.high, left.low) > (right.high, right.low)
            }
        }
        if a.useful != b.useful { return a.useful > b.useful }
        if a.cost != b.cost { return a.cost < b.cost }
        if a.weight != b.weight { return a.weight < b.weight }
        if a.moves.count != b.moves.count { return a.moves.count < b.moves.count }
        for (x, y) in zip(a.moves, b.moves) {
            if x.group != y.group { return keyPrecedes(x.group, y.group) }
            if x.to != y.to { return rank[x.to] < rank[y.to] }
        }
        return false
    }

    func fits(_ w: Int, gives given: Int, takes taken: Int) -> Bool {
        guard let cap else { return true }
        return count[w] - given + taken <= cap
    }

    mutating func apply(_ t: Transfer) {
        for m in t.moves where gWorker[m.group] >= 0 { take(m.group) }
        for m in t.moves { put(m.group, on: m.to) }
    }

    /// Step 5, the guarantee from above: a worker above the average plus its
    /// heaviest group gives other groups to the lightest worker with room at or
    /// below the average. Returns whether anything moved.
    mutating func keepUpper() -> Bool {
        var changed = false
        let line = lines()
        for a in order.reversed() {
            while let h = heaviest(of: a), line.overGuarantee(load[a], heaviestOwn: gWeight[h]) {
                let excess = load[a] - gWeight[h] - line.average
                var best: Transfer?
                var receivers: [Int: Int] = [:]
                for g in held[a] where g != h && gWeight[g] > 0 {
                    let to: Int
                    if let known = receivers[gCount[g]] {
                        to = known
                    } else {
                        to = lightest(room: gCount[g], except: a, limit: line.average) ?? -1
                        receivers[gCount[g]] = to
                    }
                    if to < 0 { continue }
                    let t = Transfer(moves: [(g, to)], weight: gWeight[g], cost: cost(g), needed: excess)
                    if best == nil || better(t, than: best!) { best = t }
                }
                guard let t = best else { break }
                apply(t)
                changed = true
            }
        }
        return changed
    }

    /// Step 5, the guarantee from below: a worker below the average minus the
    /// heaviest group takes groups from the workers above the average.
    /// Returns whether anything moved.
    mutating func keepLower() -> Bool {
        var changed = false
        let line = lines()
        for b in order where line.underGuarantee(load[b]) {
            while line.underGuarantee(load[b]) {
                let short = line.averageUp - line.heaviest - load[b]
                var best: Transfer?
                for a in order.reversed() {
                    if load[a] <= line.average { break }
                    for g in held[a] where gWeight[g] > 0 && hasRoom(b, for: gCount[g]) {
                        let t = Transfer(moves: [(g, b)], weight: gWeight[g], cost: cost(g), needed: short)
                        if best == nil || better(t, than: best!) { best = t }
                    }
                }
                guard let t = best else { break }
                apply(t)
                changed = true
            }
        }
        return changed
    }

    /// The best move or swap from `a` to `b` for a target, given how much
    /// weight is needed; swaps only if no move is enough. The receiver must
    /// end within the upper target and lighter than the giver was, the giver
    /// within the lower target and the guarantee.
    func bestTransfer(from a: Int, to b: Int, needed: Int128, line: Lines, best: inout Transfer?) {
        var moveEnough = false
        for g in held[a] where gWeight[g] > 0 && fits(b, gives: 0, takes: gCount[g]) {
            let d = gWeight[g]
            guard load[b] + d <= line.high, load[b] + d < load[a], line.keepsDonor(load[a] - d) else { continue }
            let t = Transfer(moves: [(g, b)], weight: d, cost: cost(g), needed: needed)
            if t.enough { moveEnough = true }
            if best == nil || better(t, than: best!) { best = t }
        }
        if moveEnough { return }
        for g in held[a] where gWeight[g] > 0 {
            for h in held[b] where gWeight[h] < gWeight[g] {
                let d = gWeight[g] - gWeight[h]
                guard load[b] + d <= line.high, load[b] + d < load[a], line.keepsDonor(load[a] - d),
                      fits(a, gives: gCount[g], takes: gCount[h]), fits(b, gives: gCount[h], takes: gCount[g]) else { continue }
                let t = Transfer(moves: [(g, b), (h, a)], weight: d, cost: cost(g) + cost(h), needed: needed)
                if best == nil || better(t, than: best!) { best = t }
            }
        }
    }

    /// Step 5, the targets: a worker above the upper target passes weight to
    /// the lightest workers at or below the average (a move, a swap or a
    /// chain), and a worker below the lower target takes weight from the
    /// heaviest workers above the average (a move or a swap); only when every
    /// worker involved ends within the upper target, the giver within the
    /// lower target and the guarantee, and the receivers lighter than the giver
    /// was. Returns whether anything moved.
    mutating func reachTargets() -> Bool {
        var changed = false
        let line = lines()
        for a in order.reversed() where load[a] > line.high {
            while load[a] > line.high {
                let needed = load[a] - line.high
                var best: Transfer?
                var tried = 0
                for b in order {
                    if load[b] > line.average || tried == Plan.reach { break }
                    tried += 1
                    bestTransfer(from: a, to: b, needed: needed, line: line, best: &best)
                }
                if best == nil || !best!.enough {
                    for x in held[a] where gWeight[x] > 0 {
                        guard var t = chain(for: x, from: a, line: line), t.weight > 0,
                              line.keepsDonor(load[a] - t.weight) else { continue }
                        t = Transfer(moves: t.moves, weight: t.weight, cost: t.cost, needed: needed)
                        if best == nil || better(t, than: best!) { best = t }
                    }
                }
                guard let t = best else { break }
                apply(t)
                changed = true
            }
        }
        for b in order where load[b] < line.low {
            while load[b] < line.low {
                var best: Transfer?
                var tried = 0
                for a in order.reversed() {
                    if load[a] <= line.average || tried == Plan.reach { break }
                    tried += 1
                    bestTransfer(from: a, to: b, needed: line.low - load[b], line: line, best: &best)
                }
                guard let t = best else { break }
                apply(t)
                changed = true
            }
        }
        return changed
    }

    // MARK: Result

    func outcome() -> Assignment.Outcome {
        var placement: [String: String] = [:]
        placement.reserveCapacity(items.count)
        var moved = 0
        var unplaced: [Assignment.Unplaced] = []
        for (i, item) in items.enumerated() {
            let g = itemGroup[i]
            let w = gWorker[g]
            if w >= 0 {
                placement[item.key] = names[w]
                if item.current != nil && itemCurrent[i] != w { moved += 1 }
            } else {
                unplaced.append(.init(item: item.key, group: item.group, reason: gReason[g] ?? .noWorkers))
            }
        }
        unplaced.sort { a, b in
            if a.item != b.item { return a.item < b.item }
            switch (a.group, b.group) {
            case (nil, nil), (.some, nil): return false
            case (nil, .some): return true
            case (.some(let x), .some(let y)): return x < y
            }
        }
        let loads = names.indices.map { w in
            Assignment.Load(worker: names[w], count: count[w],
                            weight: Number(coefficient: load[w], scale: scale), groups: held[w].count)
        }
        return .init(placement: placement, moved: moved, unplaced: unplaced, loads: loads)
    }
}
