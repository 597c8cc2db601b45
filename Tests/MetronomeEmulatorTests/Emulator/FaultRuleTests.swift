import Foundation
import HTTPTypes
import Hummingbird
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore
import Testing

/// A fault rule from its JSON, validated as `POST /_emulator/faults` validates it.
private func rule(_ json: String, id: String = "f1") throws -> FaultRule {
    try FaultRule(JSONBody.decode(FaultRuleRequest.self, from: ByteBuffer(string: json)), id: id)
}

@Suite struct FaultRuleValidationTests {
    @Test(arguments: [
        (#"{"status": 429, "colour": "red"}"#, "'colour'"),
        (#"{"status": 99}"#, "'status'"),
        (#"{"status": 600}"#, "'status'"),
        (#"{"status": 100}"#, "'status'"),
        (#"{"status": "429"}"#, "'status'"),
        (#"{"status": 500, "probability": 1.5}"#, "'probability'"),
        (#"{"status": 500, "probability": -0.1}"#, "'probability'"),
        (#"{"status": 500, "seed": 3}"#, "'seed'"),
        (#"{"action": "explode"}"#, "'action'"),
        (#"{"delay_ms": -1}"#, "'delay_ms'"),
        (#"{"delay_ms": 3600001}"#, "'delay_ms'"),
        (#"{"status": 500, "times": -1}"#, "'times'"),
        (#"{"status": 500, "times": 0}"#, "'times'"),
        (#"{}"#, "'status', 'action' or 'delay_ms'"),
        (#"{"method": "POST", "times": 2}"#, "'status', 'action' or 'delay_ms'"),
        (#"{"action": "reset", "status": 500}"#, "'status'"),
        (#"{"action": "reset", "body": "x"}"#, "'body'"),
        (#"{"delay_ms": 5, "body": "x"}"#, "'body'"),
        (#"{"delay_ms": 5, "headers": {"Retry-After": "1"}}"#, "'headers'"),
        (#"{"status": 500, "headers": {"Content-Length": "3"}}"#, "'headers.Content-Length'"),
        (#"{"status": 500, "headers": {"bad name": "x"}}"#, "'headers'"),
        (#"{"status": 500, "headers": {"X-Thing": 1}}"#, "'headers.X-Thing'"),
        (#"{"status": 500, "headers": {"X-Thing": "a\r\nb"}}"#, "'headers.X-Thing'"),
        (#"{"status": 500, "method": "GE T"}"#, "'method'"),
        (#"{"status": 500, "path": "v1/customers"}"#, "'path'"),
        (#"{"status": 500, "path": "/_emulator/health"}"#, "'path'"),
        (#"{"status": 204, "body": {"a": 1}}"#, "'body'"),
        (#"[]"#, "JSON object"),
    ])
    func badRulesAre400sNamingTheField(json: String, field: String) throws {
        let error = try #require(throws: APIError.self) { try rule(json) }
        #expect(error.status == .badRequest)
        #expect(error.message.contains(field), "\(error.message)")
    }

    @Test func aRuleWithOnlyAStatusAnswersAMetronomeStyleMessage() throws {
        let answer = try #require(try rule(#"{"status": 503}"#).answer)
        #expect(answer.status.code == 503)
        #expect(answer.headers[.contentType] == "application/json")
        let body = try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [String: Any]
        #expect((body?["message"] as? String)?.hasPrefix("Service Unavailable") == true)
    }

    @Test func givenBodiesAndHeadersAreSentAsGiven() throws {
        let text = try #require(try rule(#"{"status": 502, "body": "<html>Bad gateway</html>", "headers": {"Content-Type": "text/html"}}"#).answer)
        #expect(String(buffer: text.body) == "<html>Bad gateway</html>")
        #expect(text.headers[values: .contentType] == ["text/html"])
        let json = try #require(try rule(#"{"status": 429, "body": {"message": "slow down", "code": 7}, "headers": {"Retry-After": "0"}}"#).answer)
        let sent = try JSONSerialization.jsonObject(with: Data(json.body.readableBytesView)) as? [String: Any]
        #expect(sent?["message"] as? String == "slow down" && sent?["code"] as? Int == 7)
        #expect(json.headers[.contentType] == "application/json")
        #expect(json.headers[HTTPField.Name("Retry-After")!] == "0")
        let empty = try #require(try rule(#"{"status": 204}"#).answer)
        #expect(empty.body.readableBytes == 0)
    }

    @Test func onlyAStatusOrAResetReplacesTheHandler() throws {
        #expect(try rule(#"{"status": 500}"#).replacesHandler)
        #expect(try rule(#"{"action": "reset", "delay_ms": 10}"#).replacesHandler)
        #expect(try !rule(#"{"delay_ms": 10, "times": 1}"#).replacesHandler)
    }
}

@Suite struct FaultMatchingTests {
    @Test func methodsMatchAnyCaseAndPathsExactlyOrByWildcard() throws {
        let exact = try rule(#"{"method": "post", "path": "/v1/customers", "status": 500}"#)
        #expect(exact.matches(method: .post, path: "/v1/customers"))
        #expect(!exact.matches(method: .get, path: "/v1/customers"))
        #expect(!exact.matches(method: .post, path: "/v1/customers/archive"))
        #expect(!exact.matches(method: .post, path: "/v1/customer"))

        let under = try rule(#"{"path": "/v1/customers/*", "status": 500}"#)
        #expect(under.matches(method: .get, path: "/v1/customers/abc"))
        #expect(under.matches(method: .post, path: "/v1/customers/abc/setName"))
        #expect(!under.matches(method: .get, path: "/v1/customers"))

        let middle = try rule(#"{"method": "*", "path": "/v1/*/list*", "status": 500}"#)
        #expect(middle.matches(method: .get, path: "/v1/credit-types/list"))
        #expect(middle.matches(method: .post, path: "/v1/contracts/customerCommits/list"))
        #expect(middle.matches(method: .post, path: "/v1/contracts/listNamedSchedules"))
        #expect(!middle.matches(method: .post, path: "/v1/contracts/get"))

        let everything = try rule(#"{"status": 500}"#)
        #expect(everything.matches(method: .delete, path: "/anything/at/all"))
        #expect(try rule(#"{"path": "*", "status": 500}"#).matches(method: .get, path: "/"))
        #expect(try rule(#"{"path": "/v1/**s", "status": 500}"#).matches(method: .get, path: "/v1/customers"))
    }

    @Test func timesCountsTheRequestsFaultedAndTheNextRuleTakesOver() throws {
        let faults = FaultInjector()
        faults.add(try rule(#"{"path": "/v1/customers", "status": 429, "times": 2}"#, id: "first"))
        faults.add(try rule(#"{"path": "/v1/*", "status": 503}"#, id: "second"))
        #expect(faults.match(method: .get, path: "/v2/other") == nil)
        let ids = (0..<4).map { _ in faults.match(method: .post, path: "/v1/customers")?.rule.id }
        #expect(ids == ["first", "first", "second", "second"])
        #expect(faults.all().map(\.remaining) == [0, nil])
        #expect(faults.remove(id: "first")?.rule.id == "first")
        #expect(faults.remove(id: "first") == nil)
        #expect(faults.removeAll() == 1)
        #expect(faults.match(method: .post, path: "/v1/customers") == nil)
    }

    @Test func aSeededProbabilityDrawsTheSameSequenceEveryTime() throws {
        func sequence(seed: Int64) throws -> [Bool] {
            let faults = FaultInjector()
            faults.add(try rule(#"{"status": 500, "probability": 0.5, "seed": \#(seed)}"#))
            return (0..<200).map { _ in faults.match(method: .get, path: "/v1/customers") != nil }
        }
        let first = try sequence(seed: 42)
        #expect(try sequence(seed: 42) == first)
        #expect(try sequence(seed: 43) != first)
        #expect((60...140).contains(first.filter { $0 }.count))
    }

    @Test func probabilityZeroNeverFiresAndOneAlwaysDoes() throws {
        let faults = FaultInjector()
        faults.add(try rule(#"{"status": 500, "probability": 0}"#, id: "never"))
        faults.add(try rule(#"{"status": 503, "probability": 1, "times": 3}"#, id: "always"))
        let ids = (0..<5).map { _ in faults.match(method: .get, path: "/v1/x")?.rule.id }
        #expect(ids == ["always", "always", "always", nil, nil])
    }
}
