import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The body of `POST /v1/events/search` (camelCase on the wire, as Metronome's).
struct SearchEventsRequest: Decodable {
    var transactionIds: [String]
}

/// One event found by events search.
struct SearchedEventWire: Encodable {
    var id: String
    var customerId: String
    var eventType: String
    var timestamp: Timestamp
    var transactionId: String
    var isDuplicate: Bool
    var matchedBillableMetrics: [BillableMetricWire]
    var matchedCustomer: MatchedCustomer?
    var processedAt: Timestamp
    var properties: [String: JSONValue]

    struct MatchedCustomer: Encodable {
        var id: String
        var name: String
    }

    enum CodingKeys: String, CodingKey {
        case id, customerId = "customer_id", eventType = "event_type", timestamp, transactionId = "transaction_id"
        case isDuplicate = "is_duplicate", matchedBillableMetrics = "matched_billable_metrics"
        case matchedCustomer = "matched_customer", processedAt = "processed_at", properties
    }
}

/// The body of `POST /v1/usage`.
struct ListUsageRequest: Decodable {
    var startingOn: Timestamp
    var endingBefore: Timestamp
    var windowSize: WindowSize
    var billableMetrics: [MetricSelection]?
    var customerIds: [String]?

    /// A metric to report, optionally grouped by one property.
    struct MetricSelection: Decodable {
        var id: String
        var groupBy: GroupBy?

        enum CodingKeys: String, CodingKey {
            case id, groupBy = "group_by"
        }
    }

    enum CodingKeys: String, CodingKey {
        case startingOn = "starting_on", endingBefore = "ending_before", windowSize = "window_size"
        case billableMetrics = "billable_metrics", customerIds = "customer_ids"
    }
}

/// A property to group usage by, and optionally which of its values to report.
struct GroupBy: Decodable {
    var key: String
    var values: [String]?
}

/// One window of one metric for one customer.
struct UsageWindowWire: Encodable {
    var billableMetricId: String
    var billableMetricName: String
    var customerId: String
    var startTimestamp: Timestamp
    var endTimestamp: Timestamp
    var value: Decimal?
    var groups: [String: Decimal?]?

    enum CodingKeys: String, CodingKey {
        case billableMetricId = "billable_metric_id", billableMetricName = "billable_metric_name"
        case customerId = "customer_id", startTimestamp = "start_timestamp", endTimestamp = "end_timestamp"
        case value, groups
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(billableMetricId, forKey: .billableMetricId)
        try container.encode(billableMetricName, forKey: .billableMetricName)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(startTimestamp, forKey: .startTimestamp)
        try container.encode(endTimestamp, forKey: .endTimestamp)
        try container.encode(value, forKey: .value)
        try container.encodeIfPresent(groups, forKey: .groups)
    }
}

/// The body of `POST /v1/usage/groups`.
struct ListUsageGroupsRequest: Decodable {
    var billableMetricId: String
    var customerId: String
    var windowSize: WindowSize
    var startingOn: Timestamp?
    var endingBefore: Timestamp?
    var currentPeriod: Bool?
    var groupKey: [String]?
    var groupFilters: [String: [String]]?
    var groupBy: GroupBy?

    enum CodingKeys: String, CodingKey {
        case billableMetricId = "billable_metric_id", customerId = "customer_id", windowSize = "window_size"
        case startingOn = "starting_on", endingBefore = "ending_before", currentPeriod = "current_period"
        case groupKey = "group_key", groupFilters = "group_filters", groupBy = "group_by"
    }
}

/// One window of one group of a metric's usage.
struct UsageGroupWire: Encodable {
    var startingOn: Timestamp
    var endingBefore: Timestamp
    var value: Decimal?
    var group: [String: String]?
    var groupKey: String?
    var groupValue: String?

    enum CodingKeys: String, CodingKey {
        case startingOn = "starting_on", endingBefore = "ending_before", value, group
        case groupKey = "group_key", groupValue = "group_value"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(startingOn, forKey: .startingOn)
        try container.encode(endingBefore, forKey: .endingBefore)
        try container.encode(value, forKey: .value)
        try container.encodeIfPresent(group, forKey: .group)
        try container.encodeIfPresent(groupKey, forKey: .groupKey)
        try container.encodeIfPresent(groupValue, forKey: .groupValue)
    }
}
