import Foundation
import GRDB

extension AppDatabase {
    /// The schema, one append-only migration at a time. Lists page by `seq` (insertion order).
    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 credit types, customers, billing configurations, named schedules") { db in
            try db.execute(sql: """
                CREATE TABLE credit_type (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    is_currency INTEGER NOT NULL DEFAULT 0,
                    archived_at INTEGER
                );
                CREATE TABLE customer (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    external_id TEXT NOT NULL,
                    custom_fields TEXT NOT NULL DEFAULT '{}',
                    salesforce_account_id TEXT,
                    leave_stripe_invoices_in_draft INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE INDEX customer_by_salesforce_account ON customer(salesforce_account_id);
                CREATE TABLE customer_ingest_alias (
                    alias TEXT PRIMARY KEY,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL
                );
                CREATE INDEX customer_ingest_alias_by_customer ON customer_ingest_alias(customer_id, position);
                CREATE TABLE customer_billing_config (
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    billing_provider_type TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    PRIMARY KEY (customer_id, billing_provider_type)
                );
                CREATE TABLE delivery_method (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    delivery_method TEXT NOT NULL,
                    configuration TEXT NOT NULL DEFAULT '{}'
                );
                CREATE TABLE customer_billing_provider_configuration (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    billing_provider TEXT NOT NULL,
                    delivery_method_id TEXT NOT NULL REFERENCES delivery_method(id),
                    configuration TEXT NOT NULL DEFAULT '{}',
                    tax_provider TEXT,
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE INDEX billing_provider_configuration_by_customer
                    ON customer_billing_provider_configuration(customer_id);
                CREATE TABLE named_schedule_segment (
                    owner_kind TEXT NOT NULL,
                    owner_id TEXT NOT NULL,
                    schedule_name TEXT NOT NULL,
                    starting_at INTEGER NOT NULL,
                    ending_before INTEGER,
                    value TEXT NOT NULL,
                    PRIMARY KEY (owner_kind, owner_id, schedule_name, starting_at)
                );
                """)
        }
        migrator.registerMigration("v2 billable metrics and usage events") { db in
            try db.execute(sql: """
                CREATE TABLE billable_metric (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    aggregation_type TEXT,
                    aggregation_key TEXT,
                    event_type_filter TEXT,
                    property_filters TEXT NOT NULL DEFAULT '[]',
                    group_keys TEXT NOT NULL DEFAULT '[]',
                    sql TEXT,
                    custom_fields TEXT NOT NULL DEFAULT '{}',
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE TABLE usage_event (
                    seq INTEGER PRIMARY KEY,
                    transaction_id TEXT NOT NULL,
                    customer_ref TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    properties TEXT NOT NULL,
                    ingested_at INTEGER NOT NULL,
                    is_duplicate INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX usage_event_by_customer_ref ON usage_event(customer_ref, timestamp);
                CREATE INDEX usage_event_by_transaction ON usage_event(transaction_id);
                """)
        }
        migrator.registerMigration("v3 custom field keys") { db in
            try db.execute(sql: """
                CREATE TABLE custom_field_key (
                    seq INTEGER PRIMARY KEY,
                    entity TEXT NOT NULL,
                    key TEXT NOT NULL,
                    enforce_uniqueness INTEGER NOT NULL,
                    UNIQUE (entity, key)
                );
                """)
        }
        migrator.registerMigration("v4 plans and customer plans") { db in
            try db.execute(sql: """
                CREATE TABLE plan (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL
                );
                CREATE TABLE customer_plan (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    plan_id TEXT NOT NULL REFERENCES plan(id),
                    starting_on INTEGER NOT NULL,
                    ending_before INTEGER,
                    net_payment_terms_days TEXT,
                    price_adjustments TEXT NOT NULL DEFAULT '[]',
                    trial_spec TEXT,
                    overage_rate_adjustments TEXT NOT NULL DEFAULT '[]',
                    custom_fields TEXT NOT NULL DEFAULT '{}'
                );
                CREATE INDEX customer_plan_by_customer ON customer_plan(customer_id, starting_on);
                CREATE INDEX customer_plan_by_plan ON customer_plan(plan_id);
                """)
        }
        migrator.registerMigration("v5 products, rate cards and rates") { db in
            try db.execute(sql: """
                CREATE TABLE product (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    initial TEXT NOT NULL,
                    updates TEXT NOT NULL DEFAULT '[]',
                    custom_fields TEXT NOT NULL DEFAULT '{}',
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE TABLE rate_card (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    description TEXT,
                    fiat_credit_type_id TEXT NOT NULL REFERENCES credit_type(id),
                    credit_type_conversions TEXT NOT NULL DEFAULT '[]',
                    custom_fields TEXT NOT NULL DEFAULT '{}',
                    product_order TEXT NOT NULL DEFAULT '[]',
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE TABLE rate_card_alias (
                    rate_card_id TEXT NOT NULL REFERENCES rate_card(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    starting_at INTEGER,
                    ending_before INTEGER,
                    PRIMARY KEY (rate_card_id, position)
                );
                CREATE INDEX rate_card_alias_by_name ON rate_card_alias(name);
                CREATE TABLE rate (
                    seq INTEGER PRIMARY KEY,
                    rate_card_id TEXT NOT NULL REFERENCES rate_card(id) ON DELETE CASCADE,
                    product_id TEXT NOT NULL REFERENCES product(id),
                    starting_at INTEGER NOT NULL,
                    ending_before INTEGER,
                    details TEXT NOT NULL
                );
                CREATE INDEX rate_by_rate_card ON rate(rate_card_id, product_id);
                """)
        }
        migrator.registerMigration("v6 contracts, commits and credits") { db in
            try db.execute(sql: """
                CREATE TABLE contract (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    name TEXT,
                    starting_at INTEGER NOT NULL,
                    ending_before INTEGER,
                    rate_card_id TEXT REFERENCES rate_card(id),
                    usage_statement_schedule TEXT NOT NULL,
                    net_payment_terms_days TEXT,
                    scheduled_charges TEXT NOT NULL DEFAULT '[]',
                    discounts TEXT NOT NULL DEFAULT '[]',
                    subscriptions TEXT NOT NULL DEFAULT '[]',
                    overrides TEXT NOT NULL DEFAULT '[]',
                    transitions TEXT NOT NULL DEFAULT '[]',
                    custom_fields TEXT NOT NULL DEFAULT '{}',
                    uniqueness_key TEXT,
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE INDEX contract_by_customer ON contract(customer_id, starting_at);
                CREATE UNIQUE INDEX contract_by_uniqueness_key ON contract(customer_id, uniqueness_key)
                    WHERE uniqueness_key IS NOT NULL;
                CREATE TABLE commit_or_credit (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    type TEXT,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    contract_id TEXT REFERENCES contract(id) ON DELETE CASCADE,
                    product_id TEXT NOT NULL REFERENCES product(id),
                    name TEXT,
                    description TEXT,
                    priority TEXT,
                    credit_type_id TEXT NOT NULL REFERENCES credit_type(id),
                    access_schedule TEXT NOT NULL,
                    access_starting_at INTEGER NOT NULL,
                    access_ending_before INTEGER NOT NULL,
                    invoice_schedule TEXT,
                    applicable_product_ids TEXT,
                    applicable_product_tags TEXT,
                    applicable_contract_ids TEXT,
                    specifiers TEXT,
                    rate_type TEXT,
                    rollover_fraction TEXT,
                    invoice_contract_id TEXT,
                    uniqueness_key TEXT,
                    custom_fields TEXT NOT NULL DEFAULT '{}',
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE INDEX commit_or_credit_by_customer ON commit_or_credit(customer_id, kind);
                CREATE INDEX commit_or_credit_by_contract ON commit_or_credit(contract_id);
                CREATE UNIQUE INDEX commit_or_credit_by_uniqueness_key ON commit_or_credit(customer_id, kind, uniqueness_key)
                    WHERE uniqueness_key IS NOT NULL;
                """)
        }
        migrator.registerMigration("v7 usage rollups and invoices") { db in
            try db.execute(sql: """
                CREATE TABLE usage_rollup (
                    billable_metric_id TEXT NOT NULL,
                    customer_ref TEXT NOT NULL,
                    hour INTEGER NOT NULL,
                    group_values TEXT NOT NULL,
                    event_count INTEGER NOT NULL,
                    total TEXT NOT NULL,
                    maximum TEXT,
                    latest_at INTEGER,
                    latest_transaction_id TEXT,
                    latest_value TEXT,
                    PRIMARY KEY (billable_metric_id, customer_ref, hour, group_values)
                ) WITHOUT ROWID;
                CREATE TABLE usage_rollup_unique (
                    billable_metric_id TEXT NOT NULL,
                    customer_ref TEXT NOT NULL,
                    hour INTEGER NOT NULL,
                    group_values TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (billable_metric_id, customer_ref, hour, group_values, value)
                ) WITHOUT ROWID;
                CREATE TABLE invoice (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    source_kind TEXT NOT NULL,
                    source_id TEXT NOT NULL,
                    period_index INTEGER NOT NULL,
                    start_timestamp INTEGER NOT NULL,
                    end_timestamp INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    issued_at INTEGER,
                    regenerated_from_invoice_id TEXT,
                    added_charges TEXT NOT NULL DEFAULT '[]',
                    document TEXT
                );
                CREATE INDEX invoice_by_customer ON invoice(customer_id, start_timestamp);
                CREATE INDEX invoice_by_source ON invoice(source_kind, source_id, period_index);
                """)
        }
        migrator.registerMigration("v8 alerts") { db in
            try db.execute(sql: """
                CREATE TABLE alert (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    alert_type TEXT NOT NULL,
                    threshold TEXT NOT NULL,
                    customer_id TEXT REFERENCES customer(id) ON DELETE CASCADE,
                    plan_id TEXT REFERENCES plan(id),
                    credit_type_id TEXT NOT NULL,
                    billable_metric_id TEXT,
                    uniqueness_key TEXT,
                    holds_uniqueness_key INTEGER NOT NULL DEFAULT 0,
                    evaluate_on_create INTEGER NOT NULL DEFAULT 1,
                    filters TEXT NOT NULL DEFAULT '{}',
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE INDEX alert_by_customer ON alert(customer_id);
                CREATE UNIQUE INDEX alert_by_held_uniqueness_key ON alert(uniqueness_key)
                    WHERE uniqueness_key IS NOT NULL AND holds_uniqueness_key = 1;
                CREATE TABLE customer_alert_state (
                    alert_id TEXT NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    status TEXT NOT NULL,
                    triggered_by TEXT,
                    is_suppressed INTEGER NOT NULL DEFAULT 0,
                    suppressed_window TEXT,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (customer_id, alert_id)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v9 usage events stored per ingest request") { db in
            try db.execute(sql: """
                CREATE TABLE usage_event_batch (
                    seq INTEGER PRIMARY KEY,
                    ingested_at INTEGER NOT NULL,
                    events BLOB NOT NULL
                );
                CREATE TABLE usage_event_batch_ref (
                    customer_ref TEXT NOT NULL,
                    batch_seq INTEGER NOT NULL,
                    first_timestamp INTEGER NOT NULL,
                    last_timestamp INTEGER NOT NULL,
                    PRIMARY KEY (customer_ref, batch_seq)
                ) WITHOUT ROWID;
                CREATE TABLE usage_event_repeat (
                    transaction_id TEXT NOT NULL,
                    batch_seq INTEGER NOT NULL,
                    PRIMARY KEY (transaction_id, batch_seq)
                ) WITHOUT ROWID;
                """)
            try migrateUsageEventRows(db)
            try db.execute(sql: "DROP TABLE usage_event")
        }
        migrator.registerMigration("v10 notifications, webhook deliveries and destinations") { db in
            try db.execute(sql: """
                CREATE TABLE notification (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    properties TEXT NOT NULL,
                    customer_id TEXT,
                    created_at INTEGER NOT NULL,
                    fanned_out INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX notification_to_fan_out ON notification(seq) WHERE fanned_out = 0;
                CREATE INDEX notification_by_type ON notification(type, seq);
                CREATE INDEX notification_by_customer ON notification(customer_id, seq);
                CREATE TABLE notification_delivery (
                    notification_seq INTEGER NOT NULL REFERENCES notification(seq) ON DELETE CASCADE,
                    webhook_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_status INTEGER,
                    last_error TEXT,
                    queued_at INTEGER NOT NULL,
                    next_attempt_at INTEGER,
                    delivered_at INTEGER,
                    PRIMARY KEY (notification_seq, webhook_id)
                );
                CREATE INDEX notification_delivery_pending ON notification_delivery(webhook_id, notification_seq)
                    WHERE state = 'pending';
                CREATE TABLE webhook_destination (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    url TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    event_types TEXT
                );
                """)
        }
        migrator.registerMigration("v11 settlement of each customer, and system notifications") { db in
            // Customers of an older store are due at once, and notify no boundary before then.
            try db.execute(sql: """
                CREATE TABLE customer_settlement (
                    customer_id TEXT PRIMARY KEY REFERENCES customer(id) ON DELETE CASCADE,
                    settled_at INTEGER,
                    due_at INTEGER
                );
                CREATE INDEX customer_settlement_due ON customer_settlement(due_at) WHERE due_at IS NOT NULL;
                INSERT INTO customer_settlement (customer_id, settled_at, due_at) SELECT id, NULL, 0 FROM customer;
                ALTER TABLE notification ADD COLUMN is_system INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v12 pricing units, packages and settings") { db in
            try db.execute(sql: """
                CREATE TABLE package (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    contract_name TEXT,
                    rate_card_id TEXT REFERENCES rate_card(id),
                    rate_card_alias TEXT,
                    usage_statement_frequency TEXT NOT NULL,
                    usage_statement_day TEXT NOT NULL,
                    net_payment_terms_days TEXT,
                    duration_unit TEXT,
                    duration_value INTEGER,
                    uniqueness_key TEXT UNIQUE,
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE TABLE package_alias (
                    package_id TEXT NOT NULL REFERENCES package(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    starting_at INTEGER,
                    ending_before INTEGER,
                    PRIMARY KEY (package_id, position)
                );
                CREATE INDEX package_alias_by_name ON package_alias(name);
                CREATE TABLE package_contract (
                    seq INTEGER PRIMARY KEY,
                    package_id TEXT NOT NULL REFERENCES package(id) ON DELETE CASCADE,
                    contract_id TEXT NOT NULL UNIQUE REFERENCES contract(id) ON DELETE CASCADE,
                    customer_id TEXT NOT NULL
                );
                CREATE INDEX package_contract_by_package ON package_contract(package_id, seq);
                CREATE TABLE account_billing_provider (
                    seq INTEGER PRIMARY KEY,
                    delivery_method_id TEXT NOT NULL UNIQUE REFERENCES delivery_method(id) ON DELETE CASCADE,
                    billing_provider TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE avalara_credentials (
                    delivery_method_id TEXT PRIMARY KEY REFERENCES delivery_method(id) ON DELETE CASCADE,
                    avalara_environment TEXT NOT NULL,
                    avalara_username TEXT NOT NULL,
                    avalara_password TEXT NOT NULL,
                    commit_transactions INTEGER,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v13 notification configurations") { db in
            try db.execute(sql: """
                CREATE TABLE notification_config (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    offset TEXT NOT NULL,
                    uniqueness_key TEXT UNIQUE,
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE TABLE system_notification_disabled (event_type TEXT PRIMARY KEY);
                """)
        }
        migrator.registerMigration("v14 audit log") { db in
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    timestamp INTEGER NOT NULL,
                    actor_id TEXT NOT NULL,
                    actor_name TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    user_agent TEXT,
                    resource_type TEXT NOT NULL,
                    resource_id TEXT,
                    action TEXT NOT NULL,
                    status TEXT NOT NULL,
                    description TEXT NOT NULL
                );
                CREATE INDEX audit_log_by_resource ON audit_log(resource_type, resource_id, seq);
                """)
        }
        migrator.registerMigration("v15 credit grants") { db in
            try db.execute(sql: """
                CREATE TABLE credit_grant (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    grant_amount TEXT NOT NULL,
                    grant_credit_type_id TEXT NOT NULL,
                    paid_amount TEXT NOT NULL,
                    paid_credit_type_id TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    effective_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    product_ids TEXT NOT NULL,
                    credit_grant_type TEXT,
                    reason TEXT,
                    custom_fields TEXT NOT NULL,
                    uniqueness_key TEXT UNIQUE,
                    created_at INTEGER NOT NULL,
                    voided_at INTEGER
                );
                CREATE INDEX credit_grant_by_customer ON credit_grant(customer_id, seq);
                """)
        }
        migrator.registerMigration("v16 manual balance entries") { db in
            try db.execute(sql: """
                CREATE TABLE manual_balance_entry (
                    seq INTEGER PRIMARY KEY,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    commit_id TEXT NOT NULL,
                    segment_id TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    uniqueness_key TEXT UNIQUE,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX manual_balance_entry_by_customer ON manual_balance_entry(customer_id, seq);
                """)
        }
        migrator.registerMigration("v17 contract edits") { db in
            try db.execute(sql: """
                CREATE TABLE contract_edit (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    contract_id TEXT NOT NULL REFERENCES contract(id) ON DELETE CASCADE,
                    timestamp INTEGER NOT NULL,
                    starting_at INTEGER,
                    uniqueness_key TEXT,
                    changes TEXT NOT NULL
                );
                CREATE INDEX contract_edit_by_contract ON contract_edit(contract_id, seq);
                CREATE INDEX contract_edit_by_key ON contract_edit(customer_id, uniqueness_key);
                """)
        }
        migrator.registerMigration("v18 historical invoices and professional services") { db in
            try db.execute(sql: """
                CREATE TABLE professional_service (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    contract_id TEXT NOT NULL REFERENCES contract(id) ON DELETE CASCADE,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    product_id TEXT NOT NULL,
                    max_amount TEXT NOT NULL,
                    quantity TEXT NOT NULL,
                    unit_price TEXT NOT NULL,
                    description TEXT,
                    custom_fields TEXT NOT NULL DEFAULT '{}'
                );
                CREATE INDEX professional_service_by_contract ON professional_service(contract_id, seq);
                """)
        }
        migrator.registerMigration("v19 contract terms: prioritization, usage filters, recurring commits, threshold billing and more") { db in
            try db.execute(sql: """
                ALTER TABLE contract ADD COLUMN prepaid_balance_threshold TEXT;
                ALTER TABLE contract ADD COLUMN spend_threshold TEXT;
                CREATE INDEX contract_with_threshold_billing ON contract(customer_id)
                    WHERE prepaid_balance_threshold IS NOT NULL OR spend_threshold IS NOT NULL;
                ALTER TABLE contract ADD COLUMN reseller_royalties TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE contract ADD COLUMN billing_provider_configuration_id TEXT;
                ALTER TABLE contract ADD COLUMN spend_trackers TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE commit_or_credit ADD COLUMN threshold_charge INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE contract ADD COLUMN scheduled_charges_on_usage_invoices INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE contract ADD COLUMN sales_references TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE contract ADD COLUMN multiplier_override_prioritization TEXT NOT NULL DEFAULT 'LOWEST_MULTIPLIER';
                ALTER TABLE contract ADD COLUMN usage_filters TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE contract ADD COLUMN recurring_commits TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE commit_or_credit ADD COLUMN recurring_commit_id TEXT;
                CREATE INDEX commit_or_credit_by_recurring_commit ON commit_or_credit(recurring_commit_id);
                """)
        }
        migrator.registerMigration("v20 commit rollovers") { db in
            try db.execute(sql: """
                ALTER TABLE commit_or_credit ADD COLUMN rolled_over_from TEXT;
                CREATE TABLE commit_rollover (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    customer_id TEXT NOT NULL,
                    commit_id TEXT NOT NULL,
                    segment_id TEXT NOT NULL,
                    new_contract_id TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    UNIQUE (segment_id, new_contract_id)
                );
                CREATE INDEX commit_rollover_by_customer ON commit_rollover(customer_id, seq);
                """)
        }
        migrator.registerMigration("v21 revenue system configurations and contracts' configuration schedules") { db in
            try db.execute(sql: """
                CREATE TABLE customer_revenue_system_configuration (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
                    provider TEXT NOT NULL,
                    delivery_method_id TEXT NOT NULL REFERENCES delivery_method(id),
                    configuration TEXT NOT NULL DEFAULT '{}',
                    created_at INTEGER NOT NULL,
                    archived_at INTEGER
                );
                CREATE INDEX revenue_system_configuration_by_customer
                    ON customer_revenue_system_configuration(customer_id);
                ALTER TABLE contract ADD COLUMN billing_provider_configuration_effective_at INTEGER;
                ALTER TABLE contract ADD COLUMN revenue_system_configuration_id TEXT;
                ALTER TABLE contract ADD COLUMN revenue_system_configuration_effective_at INTEGER;
                """)
        }
        migrator.registerMigration("v22 commits' and professional services' references, spend tracker attributes") { db in
            try db.execute(sql: """
                ALTER TABLE commit_or_credit ADD COLUMN netsuite_sales_order_id TEXT;
                ALTER TABLE commit_or_credit ADD COLUMN salesforce_opportunity_id TEXT;
                ALTER TABLE commit_or_credit ADD COLUMN counts_as_discounted INTEGER;
                ALTER TABLE professional_service ADD COLUMN netsuite_sales_order_id TEXT;
                """)
        }
        migrator.registerMigration("v23 account hierarchies, seat-based recurring commits") { db in
            try db.execute(sql: """
                ALTER TABLE contract ADD COLUMN hierarchy TEXT;
                ALTER TABLE contract ADD COLUMN parent_contract_id TEXT;
                CREATE INDEX contract_parent ON contract (parent_contract_id);
                ALTER TABLE commit_or_credit ADD COLUMN child_access TEXT;
                ALTER TABLE commit_or_credit ADD COLUMN subscription_config TEXT;
                """)
        }
        migrator.registerMigration("v24 commits' deprecated amount") { db in
            try db.execute(sql: "ALTER TABLE commit_or_credit ADD COLUMN amount TEXT")
        }
        migrator.registerMigration("v25 contract versions, for reads as of a date") { db in
            try db.execute(sql: """
                CREATE TABLE contract_version (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    contract_id TEXT NOT NULL,
                    superseded_at INTEGER NOT NULL,
                    contract TEXT NOT NULL,
                    commits TEXT NOT NULL
                );
                CREATE INDEX contract_version_contract ON contract_version (contract_id, superseded_at);
                """)
        }
        migrator.registerMigration("v26 commits drawn down by quantity") { db in
            // Rating looks up the few commits drawn by quantity on every contract invoice.
            try db.execute(sql: """
                ALTER TABLE commit_or_credit ADD COLUMN access_type TEXT;
                CREATE INDEX commit_or_credit_by_quantity ON commit_or_credit (access_type) WHERE access_type IS NOT NULL;
                """)
        }
        return migrator
    }

    /// Moves the events of a store written before v9, one row each, into batches: consecutive
    /// events ingested at the same moment, up to 100 at a time, as ingest would have stored them.
    /// It writes the v9 batch format with its own frozen encoder, so that later changes to the
    /// live one never change what an old store is migrated into.
    private static func migrateUsageEventRows(_ db: Database) throws {
        var pending: [V9Event] = []
        var pendingIngestedAt: Int64 = 0
        var countedBatch: [String: Int64] = [:]
        func flush() throws {
            guard !pending.isEmpty else { return }
            try db.execute(
                sql: "INSERT INTO usage_event_batch (ingested_at, events) VALUES (?, ?)",
                arguments: [pendingIngestedAt, V9Event.encode(pending)]
            )
            let batchSeq = db.lastInsertedRowID
            for span in V9Event.customerRefSpans(pending) {
                try db.execute(sql: """
                    INSERT INTO usage_event_batch_ref (customer_ref, batch_seq, first_timestamp, last_timestamp) VALUES (?, ?, ?, ?)
                    """, arguments: [span.customerRef, batchSeq, span.first, span.last])
            }
            for event in pending {
                let repeatBatch = event.isDuplicate ? batchSeq : countedBatch.updateValue(batchSeq, forKey: event.transactionId)
                if let repeatBatch {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO usage_event_repeat (transaction_id, batch_seq) VALUES (?, ?)",
                        arguments: [event.transactionId, repeatBatch]
                    )
                }
            }
            pending = []
        }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT transaction_id, customer_ref, event_type, timestamp, properties, ingested_at, is_duplicate
            FROM usage_event ORDER BY seq
            """)
        while let row = try rows.next() {
            let ingestedAt: Int64 = row["ingested_at"]
            if ingestedAt != pendingIngestedAt || pending.count == 100 {
                try flush()
                pendingIngestedAt = ingestedAt
            }
            pending.append(V9Event(
                transactionId: row["transaction_id"], customerRef: row["customer_ref"], eventType: row["event_type"],
                timestamp: row["timestamp"], properties: row["properties"], isDuplicate: row["is_duplicate"]
            ))
        }
        try flush()
    }

    /// An event as migration v9 stores it, and the v9 batch format, frozen: per event a flags byte
    /// (1 = duplicate), the timestamp as 8 little-endian bytes, then `transaction_id`, customer
    /// reference, `event_type` and the properties' JSON text, each as a 4-byte little-endian
    /// length followed by its UTF-8 bytes.
    private struct V9Event {
        var transactionId: String
        var customerRef: String
        var eventType: String
        var timestamp: Int64
        var properties: String
        var isDuplicate: Bool

        static func encode(_ events: [V9Event]) -> Data {
            var bytes = Data()
            func append(_ value: UInt64, count: Int) {
                for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(index * 8))) }
            }
            for event in events {
                append(event.isDuplicate ? 1 : 0, count: 1)
                append(UInt64(bitPattern: event.timestamp), count: 8)
                for text in [event.transactionId, event.customerRef, event.eventType, event.properties] {
                    append(UInt64(text.utf8.count), count: 4)
                    bytes.append(contentsOf: Array(text.utf8))
                }
            }
            return bytes
        }

        static func customerRefSpans(_ events: [V9Event]) -> [(customerRef: String, first: Int64, last: Int64)] {
            var spans: [(customerRef: String, first: Int64, last: Int64)] = []
            for event in events {
                if let position = spans.firstIndex(where: { $0.customerRef == event.customerRef }) {
                    spans[position].first = min(spans[position].first, event.timestamp)
                    spans[position].last = max(spans[position].last, event.timestamp)
                } else {
                    spans.append((event.customerRef, event.timestamp, event.timestamp))
                }
            }
            return spans
        }
    }

    /// Every table that holds emulated state, children before parents, for reset.
    package static let stateTables = [
        "commit_rollover",
        "professional_service",
        "manual_balance_entry",
        "credit_grant",
        "avalara_credentials",
        "account_billing_provider",
        "package_contract",
        "package_alias",
        "package",
        "notification_delivery",
        "notification",
        "webhook_destination",
        "customer_settlement",
        "notification_config",
        "audit_log",
        "system_notification_disabled",
        "contract_version",
        "contract_edit",
        "commit_or_credit",
        "contract",
        "customer_alert_state",
        "alert",
        "invoice",
        "usage_rollup_unique",
        "usage_rollup",
        "customer_plan",
        "plan",
        "custom_field_key",
        "rate",
        "rate_card_alias",
        "rate_card",
        "product",
        "usage_event_repeat",
        "usage_event_batch_ref",
        "usage_event_batch",
        "billable_metric",
        "named_schedule_segment",
        "customer_revenue_system_configuration",
        "customer_billing_provider_configuration",
        "delivery_method",
        "customer_billing_config",
        "customer_ingest_alias",
        "customer",
        "credit_type",
    ]
}
