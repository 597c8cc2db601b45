import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct PaginationTests {
    /// The API error a client would get for what `body` throws (the store's errors mapped as
    /// the edge middleware maps them); nil if it throws nothing.
    private func apiError(_ body: () throws -> Void) -> APIError? {
        do {
            try body()
            return nil
        } catch let error as StoreError {
            return APIError(error)
        } catch {
            return error as? APIError
        }
    }

    @Test func aCursorRoundTripsThroughItsToken() throws {
        let cursor = PageCursor(list: "customers", key: ["42", "2026-01-01T00:00:00.000Z"])
        let token = cursor.token
        #expect(!token.contains("/") && !token.contains("+") && !token.contains("="))
        #expect(try PageCursor(token: token, list: "customers", parameter: "next_page") == cursor)
    }

    @Test(arguments: ["garbage!", "", "Zm9v", "%%%"])
    func aGarbledTokenIsA400(token: String) {
        #expect(apiError {
            let cursor = try PageCursor(token: token, list: "customers", parameter: "next_page")
            _ = try cursor.integer(at: 0)
        }?.status == .badRequest)
    }

    @Test func aTokenOfAnotherListIsRefused() {
        let token = PageCursor(list: "credit-types", key: ["1"]).token
        #expect(apiError {
            _ = try PageCursor(token: token, list: "customers", parameter: "next_page")
        } == APIError.badRequest("'next_page' is not a cursor of this list"))
    }

    @Test(arguments: [0, 101, -1])
    func aLimitOutOfRangeIsA400(limit: Int) {
        #expect(apiError {
            _ = try PageRequest(bodyLimit: limit, bodyToken: nil, list: "x", defaultLimit: 10, maxLimit: 100)
        }?.status == .badRequest)
    }

    @Test func aPageKeepsItsLimitAndPointsPastItsLastRow() throws {
        let request = try PageRequest(bodyLimit: 2, bodyToken: nil, list: "numbers", defaultLimit: 10, maxLimit: 100)
        #expect(request.fetchLimit == 3)
        let page = Page(rows: [1, 2, 3], request: request, list: "numbers", key: { [String($0)] }, transform: { $0 })
        #expect(page.data == [1, 2])
        #expect(page.next == PageCursor(list: "numbers", key: ["2"]))
        let last = Page(rows: [3], request: request, list: "numbers", key: { [String($0)] }, transform: { $0 })
        #expect(last.next == nil)
    }

    @Test func theTokenFieldIsNamedPerStyleAndNullOnTheLastPage() throws {
        let request = try PageRequest(bodyLimit: 1, bodyToken: nil, list: "n", defaultLimit: 10, maxLimit: 100)
        let first = Page(rows: [1, 2], request: request, list: "n", tokenField: .cursor, key: { [String($0)] }, transform: { $0 })
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(first)) as? [String: Any]
        #expect(json?["cursor"] is String)
        let last = Page(rows: [1], request: request, list: "n", key: { [String($0)] }, transform: { $0 })
        let text = String(decoding: try JSONEncoder().encode(last), as: UTF8.self)
        #expect(text.contains("\"next_page\":null"))
    }
}
