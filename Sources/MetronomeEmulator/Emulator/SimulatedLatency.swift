import Foundation

/// A delay added to every Metronome request (`--latency-ms MEAN[,JITTER]`), for clients that must
/// cope with a slow Metronome: each request waits `mean` plus a uniform draw in
/// `[-jitter, +jitter]`, never less than zero.
public struct SimulatedLatency: Sendable, Equatable {
    /// The average delay.
    public var mean: Duration
    /// The largest deviation from `mean`, either way.
    public var jitter: Duration

    /// The longest delay a flag may ask for: an hour.
    static let maximumMilliseconds = 3_600_000.0

    /// A latency of `mean` give or take `jitter`.
    public init(mean: Duration, jitter: Duration = .zero) {
        self.mean = mean
        self.jitter = jitter
    }

    /// Reads `MEAN` or `MEAN,JITTER`, both in milliseconds (decimals allowed). A latency of zero
    /// with no jitter is nil: nothing to add.
    public init?(milliseconds text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil }) else {
            throw ConfigurationError(description: "latency must be MEAN or MEAN,JITTER in milliseconds (e.g. 100,20), got '\(text)'")
        }
        let values = parts.compactMap { $0 }
        guard values.allSatisfy({ $0.isFinite && (0...Self.maximumMilliseconds).contains($0) }) else {
            throw ConfigurationError(
                description: "latency mean and jitter must be between 0 and \(Int(Self.maximumMilliseconds)) ms, got '\(text)'"
            )
        }
        guard values.contains(where: { $0 > 0 }) else { return nil }
        self.init(mean: .microseconds(Int64(values[0] * 1000)), jitter: .microseconds(Int64((values.count > 1 ? values[1] : 0) * 1000)))
    }

    /// One request's delay.
    func sample<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Duration {
        guard jitter > .zero else { return mean }
        let jitterNanoseconds = Self.nanoseconds(jitter)
        let offset = Int64.random(in: -jitterNanoseconds...jitterNanoseconds, using: &generator)
        return .nanoseconds(max(0, Self.nanoseconds(mean) + offset))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
