import Foundation
import HTTPTypes
import Synchronization

/// The fault rules in force, in the order they were made, with what each has left to do. Each
/// Metronome request asks `match` for the first rule that applies to it; with no rules that
/// costs one atomic load.
final class FaultInjector: Sendable {
    /// A rule and its state: requests left and the random sequence of its draws.
    struct Installed: Sendable {
        var rule: FaultRule
        /// Requests left to fault; nil for no limit.
        var remaining: Int?
        var random: SplitMix64?
    }

    private let rules = Mutex<[Installed]>([])
    /// How many rules there are, read without the lock.
    private let count = Atomic<Int>(0)

    /// No rules.
    init() {}

    /// Adds `rule` after the others, and answers it as installed.
    @discardableResult
    func add(_ rule: FaultRule) -> Installed {
        let random = rule.probability.map { _ in
            var system = SystemRandomNumberGenerator()
            return SplitMix64(seed: rule.seed.map { UInt64(bitPattern: $0) } ?? system.next())
        }
        let installed = Installed(rule: rule, remaining: rule.times, random: random)
        rules.withLock { rules in
            rules.append(installed)
            count.store(rules.count, ordering: .relaxed)
        }
        return installed
    }

    /// Every rule, oldest first, with what it has left.
    func all() -> [Installed] {
        rules.withLock { $0 }
    }

    /// Removes the rule `id`; nil if there is none.
    func remove(id: String) -> Installed? {
        rules.withLock { rules in
            guard let index = rules.firstIndex(where: { $0.rule.id == id }) else { return nil }
            defer { count.store(rules.count, ordering: .relaxed) }
            return rules.remove(at: index)
        }
    }

    /// Removes every rule; answers how many there were.
    @discardableResult
    func removeAll() -> Int {
        rules.withLock { rules in
            defer {
                rules.removeAll()
                count.store(0, ordering: .relaxed)
            }
            return rules.count
        }
    }

    /// Whether there is any rule, read without the lock.
    var hasRules: Bool { count.load(ordering: .relaxed) > 0 }

    /// The first rule that applies to a request with `method` to `path`, counted as applied
    /// (its `times` go down by one): a rule matches the method and path, has requests left, and
    /// wins its draw when it has a probability (a rule that loses lets the next one try).
    func match(method: HTTPRequest.Method, path: String) -> Installed? {
        guard hasRules else { return nil }
        return rules.withLock { rules in
            for index in rules.indices {
                guard rules[index].remaining != 0, rules[index].rule.matches(method: method, path: path) else { continue }
                if let probability = rules[index].rule.probability, !(rules[index].random?.chance(probability) ?? true) {
                    continue
                }
                rules[index].remaining = rules[index].remaining.map { $0 - 1 }
                return rules[index]
            }
            return nil
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood): a small generator whose whole state is its seed, so a
/// seeded rule draws the same sequence every time.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator that starts from `seed`.
    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`: a uniform draw in [0, 1) below `p`.
    mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) * 0x1p-53 < p
    }
}
