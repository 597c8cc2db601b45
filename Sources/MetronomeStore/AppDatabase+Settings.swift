import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

// MARK: - Records

/// A row of `account_billing_provider`: a billing provider set up for the account, delivering
/// invoices through its delivery method.
package struct AccountBillingProviderRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "account_billing_provider"
    package var seq: Int64?
    package var deliveryMethodId: String
    package var billingProvider: String
    package var createdAt: Timestamp

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, deliveryMethodId = "delivery_method_id", billingProvider = "billing_provider", createdAt = "created_at"
    }

    /// A value with each stored property given.
    package init(seq: Int64? = nil, deliveryMethodId: String, billingProvider: String, createdAt: Timestamp) {
        self.seq = seq
        self.deliveryMethodId = deliveryMethodId
        self.billingProvider = billingProvider
        self.createdAt = createdAt
    }
}

/// A row of `avalara_credentials`: the Avalara account of one delivery method. Kept, never shown.
package struct AvalaraCredentialsRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "avalara_credentials"
    package var deliveryMethodId: String
    package var avalaraEnvironment: String
    package var avalaraUsername: String
    package var avalaraPassword: String
    package var commitTransactions: Bool?
    package var updatedAt: Timestamp

    package enum Columns {
        package static let deliveryMethodId = Column(CodingKeys.deliveryMethodId)
    }

    package enum CodingKeys: String, CodingKey {
        case deliveryMethodId = "delivery_method_id", avalaraEnvironment = "avalara_environment"
        case avalaraUsername = "avalara_username", avalaraPassword = "avalara_password"
        case commitTransactions = "commit_transactions", updatedAt = "updated_at"
    }

    /// A value with each stored property given.
    package init(
        deliveryMethodId: String,
        avalaraEnvironment: String,
        avalaraUsername: String,
        avalaraPassword: String,
        commitTransactions: Bool?,
        updatedAt: Timestamp
    ) {
        self.deliveryMethodId = deliveryMethodId
        self.avalaraEnvironment = avalaraEnvironment
        self.avalaraUsername = avalaraUsername
        self.avalaraPassword = avalaraPassword
        self.commitTransactions = commitTransactions
        self.updatedAt = updatedAt
    }
}

/// A billing provider set up for the account, with its delivery method.
package struct ConfiguredBillingProvider: Sendable {
    package var seq: Int64
    package var billingProvider: String
    package var deliveryMethod: DeliveryMethodRecord

    /// A value with each stored property given.
    package init(seq: Int64, billingProvider: String, deliveryMethod: DeliveryMethodRecord) {
        self.seq = seq
        self.billingProvider = billingProvider
        self.deliveryMethod = deliveryMethod
    }
}

/// Avalara credentials to keep for some delivery methods.
package struct NewAvalaraCredentials: Sendable {
    package var environment: String
    package var username: String
    package var password: String
    package var commitTransactions: Bool?
    package var deliveryMethodIds: [String]

    /// A value with each stored property given.
    package init(environment: String, username: String, password: String, commitTransactions: Bool?, deliveryMethodIds: [String]) {
        self.environment = environment
        self.username = username
        self.password = password
        self.commitTransactions = commitTransactions
        self.deliveryMethodIds = deliveryMethodIds
    }
}

// MARK: - Store methods

extension AppDatabase {
    /// Sets up a billing provider for the account with a new delivery method holding
    /// `configuration`; returns the delivery method's ID.
    package func setUpBillingProvider(
        billingProvider: String, deliveryMethod: String, configuration: JSONValue, now: Timestamp
    ) async throws -> String {
        try await writer.write { db in
            let method = DeliveryMethodRecord(
                id: UUID().uuidString.lowercased(), deliveryMethod: deliveryMethod, configuration: configuration
            )
            try method.insert(db)
            try AccountBillingProviderRecord(deliveryMethodId: method.id, billingProvider: billingProvider, createdAt: now).insert(db)
            return method.id
        }
    }

    /// Up to `limit` billing providers set up for the account, oldest first, after sequence `afterSeq`.
    package func configuredBillingProviders(afterSeq: Int64?, limit: Int) async throws -> [ConfiguredBillingProvider] {
        try await writer.read { db in
            var request = AccountBillingProviderRecord.order(AccountBillingProviderRecord.Columns.seq)
            if let afterSeq {
                request = request.filter(AccountBillingProviderRecord.Columns.seq > afterSeq)
            }
            return try request.limit(limit).fetchAll(db).map { record in
                guard let method = try DeliveryMethodRecord
                    .filter(DeliveryMethodRecord.Columns.id == record.deliveryMethodId).fetchOne(db)
                else {
                    throw StoreError.corrupt("Billing provider \(record.billingProvider) has no delivery method \(record.deliveryMethodId)")
                }
                return ConfiguredBillingProvider(seq: record.seq ?? 0, billingProvider: record.billingProvider, deliveryMethod: method)
            }
        }
    }

    /// Keeps Avalara credentials for each of the delivery methods, replacing any kept before;
    /// 404 (and nothing kept) if one of them does not exist.
    package func upsertAvalaraCredentials(_ new: NewAvalaraCredentials, now: Timestamp) async throws {
        try await writer.write { db in
            for id in new.deliveryMethodIds {
                guard try DeliveryMethodRecord.filter(DeliveryMethodRecord.Columns.id == id).fetchCount(db) > 0 else {
                    throw StoreError.notFound("Delivery method", id)
                }
                try AvalaraCredentialsRecord(
                    deliveryMethodId: id, avalaraEnvironment: new.environment, avalaraUsername: new.username,
                    avalaraPassword: new.password, commitTransactions: new.commitTransactions, updatedAt: now
                ).upsert(db)
            }
        }
    }

    /// The Avalara credentials kept for a delivery method, if any; for tests and the store only,
    /// never sent on the wire.
    package func avalaraCredentials(deliveryMethodId: String) async throws -> AvalaraCredentialsRecord? {
        try await writer.read { db in
            try AvalaraCredentialsRecord.filter(AvalaraCredentialsRecord.Columns.deliveryMethodId == deliveryMethodId).fetchOne(db)
        }
    }
}
