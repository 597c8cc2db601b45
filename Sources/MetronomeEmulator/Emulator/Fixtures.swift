import Foundation

/// What the emulator loads at start and on reset: the objects that, in Metronome, come from
/// its app or exist before any API call. One JSON file per kind in a folder, each an array:
/// `credit_types.json`, `delivery_methods.json`, `customers.json`, `plans.json`.
struct Fixtures: Sendable {
    var creditTypes: [CreditTypeFixture] = []
    var deliveryMethods: [DeliveryMethodFixture] = []
    var customers: [CustomerFixture] = []
    var plans: [PlanDefinition] = []

    /// No fixtures at all (`--no-fixtures`).
    static let none = Fixtures()

    /// Reads every fixture file in `directory`. A file of an unknown kind, or one that does not
    /// parse, is an error that names the file and the field.
    static func load(from directory: String) throws -> Fixtures {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw FixtureError(message: "cannot read fixtures folder \(directory)")
        }
        var fixtures = Fixtures()
        for name in names where name.hasSuffix(".json") {
            let url = folder.appendingPathComponent(name)
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw FixtureError(message: "cannot read \(url.path)")
            }
            do {
                switch name {
                case "credit_types.json": fixtures.creditTypes = try decode(data)
                case "delivery_methods.json": fixtures.deliveryMethods = try decode(data)
                case "customers.json": fixtures.customers = try decode(data)
                case "plans.json": fixtures.plans = try decode(data)
                default:
                    throw FixtureError(
                        message: "\(url.path): unknown fixture file; expected credit_types.json, "
                            + "delivery_methods.json, customers.json or plans.json"
                    )
                }
            } catch let error as DecodingError {
                throw FixtureError(message: "\(url.path): \(JSONBody.message(for: error))")
            }
        }
        return fixtures
    }

    private static func decode<T: Decodable>(_ data: Data) throws -> T {
        try JSONDecoder().decode(T.self, from: data)
    }
}

/// A fixture file that cannot be used; the emulator does not start with it.
struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A credit type (pricing unit): `{"id", "name", "is_currency"}`.
struct CreditTypeFixture: Codable, Sendable {
    var id: String
    var name: String
    var isCurrency: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, isCurrency = "is_currency"
    }
}

/// A delivery method set up in Metronome's app: `{"id", "delivery_method", "configuration"}`.
struct DeliveryMethodFixture: Codable, Sendable {
    var id: String
    var deliveryMethod: String
    var configuration: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, deliveryMethod = "delivery_method", configuration
    }
}

/// A customer that exists from the start, with a fixed ID so tests can name it:
/// `{"id", "name", "ingest_aliases", "external_id", "custom_fields"}`.
struct CustomerFixture: Codable, Sendable {
    var id: String
    var name: String
    var ingestAliases: [String]?
    var externalId: String?
    var customFields: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, name, ingestAliases = "ingest_aliases", externalId = "external_id", customFields = "custom_fields"
    }
}
