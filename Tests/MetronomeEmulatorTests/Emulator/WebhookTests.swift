import Foundation
import GRDB
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct WebhookSigningTests {
    @Test func signatureIsTheHMACOfDateNewlineBody() {
        // Computed independently with Python: hmac.new(key, date + b"\n" + body, hashlib.sha256).hexdigest()
        let body = #"{"id":"n1","type":"invoice.finalized","properties":{}}"#
        let signature = WebhookSigning.signature(
            date: "Sun, 06 Nov 1994 08:49:37 GMT", body: Array(body.utf8), secret: "whsec-test"
        )
        #expect(signature == "95ae4eb8806ab4890535574a2a737068a2831056b69985fd0bbcd86838862b21")
    }

    @Test func httpDatesAreIMFFixdates() {
        #expect(WebhookSigning.httpDate(Timestamp(rfc3339: "1994-11-06T08:49:37.999Z")!) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(WebhookSigning.httpDate(Timestamp(rfc3339: "2026-03-05T00:00:00Z")!) == "Thu, 05 Mar 2026 00:00:00 GMT")
        #expect(WebhookSigning.httpDate(Timestamp(rfc3339: "1969-12-31T23:59:59Z")!) == "Wed, 31 Dec 1969 23:59:59 GMT")
    }

    @Test func backoffDoublesFromOneSecondUpToFifteenMinutes() {
        let policy = WebhookDeliveryPolicy()
        #expect((1...5).map { policy.backoffMilliseconds(afterAttempts: $0) } == [1000, 2000, 4000, 8000, 16000])
        #expect(policy.backoffMilliseconds(afterAttempts: 10) == 512_000)
        #expect(policy.backoffMilliseconds(afterAttempts: 11) == 900_000)
        #expect(policy.backoffMilliseconds(afterAttempts: 200) == 900_000)
    }

    @Test func flagDestinationsKeepTheirIDsAcrossRestarts() {
        let first = WebhookDestination.fromFlags(urls: ["http://a/x", "http://b/y"], secret: "s")
        let again = WebhookDestination.fromFlags(urls: ["http://a/x", "http://b/y"], secret: "s")
        #expect(first == again)
        #expect(Set(first.map(\.id)).count == 2)
        #expect(first.allSatisfy { UUID(uuidString: $0.id) != nil })
        #expect(WebhookDestination.fromFlags(urls: ["http://a/x"], secret: nil).isEmpty)
    }

    @Test(arguments: ["ftp://host/x", "not a url", "http://", "/relative", "mailto:a@b"])
    func onlyAbsoluteHTTPURLsTakeWebhooks(url: String) {
        #expect(WebhookDestination.problem(withURL: url) != nil)
    }

    @Test func configurationNeedsASecretWithWebhookURLs() throws {
        var flags = ConfigurationFlags()
        flags.webhookURLs = ["http://127.0.0.1:9/hooks"]
        #expect(throws: ConfigurationError.self) { try Configuration(flags: flags, environment: [:]) }
        let configured = try Configuration(
            flags: ConfigurationFlags(),
            environment: ["METRONOME_EMULATOR_WEBHOOK_URL": "http://a/x, https://b/y", "METRONOME_EMULATOR_WEBHOOK_SECRET": "s"]
        )
        #expect(configured.webhookURLs == ["http://a/x", "https://b/y"])
        #expect(configured.webhookDestinations.count == 2)
    }
}
