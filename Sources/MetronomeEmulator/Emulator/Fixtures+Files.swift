import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

extension Fixtures {
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
                case "billable_metrics.json":
                    fixtures.billableMetrics = try (decode(data) as [BillableMetricFixtureFile]).map { try $0.validated() }
                case "products.json": fixtures.products = try (decode(data) as [ProductFixtureFile]).map { try $0.validated() }
                case "rate_cards.json": fixtures.rateCards = try (decode(data) as [RateCardFixtureFile]).map { try $0.validated() }
                case "plans.json": fixtures.plans = (try decode(data) as [PlanFixtureFile]).map(\.plan)
                default:
                    throw FixtureError(
                        message: "\(url.path): unknown fixture file; expected credit_types.json, "
                            + "delivery_methods.json, customers.json, billable_metrics.json, products.json, rate_cards.json or plans.json"
                    )
                }
            } catch let error as DecodingError {
                throw FixtureError(message: "\(url.path): \(JSONBody.message(for: error))")
            } catch let error as APIError {
                throw FixtureError(message: "\(url.path): \(error.message)")
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

/// An item of `billable_metrics.json` as read, before its definition is checked.
private struct BillableMetricFixtureFile: Decodable {
    var id: String
    var body: CreateBillableMetricRequest

    enum CodingKeys: String, CodingKey {
        case id
    }

    init(from decoder: any Decoder) throws {
        id = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .id)
        body = try CreateBillableMetricRequest(from: decoder)
    }

    func validated() throws -> BillableMetricFixture {
        BillableMetricFixture(
            id: try Validate.id(id, field: "id"), name: try Validate.name(body.name),
            definition: try body.validatedDefinition(), customFields: body.customFields ?? [:]
        )
    }
}

/// An item of `products.json`: `{"id", ...}` with the fields of `products/create`.
private struct ProductFixtureFile: Decodable {
    var id: String
    var body: CreateProductRequest

    enum CodingKeys: String, CodingKey {
        case id
    }

    init(from decoder: any Decoder) throws {
        id = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .id)
        body = try CreateProductRequest(from: decoder)
    }

    /// The product; its creation time is set when it is loaded.
    func validated() throws -> NewProduct {
        let placeholder = Timestamp(millisecondsSinceEpoch: 0)
        return NewProduct(
            id: try Validate.id(id, field: "id"), type: body.type,
            state: try body.fields.state(name: try Validate.name(body.name), startingAt: placeholder, now: placeholder),
            customFields: body.customFields ?? [:]
        )
    }
}

/// An item of `rate_cards.json`: `{"id", "rates": [...], ...}` with the fields of
/// `rate-cards/create`, and each rate with the fields of `addRate`.
private struct RateCardFixtureFile: Decodable {
    var id: String
    var rates: [RateBody]
    var body: CreateRateCardRequest

    enum CodingKeys: String, CodingKey {
        case id, rates
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        rates = try container.decodeIfPresent([RateBody].self, forKey: .rates) ?? []
        body = try CreateRateCardRequest(from: decoder)
    }

    func validated() throws -> RateCardFixture {
        let card = NewRateCard(
            id: try Validate.id(id, field: "id"), name: try Validate.name(body.name), description: body.description,
            aliases: try RateCardAliasBody.validated(body.aliases),
            fiatCreditTypeId: try Validate.id(
                body.fiatCreditTypeId ?? CreditTypes.usdCentsId, field: "fiat_credit_type_id"
            ),
            creditTypeConversions: try CreditTypeConversionBody.validated(body.creditTypeConversions, field: "credit_type_conversions"),
            customFields: body.customFields ?? [:]
        )
        return RateCardFixture(card: card, rates: try rates.enumerated().map { try $1.rate(field: "rates[\($0)].") })
    }
}

/// An item of `plans.json`: a plan as Metronome's app defines it (the format is in the README).
private struct PlanFixtureFile: Decodable {
    var id: String
    var name: String
    var description: String?
    var customFields: [String: String]?
    var charges: [Charge]
    var creditGrants: [JSONValue]?
    var minimums: [Minimum]?
    var overageRates: [JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id, name, description, customFields = "custom_fields", charges, creditGrants = "credit_grants"
        case minimums, overageRates = "overage_rates"
    }

    /// One charge of the plan.
    struct Charge: Decodable {
        var id: String
        var name: String
        var chargeType: PlanChargeType
        var productId: String
        var productName: String
        var billableMetricId: String?
        var creditTypeId: String?
        var prices: [PlanChargePriceWire]
        var quantity: Decimal?
        var startPeriod: Decimal?
        var tierResetFrequency: Decimal?
        var unitConversion: UnitConversionWire?
        var customFields: [String: String]?

        enum CodingKeys: String, CodingKey {
            case id, name, chargeType = "charge_type", productId = "product_id", productName = "product_name"
            case billableMetricId = "billable_metric_id", creditTypeId = "credit_type_id", prices, quantity
            case startPeriod = "start_period", tierResetFrequency = "tier_reset_frequency"
            case unitConversion = "unit_conversion", customFields = "custom_fields"
        }
    }

    /// A minimum of the plan from a billing period on.
    struct Minimum: Decodable {
        var name: String
        var creditTypeId: String?
        var startPeriod: Decimal
        var value: Decimal

        enum CodingKeys: String, CodingKey {
            case name, creditTypeId = "credit_type_id", startPeriod = "start_period", value
        }
    }

    /// The plan this item defines.
    var plan: PlanDefinition {
        PlanDefinition(
            id: id, name: name, description: description, customFields: customFields,
            charges: charges.map {
                PlanCharge(
                    id: $0.id, name: $0.name, chargeType: $0.chargeType, productId: $0.productId, productName: $0.productName,
                    billableMetricId: $0.billableMetricId, creditTypeId: $0.creditTypeId, prices: $0.prices.map(\.domain),
                    quantity: $0.quantity, startPeriod: $0.startPeriod, tierResetFrequency: $0.tierResetFrequency,
                    unitConversion: $0.unitConversion?.domain, customFields: $0.customFields
                )
            },
            creditGrants: creditGrants,
            minimums: minimums?.map { PlanMinimum(name: $0.name, creditTypeId: $0.creditTypeId, startPeriod: $0.startPeriod, value: $0.value) },
            overageRates: overageRates
        )
    }
}
