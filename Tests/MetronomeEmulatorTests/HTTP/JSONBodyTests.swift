@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore
import Testing

@Suite struct JSONBodyTests {
    private struct Body: Decodable {
        var name: String
        var items: [Item]?
        struct Item: Decodable { var count: Int }
    }

    private func message(_ json: String) -> String? {
        do {
            _ = try JSONBody.decode(Body.self, from: ByteBuffer(string: json))
            return nil
        } catch let error as APIError {
            #expect(error.status == .badRequest)
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func namesWhatIsWrongAndWhere() {
        #expect(message("{") == "Request body is not valid JSON")
        #expect(message("[]") == "Request body must be a JSON object")
        #expect(message("\"x\"") == "Request body must be a JSON object")
        #expect(message("{}") == "Missing required field 'name'")
        #expect(message("") == "Missing required field 'name'")
        #expect(message(#"{"name": 5}"#) == "Field 'name' must be a string")
        #expect(message(#"{"name": null}"#) == "Field 'name' must not be null")
        #expect(message(#"{"name": "a", "items": [{"count": "x"}]}"#) == "Field 'items[0].count' must be an integer")
        #expect(message(#"{"name": "a", "items": {}}"#) == "Field 'items' must be an array")
        #expect(message(#"{"name": "a", "extra": 1}"#) == nil)
    }

    @Test func enumsReadCaseInsensitivelyAndNameTheirValues() throws {
        struct Holder: Decodable { var provider: BillingProviderType }
        let holder = try JSONBody.decode(Holder.self, from: ByteBuffer(string: #"{"provider": "STRIPE"}"#))
        #expect(holder.provider == .stripe)
        #expect(throws: APIError.self) {
            try JSONBody.decode(Holder.self, from: ByteBuffer(string: #"{"provider": "paypal"}"#))
        }
    }
}
