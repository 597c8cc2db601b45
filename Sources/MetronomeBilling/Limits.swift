/// Metronome's limits on what a request may carry, and the emulator's page sizes: each defined
/// once, here.
package enum Limits {
    /// `transaction_id`, `uniqueness_key`, `external_id` and each ingest alias: 1–128 characters.
    package static let identifierLength = 1...128
    /// Ingest aliases one customer may have.
    package static let ingestAliasesPerCustomer = 2000
    /// Names longer than this are cut, as Metronome cuts them.
    package static let nameLength = 160
    /// Custom field keys and values: at most this many characters.
    package static let customFieldLength = 200
    /// IDs in one list filter (`customer_ids`, `transactionIds`, ...).
    package static let idsPerFilter = 100
    /// Rows on a page of a list when `limit` is not given, and the most `limit` may ask for.
    package static let pageSize = 100
}
