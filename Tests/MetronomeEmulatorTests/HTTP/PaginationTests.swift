import Foundation
import Testing

@testable import MetronomeEmulator

@Suite struct PaginationTests {
    @Test func aCursorRoundTripsThroughItsToken() throws {
        let cursor = PageCursor(list: "customers", key: ["42", "2026-01-01T00:00:00.000Z"])
        let token = cursor.token
        #expect(!token.contains("/") && !token.contains("+") && !token.contains("="))
        #expect(try PageCursor(token: token, list: "customers", parameter: "next_page") == cursor)
    }

    @Test(arguments: ["garbage!", "", "Zm9v", "%%%"])
    func aGarbledTokenIsA400(token: String) {
        #expect(throws: APIError.self) {
            let cursor = try PageCursor(token: token, list: "customers", parameter: "next_page")
            _ = try cursor.integer(at: 0)
        }
    }

    @Test func aTokenOfAnotherListIsRefused() {
        let token = PageCursor(list: "credit-types", key: ["1"]).token
        #expect(throws: APIError.badRequest("'next_page' is not a cursor of this list")) {
            try PageCursor(token: token, list: "customers", parameter: "next_page")
        }
    }

    @Test(arguments: [0, 101, -1])
    func aLimitOutOfRangeIsA400(limit: Int) {
        #expect(throws: APIError.self) {
            try PageRequest(bodyLimit: limit, bodyToken: nil, list: "x", defaultLimit: 10, maxLimit: 100)
        }
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
