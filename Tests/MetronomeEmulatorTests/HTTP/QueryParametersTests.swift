import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct QueryParametersTests {
    @Test func valuesAreFormDecodedAsClientsEncodeThem() async throws {
        try await withEmulator { client async throws in
            let spaced = try await client.createCustomer(aliases: ["acme corp"])
            let plus = try await client.createCustomer(name: "Plus", aliases: ["a+b"])
            // The SDKs (httpx, Node's URLSearchParams) write a space as '+'; others as %20.
            #expect(try await client.call(.get, "/v1/customers?ingest_alias=acme+corp").items.map { $0["id"] as? String } == [spaced])
            #expect(try await client.call(.get, "/v1/customers?ingest_alias=acme%20corp").items.map { $0["id"] as? String } == [spaced])
            #expect(try await client.call(.get, "/v1/customers?ingest_alias=a%2Bb").items.map { $0["id"] as? String } == [plus])
        }
    }

    @Test func keysArePercentDecodedToo() async throws {
        try await withEmulator { client async throws in
            let id = try await client.createCustomer()
            let other = try await client.createCustomer(name: "Other")
            let bracketed = try await client.call(.get, "/v1/customers?customer_ids%5B%5D=\(id)")
            #expect(bracketed.items.map { $0["id"] as? String } == [id])
            #expect(try await client.call(.get, "/v1/customers?customer_ids=\(other)").items.count == 1)
        }
    }

    @Test func malformedEscapesAreKeptAsTheyAre() async throws {
        try await withEmulator { client async throws in
            _ = try await client.createCustomer(aliases: ["100%zz"])
            #expect(try await client.call(.get, "/v1/customers?ingest_alias=100%zz").items.count == 1)
            #expect(try await client.call(.get, "/v1/customers?limit=%ff").status == .badRequest)
        }
    }
}
