import Foundation
import MetronomeCodecs

/// When a billing provider or revenue system configuration added to a contract by an edit takes
/// effect: at the start of the contract's usage statement period covering the edit, or of the next.
package enum ConfigurationEffectiveAt: String, WireEnum {
    case startOfCurrentPeriod = "START_OF_CURRENT_PERIOD"
    case startOfNextPeriod = "START_OF_NEXT_PERIOD"
}

/// A billing provider or revenue system configuration an edit adds to a contract: one of the
/// customer's, by ID or by provider and delivery method, and when it takes effect.
package struct ConfigurationUpdate: Codable, Sendable, Equatable {
    package var configurationId: String?
    package var provider: String?
    package var deliveryMethod: String?
    package var effectiveAt: ConfigurationEffectiveAt

    enum CodingKeys: String, CodingKey {
        case configurationId = "configuration_id", provider, deliveryMethod = "delivery_method", effectiveAt = "effective_at"
    }

    /// A value with each stored property given.
    package init(configurationId: String?, provider: String?, deliveryMethod: String?, effectiveAt: ConfigurationEffectiveAt) {
        self.configurationId = configurationId
        self.provider = provider
        self.deliveryMethod = deliveryMethod
        self.effectiveAt = effectiveAt
    }

    /// The provider and delivery method it names, when it names the configuration that way.
    package var named: (provider: String, deliveryMethod: String)? {
        guard configurationId == nil, let provider, let deliveryMethod else { return nil }
        return (provider, deliveryMethod)
    }
}

extension BillingCadence {
    /// The start of the period `effectiveAt` names, seen at `now`: the period covering `now` (the
    /// first one while billing has not begun), or the one after it. Nil when there is none: billing
    /// is over, or `now` is in the last period.
    package func start(of effectiveAt: ConfigurationEffectiveAt, at now: Timestamp) -> Timestamp? {
        let current: BillingPeriod
        if now < start {
            guard let first = periods(startedBefore: Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + 1)).first
            else { return nil }
            current = first
        } else {
            guard let covering = period(covering: now) else { return nil }
            current = covering
        }
        switch effectiveAt {
        case .startOfCurrentPeriod:
            return current.start
        case .startOfNextPeriod:
            if let end, current.end >= end { return nil }
            return current.end
        }
    }
}
